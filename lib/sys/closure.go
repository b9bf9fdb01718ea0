package sys

import (
	"reflect"
	"runtime"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// This file reads captured variables out of yaegi v0.16.1 closures. It
// depends on the internals of reflect.MakeFunc, of yaegi's getFunc and of
// its frame type; each assumption is checked (by function name and by
// reflect field lookup) before memory is read, and TestClosureCaptures
// fails if a toolchain or yaegi upgrade changes them. When a check fails,
// closures still count as references (by identity) but their captured
// variables are not visited.

// yaegiClosureName is the function reflect.MakeFunc wraps for every
// interpreted func value (run.go: getFunc).
const yaegiClosureName = "github.com/traefik/yaegi/interp.getFunc.func1.1"

// closureFrameWord is the index, in words, of getFunc's captured f (the
// live frame the func literal was evaluated in) inside the Go closure
// object: {code, fr, n, numRet, f, ...}.
const closureFrameWord = 4

// frameLayout locates the fields of yaegi's frame struct.
type frameLayout struct {
	ok              bool
	root, anc, data uintptr // field offsets
	makeFuncCode    uintptr // reflect.MakeFunc's stub, the first word of every MakeFunc closure
	implFnWord      int     // index of makeFuncImpl.fn in words
}

var layout = func() frameLayout {
	var l frameLayout
	ft, ok := reflect.TypeOf((*interp.Interpreter)(nil)).Elem().FieldByName("frame")
	if !ok || ft.Type.Kind() != reflect.Pointer || ft.Type.Elem().Kind() != reflect.Struct {
		return l
	}
	st := ft.Type.Elem()
	root, ok1 := st.FieldByName("root")
	anc, ok2 := st.FieldByName("anc")
	data, ok3 := st.FieldByName("data")
	if !ok1 || !ok2 || !ok3 || root.Type != ft.Type || anc.Type != ft.Type || data.Type != reflect.TypeOf([]reflect.Value(nil)) {
		return l
	}
	l.root, l.anc, l.data = root.Offset, anc.Offset, data.Offset
	// Find makeFuncImpl.fn by making a func whose inner closure we know.
	marker := func([]reflect.Value) []reflect.Value { return nil }
	mf := reflect.MakeFunc(reflect.TypeOf(func() {}), marker)
	words := (*[6]uintptr)(funcPtr(mf))
	want := uintptr(funcPtr(reflect.ValueOf(marker)))
	for i := 1; i < len(words); i++ {
		if words[i] == want {
			l.implFnWord = i
			l.makeFuncCode = words[0]
			l.ok = true
			break
		}
	}
	return l
}()

// funcPtr returns the closure pointer of a func value (its identity), or
// nil for a nil func or one it cannot read.
func funcPtr(v reflect.Value) unsafe.Pointer {
	if v.Kind() != reflect.Func || v.IsNil() {
		return nil
	}
	if v.CanAddr() {
		return *(*unsafe.Pointer)(unsafe.Pointer(v.UnsafeAddr()))
	}
	if !v.CanInterface() {
		return nil
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return *(*unsafe.Pointer)(p.UnsafePointer())
}

// closureFrames returns the frames (as pointers) whose variables an
// interpreted closure captured: the frame its literal was evaluated in and
// that frame's ancestors, up to but excluding the global frame (whose
// variables are the session's globals). Nil when fn is not a yaegi
// closure or the layout checks fail.
func closureFrames(fn unsafe.Pointer) []unsafe.Pointer {
	if !layout.ok || fn == nil {
		return nil
	}
	// Read the first word only until it proves fn is a MakeFunc closure.
	if *(*uintptr)(fn) != layout.makeFuncCode {
		return nil
	}
	inner := *(*unsafe.Pointer)(unsafe.Add(fn, layout.implFnWord*int(unsafe.Sizeof(uintptr(0)))))
	if inner == nil {
		return nil
	}
	f := runtime.FuncForPC(*(*uintptr)(inner))
	if f == nil || f.Name() != yaegiClosureName {
		return nil
	}
	var frames []unsafe.Pointer
	for fr := *(*unsafe.Pointer)(unsafe.Add(inner, closureFrameWord*int(unsafe.Sizeof(uintptr(0))))); fr != nil; fr = *(*unsafe.Pointer)(unsafe.Add(fr, layout.anc)) {
		root := *(*unsafe.Pointer)(unsafe.Add(fr, layout.root))
		if root == fr || root == nil || len(frames) > 64 {
			break
		}
		frames = append(frames, fr)
	}
	return frames
}

// frameData returns a frame's variable slots.
func frameData(fr unsafe.Pointer) []reflect.Value {
	return *(*[]reflect.Value)(unsafe.Add(fr, layout.data))
}
