package builtinprint

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Print writes args to w as Go's builtin print does (println with ln):
// operands formatted the way the Go 1.26 runtime prints them (floats in
// their shortest form, 1.5 and 1e+21, pointers in hex, no quotes),
// println with spaces and a newline. The caller passes standard error (the cell's).
func Print(w io.Writer, ln bool, args []any) {
	var b strings.Builder
	for i, a := range args {
		if ln && i > 0 {
			b.WriteByte(' ')
		}
		printOperand(&b, a)
	}
	if ln {
		b.WriteByte('\n')
	}
	_, _ = io.WriteString(w, b.String())
}

func printOperand(b *strings.Builder, a any) {
	if a == nil {
		b.WriteString("(0x0,0x0)")
		return
	}
	v := reflect.ValueOf(a)
	switch v.Kind() {
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 32))
	case reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Complex64:
		b.WriteString(strconv.FormatComplex(v.Complex(), 'g', -1, 64))
	case reflect.Complex128:
		b.WriteString(strconv.FormatComplex(v.Complex(), 'g', -1, 128))
	case reflect.String:
		b.WriteString(v.String())
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		fmt.Fprintf(b, "%#x", v.Pointer())
	case reflect.Slice:
		fmt.Fprintf(b, "[%d/%d]%#x", v.Len(), v.Cap(), v.Pointer())
	default:
		fmt.Fprintf(b, "(%v)", a)
	}
}
