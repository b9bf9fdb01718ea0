package fmtvalue

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"unsafe"
)

// The types below are compiled, so fmt formats them as Go does. The tests
// turn each value into the representation yaegi gives it (the same
// structure with every name stripped: Color is int, struct fields are
// exported), describe the type with Type, and check that Show's value
// prints as the original.

type Color int

func (c Color) String() string { return [...]string{"red", "green", "blue"}[c] }

type Celsius float64

type Perm uint8

func (p *Perm) String() string { return "never: a pointer method of a value" }

type Point struct {
	X, Y int
	C    Color
	c    Color // unexported: fmt does not call its String
	S    []Color
	M    map[Color]string
	P    *Inner
	Any  any
	Err  error
}

type Inner struct{ N Color }

type Code int

func (c Code) Error() string { return fmt.Sprintf("code %d", int(c)) }

type NotFound struct{ Name string }

func (e *NotFound) Error() string { return e.Name + " not found" }

type Wrapped struct {
	Op  string
	Err error
}

func (w Wrapped) Error() string { return w.Op + ": " + w.Err.Error() }
func (w Wrapped) Unwrap() error { return w.Err }

type Go struct{ N int }

func (g Go) GoString() string { return fmt.Sprintf("Go(%d)", g.N) }

type Formatted struct{ N int }

func (f Formatted) Format(s fmt.State, verb rune) { fmt.Fprintf(s, "F%c%d", verb, f.N) }

type Panicky struct{ N int }

func (p Panicky) String() string { panic("boom") }

type Colors []Color

// Embedding promotes String: Named prints as its Color.
type Named struct {
	Color
	Inner
}

type Plain struct {
	Inner
	Celsius
}

type Bytes []byte

type Grid [2][2]Color

type Temps map[string]Celsius

func TestShow(t *testing.T) {
	red, green := Color(0), Color(1)
	values := []any{
		green, Celsius(21.5), Perm(7), Code(503), &NotFound{"x"}, (*NotFound)(nil),
		Point{X: 1, Y: 2, C: 2, c: 1, S: []Color{red, green}, M: map[Color]string{green: "g", red: "r"}},
		&Point{X: 3, P: &Inner{N: 2}, Any: green, Err: Code(1)},
		[]Color{red, green}, []Color(nil), Colors{2, 1}, [2]Color{1, 2}, Grid{{0, 1}, {2, 0}},
		map[string]Color{"b": 1, "a": 0}, map[Color][]Color{1: {0}}, Temps{"x": 1.5}, Temps(nil),
		Wrapped{"read", Code(4)}, Go{5}, Formatted{6}, Panicky{7}, []Panicky{{8}},
		Bytes("hi"), []Bytes{Bytes("a")}, []*Point{nil}, struct{ C Color }{2},
		Named{2, Inner{1}}, Plain{Inner{1}, 2.5}, map[Inner]bool{{2}: true, {0}: false}, [1]Bytes{Bytes("z")},
		[]any{nil}, []error{nil, Code(2)},
	}
	formats := []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q", "%8v", "%-6s|", "%.1f", "%5.2v"}
	for _, v := range values {
		rv := reflect.ValueOf(v)
		d := describe(rv.Type(), map[reflect.Type]bool{})
		repr := toRepr(rv, strip(rv.Type()))
		for _, f := range formats {
			want := fmt.Sprintf(f, v)
			got := fmt.Sprintf(f, Show(repr.Interface(), d))
			if got != want {
				t.Errorf("Sprintf(%q, %T):\n got %s\nwant %s", f, v, got, want)
			}
		}
		if got, want := TypeName(d, repr.Interface()), fmt.Sprintf("%T", v); got != want {
			t.Errorf("TypeName(%T) = %s", v, got)
		}
	}
}

func TestShowIsAnError(t *testing.T) {
	v := Wrapped{"read", Code(4)}
	rv := reflect.ValueOf(v)
	shown := Show(toRepr(rv, strip(rv.Type())).Interface(), describe(rv.Type(), map[reflect.Type]bool{}))
	err, ok := shown.(error)
	if !ok {
		t.Fatalf("Show(Wrapped) is %T, not an error", shown)
	}
	wrapped := fmt.Errorf("load: %w", err)
	if got, want := wrapped.Error(), "load: read: code 4"; got != want {
		t.Errorf("Errorf %%w = %q, want %q", got, want)
	}
	if !errors.Is(wrapped, Code(4)) {
		t.Errorf("errors.Is(wrapped, Code(4)) = false: Unwrap does not reach the inner error")
	}
	chain := ErrorChain(wrapped)
	if len(chain) != 3 {
		t.Fatalf("ErrorChain = %d errors %v, want 3", len(chain), chain)
	}
	if _, ok := chain[1].(error); ok {
		t.Errorf("ErrorChain[1] = %T; want the representation, not the shown value", chain[1])
	}
	if chain[2] != Code(4) {
		t.Errorf("ErrorChain[2] = %#v, want Code(4)", chain[2])
	}
	joined := ErrorChain(errors.Join(errors.New("a"), wrapped))
	if len(joined) != 5 {
		t.Errorf("ErrorChain(Join) = %d errors, want 5 (join, a, wrapped, shown, code)", len(joined))
	}
	if got := Show(1, nil); got != 1 {
		t.Errorf("Show(1, nil) = %v, want 1 itself", got)
	}
}

