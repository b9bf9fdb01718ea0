package sys

import (
	"reflect"
	"sync"
	"unsafe"
)

// Bounds of one GetRefCount walk. Past them the count is a lower bound.
const (
	maxDepth  = 64      // nesting of values followed from a variable
	maxVisits = 1 << 20 // values looked at in one walk
)

// identity is what makes two values the same object: a kind, an address
// range and, for pointers, the pointee type.
type identity struct {
	kind   reflect.Kind
	lo, hi uintptr      // slices: [data, data+cap*size); others: lo == hi == address
	typ    reflect.Type // pointers only: &x and &x.firstField differ
}

// zerobase is the address Go gives every zero-size allocation; slices
// with that data pointer have no identity of their own.
var zerobase = reflect.MakeSlice(reflect.TypeOf([]int(nil)), 0, 0).Pointer()

// identityOf returns v's identity, or ok false for a value without one
// (numbers, strings, structs and arrays held by value, nil references,
// empty slices without their own backing array).
func identityOf(v reflect.Value) (id identity, ok bool) {
	for v.Kind() == reflect.Interface {
		if v.IsNil() {
			return id, false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice:
		p := v.Pointer()
		if p == 0 || p == zerobase {
			return id, false
		}
		return identity{kind: reflect.Slice, lo: p, hi: p + uintptr(v.Cap())*v.Type().Elem().Size()}, true
	case reflect.Map, reflect.Chan:
		if v.IsNil() {
			return id, false
		}
		p := v.Pointer()
		return identity{kind: v.Kind(), lo: p, hi: p}, true
	case reflect.Pointer:
		p := v.Pointer()
		if p == 0 || p == zerobase {
			return id, false
		}
		return identity{kind: reflect.Pointer, lo: p, hi: p, typ: v.Type().Elem()}, true
	case reflect.Func:
		p := uintptr(funcPtr(v))
		if p == 0 {
			return id, false
		}
		return identity{kind: reflect.Func, lo: p, hi: p}, true
	}
	return id, false
}

// same reports whether a and b are the same object. Slices are the same
// when their backing ranges overlap (s and s[1:] share an array); empty
// ranges match on their start address.
func (a identity) same(b identity) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case reflect.Slice:
		if a.lo == a.hi || b.lo == b.hi {
			return a.lo == b.lo
		}
		return a.lo < b.hi && b.lo < a.hi
	case reflect.Pointer:
		return a.lo == b.lo && a.typ == b.typ
	}
	return a.lo == b.lo
}

// counter is one GetRefCount walk.
type counter struct {
	target  identity
	count   int
	visits  int
	seen    map[visitKey]bool
	frames  map[unsafe.Pointer]bool
	partial bool // a bound was hit
}

type visitKey struct {
	p   uintptr
	typ reflect.Type
	n   int // slices: length walked
}

var valueType = reflect.TypeOf(reflect.Value{})

// refFree caches which types cannot hold a reference (so their arrays
// and slices are not walked element by element).
var refFree sync.Map // reflect.Type → bool

func noRefs(t reflect.Type) bool {
	if b, ok := refFree.Load(t); ok {
		return b.(bool)
	}
	var r bool
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String, reflect.UnsafePointer:
		r = true
	case reflect.Array:
		r = noRefs(t.Elem())
	case reflect.Struct:
		r = t != valueType
		for i := 0; r && i < t.NumField(); i++ {
			r = noRefs(t.Field(i).Type)
		}
	}
	refFree.Store(t, r)
	return r
}

// countRefs counts the references to target among roots, following
// references from each root (see the package documentation).
func countRefs(target identity, roots map[string]reflect.Value) (n int, partial bool) {
	c := &counter{target: target, seen: map[visitKey]bool{}, frames: map[unsafe.Pointer]bool{}}
	for _, v := range roots {
		c.walk(v, 0)
	}
	return c.count, c.partial
}

func (c *counter) walk(v reflect.Value, depth int) {
	if !v.IsValid() {
		return
	}
	if depth > maxDepth || c.visits >= maxVisits {
		c.partial = true
		return
	}
	c.visits++
	t := v.Type()
	if t == valueType {
		// Cell data held as a reflect.Value (yaegi frames, wrappers).
		if v.CanAddr() {
			c.walk(*(*reflect.Value)(unsafe.Pointer(v.UnsafeAddr())), depth+1)
		} else if v.CanInterface() {
			c.walk(v.Interface().(reflect.Value), depth+1)
		}
		return
	}
	if noRefs(t) || isSessionType(t) {
		return
	}
	if id, ok := identityOf(v); ok && id.same(c.target) && v.Kind() != reflect.Interface {
		c.count++
	}
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			c.walk(v.Elem(), depth+1)
		}
	case reflect.Pointer:
		if v.IsNil() || isYaegiType(t.Elem()) || isSessionType(t.Elem()) {
			return
		}
		if c.first(visitKey{p: v.Pointer(), typ: t}) {
			c.walk(v.Elem(), depth+1)
		}
	case reflect.Slice:
		if v.IsNil() || noRefs(t.Elem()) || !c.first(visitKey{p: v.Pointer(), typ: t, n: v.Len()}) {
			return
		}
		for i := 0; i < v.Len(); i++ {
			c.walk(v.Index(i), depth+1)
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			c.walk(v.Index(i), depth+1)
		}
	case reflect.Struct:
		yaegi := isYaegiType(t)
		for i := 0; i < v.NumField(); i++ {
			if yaegi && t.Field(i).Type != valueType {
				continue
			}
			c.walk(v.Field(i), depth+1)
		}
	case reflect.Map:
		if v.IsNil() || !c.first(visitKey{p: v.Pointer(), typ: t}) {
			return
		}
		it := v.MapRange()
		for it.Next() {
			c.walk(it.Key(), depth+1)
			c.walk(it.Value(), depth+1)
		}
	case reflect.Func:
		for _, fr := range closureFrames(funcPtr(v)) {
			if c.frames[fr] {
				continue
			}
			c.frames[fr] = true
			c.walkFrame(frameData(fr), depth+1)
		}
	}
}

// walkFrame counts a captured frame's slots. yaegi keeps temporaries in
// frame slots too, indistinguishable from variables, so each frame counts
// the target at most once.
func (c *counter) walkFrame(data []reflect.Value, depth int) {
	before := c.count
	for _, d := range data {
		c.walk(d, depth)
	}
	if c.count > before+1 {
		c.count = before + 1
	}
}

func (c *counter) first(k visitKey) bool {
	if c.seen[k] {
		return false
	}
	c.seen[k] = true
	return true
}
