package multiprocessing

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// This file maps a func value from a cell to the name of its top-level
// declaration. yaegi makes a fresh reflect.MakeFunc wrapper every time an
// interpreted func is used as a value, so two wrappers of one func differ
// as Go func values. Their inner closure (yaegi's
// genFunctionWrapper.func1.1) captures the func's declaration node,
// though: wrappers of one declaration share it. The word that holds it is
// found by a probe on a private interpreter (probeIdentity); if the probe
// fails after a toolchain or yaegi upgrade, a func is matched by its type
// alone when no other registered func has that type, else the caller is
// asked to pass the name.

// wrapperName is the function reflect.MakeFunc wraps for a named
// interpreted func used as a value (yaegi run.go: genFunctionWrapper).
const wrapperName = "github.com/traefik/yaegi/interp.genFunctionWrapper.func1.1"

// maxWords bounds the words read from closure objects; yaegi's inner
// closure captures six variables (seven words with the code pointer).
const maxWords = 4

// identity is the probed layout: where to find the inner closure in a
// MakeFunc value and the declaration node in the inner closure.
type identity struct {
	ok       bool
	stubCode uintptr // first word of every MakeFunc closure
	implFn   int     // index of makeFuncImpl.fn, in words
	defWord  int     // index of the declaration node in the inner closure
}

// closurePtr returns the closure pointer of a func value, or nil.
func closurePtr(v reflect.Value) unsafe.Pointer {
	if v.Kind() != reflect.Func || v.IsNil() || !v.CanInterface() {
		return nil
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return *(*unsafe.Pointer)(p.UnsafePointer())
}

// word reads the i-th word of the object at p.
func word(p unsafe.Pointer, i int) uintptr {
	return *(*uintptr)(unsafe.Add(p, i*int(unsafe.Sizeof(uintptr(0)))))
}

// inner returns the inner closure of a yaegi func wrapper, or nil.
func (id identity) inner(v reflect.Value) unsafe.Pointer {
	fn := closurePtr(v)
	if !id.ok || fn == nil || word(fn, 0) != id.stubCode {
		return nil
	}
	in := *(*unsafe.Pointer)(unsafe.Add(fn, id.implFn*int(unsafe.Sizeof(uintptr(0)))))
	if in == nil {
		return nil
	}
	f := runtime.FuncForPC(word(in, 0))
	if f == nil || f.Name() != wrapperName {
		return nil
	}
	return in
}

// key returns the declaration node of a yaegi func wrapper, 0 if v is
// not one.
func (id identity) key(v reflect.Value) uintptr {
	in := id.inner(v)
	if in == nil {
		return 0
	}
	return word(in, id.defWord)
}

// probeIdentity finds the layout on a private interpreter.
func probeIdentity() (id identity) {
	defer func() {
		if r := recover(); r != nil {
			id = identity{}
		}
	}()
	marker := func([]reflect.Value) []reflect.Value { return nil }
	mf := reflect.MakeFunc(reflect.TypeOf(func() {}), marker)
	mp, want := closurePtr(mf), uintptr(closurePtr(reflect.ValueOf(marker)))
	for i := 1; i < 8; i++ {
		if word(mp, i) == want {
			id.implFn, id.stubCode = i, word(mp, 0)
			break
		}
	}
	if id.implFn == 0 {
		return identity{}
	}
	id.ok = true
	var got []reflect.Value
	it := interp.New(interp.Options{})
	if err := it.Use(interp.Exports{"probe/probe": {"Take": reflect.ValueOf(func(f any) { got = append(got, reflect.ValueOf(f)) })}}); err != nil {
		return identity{}
	}
	src := `import "probe"
func a(x int) int { return x }
func b(x int) int { return x + 1 }
func init() { probe.Take(a); probe.Take(a); probe.Take(b); probe.Take(func(x int) int { return x }) }`
	if _, err := it.Eval(src); err != nil || len(got) != 4 {
		return identity{}
	}
	var in [4]unsafe.Pointer
	for i, v := range got {
		if in[i] = id.inner(v); in[i] == nil {
			return identity{}
		}
	}
	for w := 1; w < maxWords; w++ {
		a1, a2, b, lit := word(in[0], w), word(in[1], w), word(in[2], w), word(in[3], w)
		if a1 != 0 && a1 == a2 && a1 != b && a1 != lit && b != lit {
			id.defWord = w
			return id
		}
	}
	return identity{}
}

// topFuncs returns the top-level funcs (no receiver, not generic, not
// generated) that decls declares.
func topFuncs(decls string) (map[string]bool, error) {
	names := map[string]bool{}
	if strings.TrimSpace(decls) == "" {
		return names, nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package main\n"+decls, parser.SkipObjectResolution)
	if err != nil && f == nil {
		return nil, fmt.Errorf("parse declarations: %w", err)
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && sendable(fd) {
			names[fd.Name.Name] = true
		}
	}
	return names, nil
}

// sendable reports whether a func declaration can be called by name in
// another process.
func sendable(fd *ast.FuncDecl) bool {
	n := fd.Name.Name
	return fd.Recv == nil && fd.Type.TypeParams == nil && n != "_" && n != "init" && n != "main" && !strings.HasPrefix(n, "__")
}

// errNotTopLevel explains which funcs can be sent.
const errNotTopLevel = "the func is not a top-level func declared in a cell " +
	"(closures, func literals, method values and funcs of packages cannot be sent to another process): " +
	"declare it with func name(...) {...} in a cell, or pass its name as a string"

// funcName maps f (a func value or a name) to the name of a top-level
// func of decls.
func (p *Procs) funcName(f any, decls string) (string, error) {
	names, err := topFuncs(decls)
	if err != nil {
		return "", err
	}
	if s, ok := f.(string); ok {
		if !token.IsIdentifier(s) {
			return "", fmt.Errorf("%q is not a func name", s)
		}
		if !names[s] {
			return "", fmt.Errorf("%s is not a top-level func declared in a cell", s)
		}
		return s, nil
	}
	v := reflect.ValueOf(f)
	if !v.IsValid() || v.Kind() != reflect.Func {
		return "", fmt.Errorf("want a func declared in a cell or its name, got %T", f)
	}
	if v.IsNil() {
		return "", fmt.Errorf("nil func")
	}
	p.mu.Lock()
	reg := make(map[string]reflect.Value, len(p.funcs))
	for n, fv := range p.funcs {
		if names[n] {
			reg[n] = fv
		}
	}
	p.mu.Unlock()
	var sameType []string
	for n, fv := range reg {
		if fv.Type() == v.Type() {
			sameType = append(sameType, n)
		}
	}
	sort.Strings(sameType)
	if k := p.id.key(v); k != 0 {
		for _, n := range sameType {
			if p.id.key(reg[n]) == k {
				return n, nil
			}
		}
		return "", fmt.Errorf("%s", errNotTopLevel)
	}
	switch {
	case p.id.ok:
		// The layout is known and v is not a declared func's wrapper.
		return "", fmt.Errorf("%s", errNotTopLevel)
	case len(sameType) == 1:
		return sameType[0], nil
	case len(sameType) > 1:
		return "", fmt.Errorf("cannot tell which of %s this func is: pass its name as a string", strings.Join(sameType, ", "))
	}
	return "", fmt.Errorf("%s", errNotTopLevel)
}

// register remembers a top-level func of a cell under its name (called
// by the code the registration pass adds).
func (p *Procs) register(name string, f any) {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.funcs[name] = v
}
