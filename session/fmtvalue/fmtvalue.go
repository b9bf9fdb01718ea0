package fmtvalue

import (
	"fmt"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// Type describes the Go type a value stands for, where it differs from
// the type of the value's representation: its name as %T prints it, its
// methods, and the same of its parts. A nil *Type is a part that needs no
// description: the representation prints as the Go value does.
type Type struct {
	// Syntax is the type as %T prints it: "main.Color", "[]main.Color".
	Syntax string
	// Elem is the element type of an array, slice, map, chan or pointer.
	Elem *Type
	// Key is a map's key type.
	Key *Type
	// Fields are a struct's fields, in order.
	Fields []Field

	// The type's methods that fmt calls, as funcs taking the
	// representation as their receiver, or nil: String, Error and
	// GoString are func(R) string, Format is func(R, fmt.State, rune),
	// Unwrap is func(R) error.
	String, Error, GoString, Format, Unwrap any
}

// Field is a struct field.
type Field struct {
	Name string // as declared; the representation's field may be renamed
	Type *Type
}

// Show returns v, the representation of a value of the Go type t, as a
// value that fmt formats as it formats the Go value: every verb, flag and
// method, with t's names. When t has an Error method the result is an
// error too (so that fmt.Errorf's %w wraps it, and errors.Unwrap goes
// through it when t has Unwrap). A nil t returns v.
func Show(v any, t *Type) any {
	if t == nil {
		return v
	}
	s := shown{v: reflect.ValueOf(v), t: t}
	if t.Error != nil {
		return shownError{s}
	}
	return s
}

// TypeName returns t's name for %T, which fmt prints before asking a
// value's methods: a cell's Printf("%T", x) becomes Printf("%s",
// TypeName(t, x)). v is the value, evaluated for its effects.
func TypeName(t *Type, v any) string {
	if t == nil {
		return fmt.Sprintf("%T", v)
	}
	return t.Syntax
}

// Value returns the representation inside a value Show made, and
// whether x is one.
func Value(x any) (any, bool) {
	switch s := x.(type) {
	case shown:
		return valueOf(s.v), true
	case shownError:
		return valueOf(s.v), true
	}
	return nil, false
}

func valueOf(v reflect.Value) any {
	if !v.IsValid() || !v.CanInterface() {
		return nil
	}
	return v.Interface()
}

// ErrorChain returns the errors in err's tree in the order errors.As
// visits them (depth first, Unwrap() error and Unwrap() []error), each
// as the value it stands for: a value Show made is its representation.
func ErrorChain(err error) []any {
	var out []any
	var walk func(error)
	walk = func(err error) {
		for err != nil {
			if v, ok := Value(err); ok {
				out = append(out, v)
			} else {
				out = append(out, err)
			}
			switch u := err.(type) {
			case interface{ Unwrap() error }:
				err = u.Unwrap()
			case interface{ Unwrap() []error }:
				for _, e := range u.Unwrap() {
					walk(e)
				}
				return
			default:
				return
			}
		}
	}
	walk(err)
	return out
}

// shown is a value Show made.
type shown struct {
	v reflect.Value
	t *Type
}

func (s shown) Format(st fmt.State, verb rune) {
	p := printer{st: st, verb: verb, plus: st.Flag('+'), sharp: st.Flag('#')}
	p.print(s.v, s.t, 0)
}

// shownError is a shown value of a type with an Error method.
type shownError struct{ shown }

func (s shownError) Error() string {
	out, _ := callString(s.t.Error, s.v)
	return out
}

// Unwrap is the type's Unwrap, if it has one.
func (s shownError) Unwrap() error {
	if s.t.Unwrap == nil {
		return nil
	}
	out := reflect.ValueOf(s.t.Unwrap).Call([]reflect.Value{s.v})
	if len(out) != 1 || out[0].IsNil() {
		return nil
	}
	err, _ := out[0].Interface().(error)
	return err
}

// callString calls a func(R) string method with receiver v; a panic is
// returned as the value recovered.
func callString(m any, v reflect.Value) (s string, panicked any) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
			if panicked == nil {
				panicked = "nil"
			}
		}
	}()
	out := reflect.ValueOf(m).Call([]reflect.Value{v})
	return out[0].String(), nil
}

// printer formats one operand with the verb and flags of st, as fmt's
// printValue does.
type printer struct {
	st          fmt.State
	verb        rune
	plus, sharp bool
	erroring    bool // printing a bad verb's operand: no methods
}

