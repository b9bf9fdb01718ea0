package rt

import (
	"fmt"
	"reflect"
	"sync/atomic"
)

// Packages maps the import path of a cell package ("gil", "sys",
// "display") to its symbols, as a session registers them with yaegi.
type Packages map[string]map[string]reflect.Value

// packages is the worker's current cell packages; generated shims read it
// when their plugin is opened.
var packages atomic.Pointer[Packages]

// SetPackages makes p the cell packages compiled code reaches (the
// worker's own instances) and returns a function that restores the
// previous ones. p must not be modified afterwards.
func SetPackages(p Packages) (restore func()) {
	old := packages.Swap(&p)
	return func() { packages.Store(old) }
}

// Sym returns symbol name of cell package path: a pointer to it for a
// variable, else its value. Generated shims call it from their package's
// initialisation, which runs when the plugin is opened; a missing symbol
// panics there, and plugin.Open reports it.
func Sym(path, name string) any {
	var v reflect.Value
	if p := packages.Load(); p != nil {
		v = (*p)[path][name]
	}
	if !v.IsValid() {
		panic(fmt.Sprintf("gilgo: cell package %q has no %s in this worker", path, name))
	}
	if v.CanAddr() {
		return v.Addr().Interface()
	}
	return v.Interface()
}
