package session

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi v0.16.1 keeps the values of package-level variables in one global
// frame, laid out by the universe scope's types. Before it executes a
// compile that added slots, it copies the whole frame into a new one of
// exactly the new length (Interpreter.resizeFrame), so a session whose
// cells each declare a variable copies (and leaves to the collector) a
// frame as long as the session: the cost of a cell grew with the session.
// growFrame makes the frame long enough before yaegi looks, in a backing
// array with room to spare, so that most compiles add slots without a
// copy; yaegi's own check then finds nothing to do. It reaches the
// unexported fields with reflect and unsafe, as release.go does; if they
// are missing it does nothing (yaegi resizes as before) and
// TestFrameFields fails.

// frameView is the view of an interpreter's global frame.
type frameView struct {
	mu    *sync.RWMutex    // the frame's mutex, which yaegi holds to resize it
	data  *[]reflect.Value // the frame's values
	types *[]reflect.Type  // the universe's frame layout
}

func frameOf(it *interp.Interpreter) (frameView, bool) {
	v := reflect.ValueOf(it).Elem()
	fr, ok1 := unexported(v, "frame")
	uni, ok2 := unexported(v, "universe")
	if !ok1 || !ok2 || fr.Kind() != reflect.Pointer || fr.IsNil() || uni.Kind() != reflect.Pointer || uni.IsNil() {
		return frameView{}, false
	}
	data, ok3 := unexported(fr.Elem(), "data")
	mu, ok4 := unexported(fr.Elem(), "mutex")
	types, ok5 := unexported(uni.Elem(), "types")
	if !ok3 || !ok4 || !ok5 || data.Type() != reflect.TypeOf([]reflect.Value(nil)) ||
		mu.Type() != reflect.TypeOf(sync.RWMutex{}) || types.Type() != reflect.TypeOf([]reflect.Type(nil)) {
		return frameView{}, false
	}
	return frameView{
		mu:    (*sync.RWMutex)(unsafe.Pointer(mu.UnsafeAddr())),
		data:  (*[]reflect.Value)(unsafe.Pointer(data.UnsafeAddr())),
		types: (*[]reflect.Type)(unsafe.Pointer(types.UnsafeAddr())),
	}, true
}

// yaegiView is what frame.go and release.go reach inside one
// interpreter, looked up once: the fields' addresses do not move, and
// the lookups cost more than what is done with them.
type yaegiView struct {
	it   *interp.Interpreter
	fv   frameView
	fvOK bool
	in   internals
	inOK bool
}

// yaegi returns the view of s.it. Call it with s.execMu held, as every
// compile and run of a cell is.
func (s *Session) yaegi() *yaegiView {
	if s.yv.it != s.it {
		s.yv = yaegiView{it: s.it}
		s.yv.fv, s.yv.fvOK = frameOf(s.it)
		s.yv.in, s.yv.inOK = internalsOf(s.it)
	}
	return &s.yv
}

// growFrame gives it's global frame the slots its last compile added, as
// resizeFrame would (a zero value of each slot's type), without copying
// the frame while its backing array has room, and with room for half as
// many slots again when it has not. Call it between a compile and its
// execution, with no other compile running.
func (y *yaegiView) growFrame() {
	fv, ok := y.fv, y.fvOK
	if !ok {
		return
	}
	types := *fv.types
	l := len(types)
	fv.mu.Lock()
	defer fv.mu.Unlock()
	data := *fv.data
	b := len(data)
	if l <= b {
		return
	}
	if cap(data) < l {
		grown := make([]reflect.Value, b, l+l/2+64)
		copy(grown, data)
		data = grown
	}
	data = data[:l]
	for i := b; i < l; i++ {
		data[i] = reflect.New(types[i]).Elem()
	}
	*fv.data = data
}

// globalLen is the length of the global frame layout, or -1 if its
// fields moved.
func (y *yaegiView) globalLen() int {
	if !y.fvOK {
		return -1
	}
	return len(*y.fv.types)
}

// dropSlots gives back the global slots past n that the compile of an
// expression alone added (yaegi keeps an expression's value in a slot of
// the frame its statement runs in, the global one at top level), once
// its value was read: the program is dropped after its run and an
// expression that only reads makes no closure, so nothing refers to them;
// the next compile takes them again. Without it every such cell would
// lengthen the frame for good. Call it with no other compile running.
func (y *yaegiView) dropSlots(n int) {
	fv, in := y.fv, y.in
	if !y.fvOK || !y.inOK || n < 0 {
		return
	}
	types := *fv.types
	if len(types) <= n {
		return
	}
	// The package scopes at the universe's level keep a header of the
	// same layout (yaegi's scope.push and pop copy it between them): each
	// is cut back too, or its next append would bring the slots back.
	var headers []*[]reflect.Type
	in.mu.Lock()
	for iter := in.scopes.MapRange(); iter.Next(); {
		sc := iter.Value()
		if sc.Kind() != reflect.Pointer || sc.IsNil() {
			continue
		}
		f, ok := unexported(sc.Elem(), "types")
		if !ok || f.Type() != reflect.TypeOf([]reflect.Type(nil)) {
			in.mu.Unlock()
			return
		}
		h := (*[]reflect.Type)(unsafe.Pointer(f.UnsafeAddr()))
		if len(*h) <= n {
			continue
		}
		if unsafe.SliceData(*h) != unsafe.SliceData(types) {
			in.mu.Unlock()
			return // a layout of its own: keep the slots rather than guess
		}
		headers = append(headers, h)
	}
	in.mu.Unlock()
	fv.mu.Lock()
	defer fv.mu.Unlock()
	for _, h := range headers {
		*h = (*h)[:n]
	}
	clear(types[n:])
	*fv.types = types[:n]
	if data := *fv.data; len(data) > n {
		clear(data[n:])
		*fv.data = data[:n]
	}
}