func (p *printer) write(s string) { _, _ = p.st.Write([]byte(s)) }

// pad writes s padded to the width, as fmt pads <nil>.
func (p *printer) pad(s string) {
	w, ok := p.st.Width()
	n := w - len([]rune(s))
	if !ok || n <= 0 {
		p.write(s)
		return
	}
	if p.st.Flag('-') {
		p.write(s + strings.Repeat(" ", n))
	} else {
		p.write(strings.Repeat(" ", n) + s)
	}
}

// plain formats v with fmt itself: v's type prints as the Go type does.
func (p *printer) plain(v reflect.Value, depth int) {
	if !v.IsValid() {
		if p.verb == 'v' {
			p.write("<nil>")
		} else {
			p.badVerb(v, nil)
		}
		return
	}
	if depth > 0 && v.Kind() == reflect.Pointer {
		p.pointer(v, nil)
		return
	}
	// fmt formats the value a reflect.Value holds, methods included.
	fmt.Fprintf(p.st, fmt.FormatString(p.st, p.verb), v)
}

// badVerb prints a verb that does not fit v as fmt does, naming t:
// %!f(main.Color=1).
func (p *printer) badVerb(v reflect.Value, t *Type) {
	p.write("%!" + string(p.verb) + "(")
	if v.IsValid() {
		syntax := v.Type().String()
		if t != nil {
			syntax = t.Syntax
		}
		p.write(syntax + "=")
		verb := p.verb
		p.verb, p.erroring = 'v', true
		p.print(v, t, 0)
		p.verb, p.erroring = verb, false
	} else {
		p.write("<nil>")
	}
	p.write(")")
}

// print formats v, a value of the Go type t (nil: v's own type).
func (p *printer) print(v reflect.Value, t *Type, depth int) {
	if t == nil {
		p.plain(v, depth)
		return
	}
	if !v.IsValid() {
		p.plain(v, depth)
		return
	}
	if p.methods(v, t) {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		p.structure(v, t, depth)
	case reflect.Map:
		p.mapping(v, t, depth)
	case reflect.Slice, reflect.Array:
		p.list(v, t, depth)
	case reflect.Pointer:
		if depth == 0 && !v.IsNil() {
			switch v.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				p.write("&")
				p.print(v.Elem(), t.Elem, depth+1)
				return
			}
		}
		p.pointer(v, t)
	case reflect.Interface:
		if v.IsNil() {
			if p.sharp {
				p.write(t.Syntax + "(nil)")
			} else {
				p.write("<nil>") // unpadded, as fmt does
			}
			return
		}
		p.print(v.Elem(), nil, depth+1)
	default:
		// Basic kinds print the same under any name, except %#v of a
		// chan or func, which names the type.
		if v.Kind() == reflect.Chan || v.Kind() == reflect.Func {
			p.pointer(v, t)
			return
		}
		if !verbFits(v.Kind(), p.verb) {
			p.badVerb(v, t)
			return
		}
		p.plain(v, depth)
	}
}

// pointer formats a pointer, chan or func of type t (nil: its own) as
// fmt's fmtPointer does: 0xc000012345, <nil>, (*main.T)(0xc000012345),
// (*main.T)(nil), the address as an integer for %d and the like.
func (p *printer) pointer(v reflect.Value, t *Type) {
	u := v.Pointer()
	hex := "0x" + strconv.FormatUint(uint64(u), 16)
	switch p.verb {
	case 'v':
		switch {
		case p.sharp:
			syntax := v.Type().String()
			if t != nil {
				syntax = t.Syntax
			}
			if u == 0 {
				hex = "nil"
			}
			p.write("(" + syntax + ")(" + hex + ")")
		case u == 0:
			p.pad("<nil>")
		default:
			p.pad(hex)
		}
	case 'p':
		p.pad(hex)
	case 'b', 'o', 'd', 'x', 'X':
		fmt.Fprintf(p.st, fmt.FormatString(p.st, p.verb), uint64(u))
	default:
		p.badVerb(v, t)
	}
}

