package session

import (
	"go/token"
	"reflect"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi v0.16.1 keeps every compiled node graph reachable forever:
// Interpreter.roots lists the root of every Eval/CompileAST, and every
// scope pushed under the universe or a package scope is appended to its
// parent's child list; both are read only by yaegi's debugger, which the
// session does not use. The generated __cellN_K funcs stay reachable
// from the main package scope's symbol table. releaseCompiled drops all
// three, so the graph of a finished cell can be collected (its running
// goroutines keep what they use). It reaches the unexported fields with
// reflect and unsafe; if they are missing (another yaegi version) it does
// nothing, and TestReleaseFields fails.

// internals is the view of an interpreter's unexported fields.
type internals struct {
	mu       *sync.RWMutex
	roots    reflect.Value // []*node
	universe reflect.Value // *scope
	scopes   reflect.Value // map[string]*scope
}

// unexported is the field name of struct v, addressable and settable.
func unexported(v reflect.Value, name string) (reflect.Value, bool) {
	i, ok := fieldIndex(v.Type(), name)
	if !ok {
		return reflect.Value{}, false
	}
	f := v.FieldByIndex(i)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), true
}

// fieldKey names a field of a struct type.
type fieldKey struct {
	t    reflect.Type
	name string
}

// fieldIndexes caches fieldIndex: releaseCompiled runs after every cell,
// and FieldByName looks at the fields one by one.
var fieldIndexes sync.Map // fieldKey -> []int, nil for none

// fieldIndex is the index of field name of struct type t, as
// reflect.Type.FieldByName finds it.
func fieldIndex(t reflect.Type, name string) ([]int, bool) {
	k := fieldKey{t, name}
	if i, ok := fieldIndexes.Load(k); ok {
		return i.([]int), i.([]int) != nil
	}
	var i []int
	if f, ok := t.FieldByName(name); ok {
		i = f.Index
	}
	fieldIndexes.Store(k, i)
	return i, i != nil
}

func internalsOf(it *interp.Interpreter) (internals, bool) {
	v := reflect.ValueOf(it).Elem()
	var in internals
	mu, ok1 := unexported(v, "mutex")
	roots, ok2 := unexported(v, "roots")
	uni, ok3 := unexported(v, "universe")
	scopes, ok4 := unexported(v, "scopes")
	if !ok1 || !ok2 || !ok3 || !ok4 || roots.Kind() != reflect.Slice || uni.Kind() != reflect.Pointer || scopes.Kind() != reflect.Map {
		return in, false
	}
	m, ok := mu.Addr().Interface().(*sync.RWMutex)
	if !ok {
		return in, false
	}
	return internals{mu: m, roots: roots, universe: uni, scopes: scopes}, true
}

// releaseCompiled lets the node graphs of finished cells be collected:
// it empties yaegi's root list and the child lists of the universe and
// package scopes, and removes the generated funcs named funcs (the
// cell's __cellN_K) from package main. Call it between cells, with no
// compile running.
func releaseCompiled(in internals, funcs []string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.roots.Set(reflect.Zero(in.roots.Type()))
	clearChildren(in.universe)
	for _, k := range in.scopes.MapKeys() {
		sc := in.scopes.MapIndex(k)
		clearChildren(sc)
		if k.String() != "main" {
			continue
		}
		sym, ok := unexported(sc.Elem(), "sym")
		if !ok || sym.Kind() != reflect.Map {
			continue
		}
		for _, name := range funcs {
			sym.SetMapIndex(reflect.ValueOf(name), reflect.Value{})
		}
	}
}

func clearChildren(sc reflect.Value) {
	if sc.IsNil() {
		return
	}
	if c, ok := unexported(sc.Elem(), "child"); ok && c.Kind() == reflect.Slice {
		c.Set(reflect.Zero(c.Type()))
	}
}

// cellFiles drops the FileSet files of finished cells: a file of a
// statement unit or generated call is removed once no goroutine the cell
// started is alive (a late panic needs its positions); declaration files
// are kept (generic instantiations and errors in later cells need them).
type cellFiles struct {
	mu      sync.Mutex
	decl    map[*token.File]bool
	live    map[int]int           // cell -> goroutines alive
	pending map[int][]*token.File // cell -> files to drop
}

func (c *cellFiles) keep(f *token.File) {
	if f == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.decl == nil {
		c.decl = map[*token.File]bool{}
	}
	c.decl[f] = true
}

func (c *cellFiles) started(cell int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live == nil {
		c.live = map[int]int{}
	}
	c.live[cell]++
}

func (c *cellFiles) ended(cell int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live[cell]--; c.live[cell] <= 0 {
		delete(c.live, cell)
	}
}

// release queues the files added to it's FileSet since base by cell, then
// removes the queued files of every cell with no goroutine alive.
func (c *cellFiles) release(it *interp.Interpreter, base, cell int) {
	fset := it.FileSet()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[int][]*token.File{}
	}
	// The files since base follow one another (a FileSet gives each new
	// file the next base), so they are found without visiting the
	// session's earlier files.
	var found []*token.File
	for p := base; p < fset.Base(); {
		f := fset.File(token.Pos(p))
		if f == nil {
			// Not contiguous after all: look at every file.
			found = nil
			fset.Iterate(func(f *token.File) bool {
				if f.Base() >= base && !c.decl[f] {
					found = append(found, f)
				}
				return true
			})
			break
		}
		if !c.decl[f] {
			found = append(found, f)
		}
		p = f.Base() + f.Size() + 1
	}
	c.pending[cell] = append(c.pending[cell], found...)
	for n, files := range c.pending {
		if c.live[n] > 0 {
			continue
		}
		for _, f := range files {
			fset.RemoveFile(f)
		}
		delete(c.pending, n)
	}
}
