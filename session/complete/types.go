package complete

import (
	"go/constant"
	"reflect"
	"strings"
)

// typeString formats t as Go source, with any for interface {}.
func typeString(t reflect.Type) string {
	if t == nil {
		return ""
	}
	if t.Kind() == reflect.Func && t.Name() == "" {
		return funcSig(t, false)
	}
	return strings.ReplaceAll(t.String(), "interface {}", "any")
}

// funcSig formats a func type, e.g. "func(...any) (int, error)"; skipRecv
// drops the first parameter (a method's receiver from Type.Method).
func funcSig(t reflect.Type, skipRecv bool) string {
	var b strings.Builder
	b.WriteString("func(")
	first := 0
	if skipRecv {
		first = 1
	}
	for i := first; i < t.NumIn(); i++ {
		if i > first {
			b.WriteString(", ")
		}
		if t.IsVariadic() && i == t.NumIn()-1 {
			b.WriteString("..." + typeString(t.In(i).Elem()))
			continue
		}
		b.WriteString(typeString(t.In(i)))
	}
	b.WriteString(")")
	switch t.NumOut() {
	case 0:
	case 1:
		b.WriteString(" " + typeString(t.Out(0)))
	default:
		b.WriteString(" (")
		for i := 0; i < t.NumOut(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(typeString(t.Out(i)))
		}
		b.WriteString(")")
	}
	return b.String()
}

// memberSignature describes a symbol table entry: a func signature, a
// type's underlying kind, a variable's type or a constant's value.
func memberSignature(v reflect.Value) string {
	switch memberKind(v) {
	case "function":
		return funcSig(v.Type(), false)
	case "type":
		return typeString(v.Type().Elem())
	case "variable":
		if !v.IsValid() {
			return ""
		}
		return typeString(v.Type())
	default:
		if c, ok := v.Interface().(constant.Value); ok {
			return "untyped " + strings.ToLower(c.Kind().String())
		}
		return typeString(v.Type())
	}
}

// member is a field or method of a type.
type member struct {
	name, kind, sig string
}

// membersOf lists the fields and methods reachable with a selector on a
// value of type t, treating the value as addressable (so pointer-receiver
// methods count). Unexported fields are listed for types of package main or
// unnamed types (the interpreter's own structs).
func membersOf(t reflect.Type) []member {
	if t == nil {
		return nil
	}
	var out []member
	mt := t
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		mt = reflect.PointerTo(t)
	}
	for i := 0; i < mt.NumMethod(); i++ {
		m := mt.Method(i)
		out = append(out, member{m.Name, "method", funcSig(m.Type, mt.Kind() != reflect.Interface)})
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		local := st.PkgPath() == "" || st.PkgPath() == "main"
		for _, f := range reflect.VisibleFields(st) {
			if f.Anonymous && !f.IsExported() && !local {
				continue
			}
			if !f.IsExported() && !local {
				continue
			}
			out = append(out, member{f.Name, "field", typeString(f.Type)})
		}
	}
	return out
}

// fieldOrMethodType returns the type of t.name: a field's type or a
// method's func type (without receiver); nil if there is none.
func fieldOrMethodType(t reflect.Type, name string) reflect.Type {
	if t == nil {
		return nil
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		if f, ok := st.FieldByName(name); ok {
			return f.Type
		}
	}
	return nil
}
