package session

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/gilgo/gilgo/engine"
)

// mimeBundle renders the results of a trailing expression: one value in
// its richest form, several as a Go-syntax tuple "(1, "a")".
func mimeBundle(types map[reflect.Type]string, vals []reflect.Value) engine.MIMEBundle {
	if len(vals) == 1 {
		return valueBundle(types, vals[0])
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = formatValue(types, v)
	}
	return engine.MIMEBundle{"text/plain": "(" + strings.Join(parts, ", ") + ")"}
}

// valueBundle renders one value as text/plain (rich forms are
// resultBundle's).
func valueBundle(types map[reflect.Type]string, v reflect.Value) engine.MIMEBundle {
	return engine.MIMEBundle{"text/plain": formatValue(types, v)}
}

// formatValue writes v in Go syntax where that is clearer than %v:
// []int{1, 2}, map[string]int{"a": 1}, main.P{X: 1}, quoted strings, plain
// numbers. Values with a String or Error method (compiled types) use it.
func formatValue(types map[reflect.Type]string, v reflect.Value) string {
	f := &formatter{types: types, seen: map[uintptr]bool{}}
	f.value(v, true)
	return f.b.String()
}

type formatter struct {
	b     strings.Builder
	types map[reflect.Type]string
	seen  map[uintptr]bool
	depth int
}

// typeName names t, using the names of interpreted struct types.
func (f *formatter) typeName(t reflect.Type) string {
	if n, ok := f.types[t]; ok {
		return n
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + f.typeName(t.Elem())
	case reflect.Slice:
		return "[]" + f.typeName(t.Elem())
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), f.typeName(t.Elem()))
	case reflect.Map:
		return "map[" + f.typeName(t.Key()) + "]" + f.typeName(t.Elem())
	}
	s := t.String()
	if s == "interface {}" {
		return "any"
	}
	return s
}

func (f *formatter) value(v reflect.Value, top bool) {
	if f.depth > 8 || f.b.Len() > 1<<16 {
		f.b.WriteString("...")
		return
	}
	f.depth++
	defer func() { f.depth-- }()
	if !v.IsValid() {
		f.b.WriteString("nil")
		return
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			f.b.WriteString("nil")
			return
		}
		v = v.Elem()
	}
	if v.CanInterface() && (v.Type().PkgPath() != "" || v.Kind() == reflect.Pointer && v.Type().Elem().PkgPath() != "") {
		switch x := v.Interface().(type) {
		case error:
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				f.b.WriteString(x.Error())
				return
			}
		case fmt.Stringer:
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				f.b.WriteString(x.String())
				return
			}
		}
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.String:
		f.b.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		f.b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		f.b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f.b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, t.Bits()))
	case reflect.Complex64, reflect.Complex128:
		fmt.Fprint(&f.b, v.Complex())
	case reflect.Slice:
		if v.IsNil() {
			fmt.Fprintf(&f.b, "%s(nil)", f.typeName(t))
			return
		}
		f.list(t, v)
	case reflect.Array:
		f.list(t, v)
	case reflect.Map:
		if v.IsNil() {
			fmt.Fprintf(&f.b, "%s(nil)", f.typeName(t))
			return
		}
		f.b.WriteString(f.typeName(t) + "{")
		keys := v.MapKeys()
		ks := make([]string, len(keys))
		for i, k := range keys {
			ks[i] = formatValue(f.types, k)
		}
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return lessKey(keys[idx[a]], keys[idx[b]], ks[idx[a]], ks[idx[b]]) })
		for n, i := range idx {
			if n > 0 {
				f.b.WriteString(", ")
			}
			f.b.WriteString(ks[i] + ": ")
			f.value(v.MapIndex(keys[i]), false)
		}
		f.b.WriteString("}")
	case reflect.Struct:
		f.b.WriteString(f.typeName(t) + "{")
		n := 0
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if n > 0 {
				f.b.WriteString(", ")
			}
			n++
			f.b.WriteString(sf.Name + ": ")
			fv := v.Field(i)
			if !fv.CanInterface() {
				fmt.Fprintf(&f.b, "%v", fv)
				continue
			}
			f.value(fv, false)
		}
		f.b.WriteString("}")
	case reflect.Pointer:
		if v.IsNil() {
			fmt.Fprintf(&f.b, "(%s)(nil)", f.typeName(t))
			return
		}
		if f.seen[v.Pointer()] || t.Elem().Kind() != reflect.Struct {
			fmt.Fprintf(&f.b, "(%s)(%#x)", f.typeName(t), v.Pointer())
			return
		}
		f.seen[v.Pointer()] = true
		f.b.WriteString("&")
		f.value(v.Elem(), false)
	case reflect.Func:
		if v.IsNil() {
			fmt.Fprintf(&f.b, "(%s)(nil)", f.typeName(t))
			return
		}
		f.b.WriteString(f.typeName(t))
	case reflect.Chan:
		fmt.Fprintf(&f.b, "(%s)(%#x)", f.typeName(t), v.Pointer())
	default:
		fmt.Fprintf(&f.b, "%v", v)
	}
}

func (f *formatter) list(t reflect.Type, v reflect.Value) {
	f.b.WriteString(f.typeName(t) + "{")
	n := v.Len()
	for i := 0; i < n; i++ {
		if i > 0 {
			f.b.WriteString(", ")
		}
		if i == 100 {
			fmt.Fprintf(&f.b, "... (%d more)", n-100)
			break
		}
		f.value(v.Index(i), false)
	}
	f.b.WriteString("}")
}

func lessKey(a, b reflect.Value, as, bs string) bool {
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() < b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() < b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() < b.Float()
	case reflect.String:
		return a.String() < b.String()
	}
	return as < bs
}
