package builtinprint

import (
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Print writes args to w as Go's builtin print does (println with ln):
// operands formatted the way the Go runtime prints them (floats as
// +1.500000e+000, pointers in hex, no quotes), println with spaces and a
// newline. The caller passes standard error (the cell's).
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
	case reflect.Float32, reflect.Float64:
		b.WriteString(printFloat(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		b.WriteString("(" + printFloat(real(c)) + printFloat(imag(c)) + "i)")
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

// printFloat formats like the Go runtime's printfloat: +d.dddddde±ddd.
func printFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	s := strconv.FormatFloat(f, 'e', 6, 64) // d.dddddde±dd
	mant, exp, _ := strings.Cut(s, "e")
	sign := "+"
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	esign := exp[:1]
	digits := exp[1:]
	for len(digits) < 3 {
		digits = "0" + digits
	}
	return sign + mant + "e" + esign + digits
}
