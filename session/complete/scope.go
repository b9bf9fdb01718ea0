package complete

import (
	"reflect"
	"sort"
)

// Kinds of declarations in Decl.Kind.
const (
	KindVar     = "var"
	KindConst   = "const"
	KindFunc    = "func"
	KindType    = "type"
	KindPackage = "package"
	// KindMethod is a method declared in a cell; Decl.Recv names its
	// receiver type ("T" or "*T").
	KindMethod = "method"
)

// Decl is a name declared by an earlier cell.
type Decl struct {
	Name string
	Kind string // one of the Kind constants
	// Type is the Go type as written or inferred, e.g. "[]int" or "*P";
	// for a type declaration its underlying type, e.g. "struct{A int}".
	Type string
	// Signature is the func type of a func or method without its name,
	// e.g. "func(a int) string".
	Signature string
	// Recv is the receiver type of a method ("T" or "*T").
	Recv string
	Doc  string
	// Source is the declaration's source, shown by Inspect at detail 1.
	Source string
}

// Scope is what the session knows about the names a cell can use.
// Implementations used concurrently must be safe for concurrent use.
type Scope interface {
	// Decls returns the names declared in earlier cells, methods included.
	Decls() []Decl
	// Imports maps the package names usable in a cell to their import
	// paths, e.g. "fmt" → "fmt", "rand" → "math/rand/v2".
	Imports() map[string]string
	// Packages maps every importable path to its package name, e.g.
	// "math/rand/v2" → "rand" (from the interpreter's symbol tables, whose
	// keys are "path/name").
	Packages() map[string]string
	// Members returns the symbol table of an import path, as yaegi's
	// interp.Exports holds it: functions as func values, types as nil
	// pointers to the type, variables as addressable values, constants as
	// values (go/constant.Value for untyped ones). Nil when unknown.
	Members(path string) map[string]reflect.Value
	// VarType returns the type of a global variable, nil when unknown.
	VarType(name string) reflect.Type
}

// ValueScope is optionally implemented by a Scope that can give the current
// value of a global variable; Inspect then shows it.
type ValueScope interface {
	VarValue(name string) (reflect.Value, bool)
}

// DocScope is optionally implemented by a Scope that documents packages
// the Go installation has no source for, e.g. the session's cell packages
// (coroutine, refcount). Inspect consults it before GOROOT. name is an
// exported symbol ("New") or a method ("Generator.Send"); decl is its
// declaration ("func New(body func(co *Co) any) *Generator"), doc its doc
// comment as plain text.
type DocScope interface {
	PackageDoc(path, name string) (decl, doc string, ok bool)
}

// StaticScope is an in-memory Scope for tests and tools. Its fields must not
// change while it is in use.
type StaticScope struct {
	Declared []Decl
	Imported map[string]string                   // package name → import path
	Symbols  map[string]map[string]reflect.Value // yaegi Exports: "path/name" → members
	Globals  map[string]reflect.Value            // variable name → value
	// Docs documents symbols by import path and name (see DocScope).
	Docs map[string]map[string][2]string // path → name → {decl, doc}
}

// PackageDoc implements DocScope.
func (s *StaticScope) PackageDoc(path, name string) (decl, doc string, ok bool) {
	d, ok := s.Docs[path][name]
	return d[0], d[1], ok
}

// Decls implements Scope.
func (s *StaticScope) Decls() []Decl { return s.Declared }

// Imports implements Scope.
func (s *StaticScope) Imports() map[string]string { return s.Imported }

// Packages implements Scope.
func (s *StaticScope) Packages() map[string]string {
	m := make(map[string]string, len(s.Symbols))
	for key := range s.Symbols {
		p, name := splitKey(key)
		m[p] = name
	}
	return m
}

// Members implements Scope.
func (s *StaticScope) Members(path string) map[string]reflect.Value {
	for key, mem := range s.Symbols {
		if p, _ := splitKey(key); p == path {
			return mem
		}
	}
	return nil
}

// VarType implements Scope.
func (s *StaticScope) VarType(name string) reflect.Type {
	if v, ok := s.Globals[name]; ok && v.IsValid() {
		return v.Type()
	}
	return nil
}

// VarValue implements ValueScope.
func (s *StaticScope) VarValue(name string) (reflect.Value, bool) {
	v, ok := s.Globals[name]
	return v, ok && v.IsValid()
}

// splitKey splits a yaegi Exports key "import/path/name" into the import
// path and the package name.
func splitKey(key string) (path, name string) {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '/' {
			return key[:i], key[i+1:]
		}
	}
	return key, key
}

// memberKind classifies a symbol table entry as "function", "type",
// "variable" or "constant".
func memberKind(v reflect.Value) string {
	switch {
	case !v.IsValid():
		return "variable"
	case v.CanAddr():
		return "variable"
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "type"
	case v.Kind() == reflect.Func:
		return "function"
	default:
		return "constant"
	}
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