// describe is the Type of t, whose methods take the stripped
// representation (strip(t)) as receiver.
func describe(t reflect.Type, busy map[reflect.Type]bool) *Type {
	if busy[t] {
		return nil
	}
	busy[t] = true
	defer delete(busy, t)
	d := &Type{Syntax: t.String()}
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Pointer, reflect.Chan:
		d.Elem = describe(t.Elem(), busy)
	case reflect.Map:
		d.Key, d.Elem = describe(t.Key(), busy), describe(t.Elem(), busy)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			d.Fields = append(d.Fields, Field{Name: f.Name, Type: describe(f.Type, busy)})
		}
	}
	if t.Kind() == reflect.Interface {
		return d // an interface's methods are its dynamic value's
	}
	r := strip(t)
	str := reflect.FuncOf([]reflect.Type{r}, []reflect.Type{reflect.TypeFor[string]()}, false)
	// method is the value's method name, called on the original of a
	// representation.
	method := func(name string) func(in []reflect.Value) []reflect.Value {
		if _, ok := t.MethodByName(name); !ok {
			return nil
		}
		return func(in []reflect.Value) []reflect.Value {
			return fromRepr(in[0], t).MethodByName(name).Call(in[1:])
		}
	}
	fn := func(name string, ft reflect.Type) any {
		if m := method(name); m != nil {
			return reflect.MakeFunc(ft, m).Interface()
		}
		return nil
	}
	d.String, d.Error, d.GoString = fn("String", str), fn("Error", str), fn("GoString", str)
	d.Unwrap = fn("Unwrap", reflect.FuncOf([]reflect.Type{r}, []reflect.Type{reflect.TypeFor[error]()}, false))
	d.Format = fn("Format", reflect.FuncOf([]reflect.Type{r, reflect.TypeFor[fmt.State](), reflect.TypeFor[rune]()}, nil, false))
	return d
}

// strip is t without names, as yaegi represents it: a named type is its
// underlying type (parts stripped too), unexported fields are exported
// with an X prefix.
func strip(t reflect.Type) reflect.Type {
	switch t.Kind() {
	case reflect.Slice:
		return reflect.SliceOf(strip(t.Elem()))
	case reflect.Array:
		return reflect.ArrayOf(t.Len(), strip(t.Elem()))
	case reflect.Pointer:
		return reflect.PointerTo(strip(t.Elem()))
	case reflect.Map:
		return reflect.MapOf(strip(t.Key()), strip(t.Elem()))
	case reflect.Struct:
		var fs []reflect.StructField
		for i := range t.NumField() {
			f := t.Field(i)
			name := f.Name
			if !f.IsExported() {
				name = "X" + name
			}
			fs = append(fs, reflect.StructField{Name: name, Type: strip(f.Type)})
		}
		return reflect.StructOf(fs)
	case reflect.Interface:
		return t
	}
	if t.Name() == "" {
		return t
	}
	return basic[t.Kind()]
}

var basic = map[reflect.Kind]reflect.Type{
	reflect.Bool: reflect.TypeFor[bool](), reflect.Int: reflect.TypeFor[int](), reflect.Uint8: reflect.TypeFor[uint8](),
	reflect.Float64: reflect.TypeFor[float64](), reflect.String: reflect.TypeFor[string](),
}

// toRepr copies v into a value of the stripped type r.
func toRepr(v reflect.Value, r reflect.Type) reflect.Value {
	out := reflect.New(r).Elem()
	in := reflect.New(v.Type()).Elem() // addressable: its unexported fields are read through unsafe
	in.Set(v)
	copyInto(out, in)
	return out
}

// fromRepr copies the representation r into a value of type t.
func fromRepr(r reflect.Value, t reflect.Type) reflect.Value {
	out := reflect.New(t).Elem()
	copyInto(out, r)
	return out
}

// copyInto copies src into dst, of the same structure.
func copyInto(dst, src reflect.Value) {
	dst = settable(dst)
	switch src.Kind() {
	case reflect.Struct:
		for i := range src.NumField() {
			copyInto(dst.Field(i), settable(src.Field(i)))
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeSlice(dst.Type(), src.Len(), src.Len()))
		for i := range src.Len() {
			copyInto(dst.Index(i), src.Index(i))
		}
	case reflect.Array:
		for i := range src.Len() {
			copyInto(dst.Index(i), src.Index(i))
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeMap(dst.Type()))
		for _, k := range src.MapKeys() {
			nk, nv := reflect.New(dst.Type().Key()).Elem(), reflect.New(dst.Type().Elem()).Elem()
			copyInto(nk, k)
			copyInto(nv, src.MapIndex(k))
			dst.SetMapIndex(nk, nv)
		}
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		// The same memory, seen as the other type (their layouts are
		// the same): pointers print the same address.
		dst.Set(reflect.NewAt(dst.Type().Elem(), src.UnsafePointer()))
	case reflect.Interface:
		if !src.IsNil() {
			dst.Set(settable(src).Elem())
		}
	default:
		dst.Set(settable(src).Convert(dst.Type()))
	}
}

// settable makes a value reached through an unexported field usable.
func settable(v reflect.Value) reflect.Value {
	if v.CanAddr() && !v.CanSet() {
		return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	}
	return v
}

func TestExported(t *testing.T) {
	for name, want := range map[string]bool{"X": true, "x": false, "_": false, "Émile": true, "": false} {
		if got := exported(name); got != want {
			t.Errorf("exported(%q) = %v, want %v", name, got, want)
		}
	}
}