// methods calls the methods fmt would call for the verb, and reports
// whether one printed the value.
func (p *printer) methods(v reflect.Value, t *Type) bool {
	if p.erroring || p.verb == 'T' || p.verb == 'p' {
		return false
	}
	if t.Format != nil {
		p.catch(v, "Format", func() {
			reflect.ValueOf(t.Format).Call([]reflect.Value{v, reflect.ValueOf(p.st), reflect.ValueOf(p.verb)})
		})
		return true
	}
	var m any
	var name string
	switch {
	case p.sharp:
		if t.GoString == nil {
			return false
		}
		m, name = t.GoString, "GoString"
	case strings.ContainsRune("vsxXq", p.verb):
		switch {
		case t.Error != nil:
			m, name = t.Error, "Error"
		case t.String != nil:
			m, name = t.String, "String"
		default:
			return false
		}
	default:
		return false
	}
	s, panicked := callString(m, v)
	if panicked != nil {
		p.panicked(v, name, panicked)
		return true
	}
	if p.sharp {
		p.write(s)
		return true
	}
	fmt.Fprintf(p.st, fmt.FormatString(p.st, p.verb), s)
	return true
}

// catch runs f, printing a panic as fmt prints a method's.
func (p *printer) catch(v reflect.Value, name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			p.panicked(v, name, r)
		}
	}()
	f()
}

// panicked prints a method's panic as fmt does: a nil pointer receiver
// prints <nil>, anything else %!v(PANIC=String method: ...).
func (p *printer) panicked(v reflect.Value, name string, r any) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		p.write("<nil>")
		return
	}
	p.write("%!" + string(p.verb) + "(PANIC=" + name + " method: " + fmt.Sprint(r) + ")")
}

func (p *printer) structure(v reflect.Value, t *Type, depth int) {
	if p.sharp {
		p.write(t.Syntax)
	}
	p.write("{")
	for i := range v.NumField() {
		if i > 0 {
			if p.sharp {
				p.write(", ")
			} else {
				p.write(" ")
			}
		}
		name := v.Type().Field(i).Name
		var ft *Type
		if i < len(t.Fields) {
			name, ft = t.Fields[i].Name, t.Fields[i].Type
		}
		if p.plus || p.sharp {
			p.write(name + ":")
		}
		f := v.Field(i)
		if !exported(name) && ft != nil {
			// fmt cannot call the methods of an unexported field.
			ft = &Type{Syntax: ft.Syntax, Elem: ft.Elem, Key: ft.Key, Fields: ft.Fields}
		}
		p.print(f, ft, depth+1)
	}
	p.write("}")
}

func exported(name string) bool { return token.IsExported(name) }

func (p *printer) list(v reflect.Value, t *Type, depth int) {
	if v.Type().Elem().Kind() == reflect.Uint8 && strings.ContainsRune("sqxX", p.verb) {
		b := make([]byte, v.Len())
		reflect.Copy(reflect.ValueOf(b), v)
		fmt.Fprintf(p.st, fmt.FormatString(p.st, p.verb), b)
		return
	}
	if p.sharp {
		p.write(t.Syntax)
		if v.Kind() == reflect.Slice && v.IsNil() {
			p.write("(nil)")
			return
		}
		p.write("{")
		for i := range v.Len() {
			if i > 0 {
				p.write(", ")
			}
			p.print(v.Index(i), t.Elem, depth+1)
		}
		p.write("}")
		return
	}
	p.write("[")
	for i := range v.Len() {
		if i > 0 {
			p.write(" ")
		}
		p.print(v.Index(i), t.Elem, depth+1)
	}
	p.write("]")
}

func (p *printer) mapping(v reflect.Value, t *Type, depth int) {
	if p.sharp {
		p.write(t.Syntax)
		if v.IsNil() {
			p.write("(nil)")
			return
		}
		p.write("{")
	} else {
		p.write("map[")
	}
	for i, k := range sortedKeys(v) {
		if i > 0 {
			if p.sharp {
				p.write(", ")
			} else {
				p.write(" ")
			}
		}
		p.print(k, t.Key, depth+1)
		p.write(":")
		p.print(v.MapIndex(k), t.Elem, depth+1)
	}
	if p.sharp {
		p.write("}")
	} else {
		p.write("]")
	}
}

// verbFits reports whether fmt formats a value of kind k with verb
// (otherwise it prints %!verb(type=value)).
func verbFits(k reflect.Kind, verb rune) bool {
	if verb == 'v' {
		return true
	}
	var ok string
	switch k {
	case reflect.Bool:
		ok = "t"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		ok = "bcdoOqxXU"
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		ok = "beEfFgGxX"
	case reflect.String:
		ok = "sqxX"
	case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Pointer:
		ok = "pbodxX"
	default:
		return true
	}
	return strings.ContainsRune(ok, verb)
}
