package memprobe

import (
	"reflect"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// field returns a settable view of the unexported field name of v (a
// struct value reached through a pointer).
func field(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// clearRoots drops yaegi's list of every compiled root node
// (Interpreter.roots, read only by its debugger).
func clearRoots(it *interp.Interpreter) {
	r := field(reflect.ValueOf(it).Elem(), "roots")
	r.Set(reflect.Zero(r.Type()))
}

// clearScopeChildren drops the child lists of the universe and package
// scopes (scope.child, read only by yaegi's debugger).
func clearScopeChildren(it *interp.Interpreter) {
	iv := reflect.ValueOf(it).Elem()
	clear := func(sc reflect.Value) {
		c := field(sc.Elem(), "child")
		c.Set(reflect.Zero(c.Type()))
	}
	clear(field(iv, "universe"))
	scopes := field(iv, "scopes")
	for _, k := range scopes.MapKeys() {
		clear(scopes.MapIndex(k))
	}
}

// deleteSym removes name from the scope of package pkg.
func deleteSym(it *interp.Interpreter, pkg, name string) {
	sc := field(reflect.ValueOf(it).Elem(), "scopes").MapIndex(reflect.ValueOf(pkg))
	field(sc.Elem(), "sym").SetMapIndex(reflect.ValueOf(name), reflect.Value{})
}

// frameLen is the number of slots of the global frame.
func frameLen(it *interp.Interpreter) int {
	fr := field(reflect.ValueOf(it).Elem(), "frame")
	return field(fr.Elem(), "data").Len()
}
