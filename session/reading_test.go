package session

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestReadingTrailing runs trailing expressions both ways: alone
// (evalReading) and as the generated func that hands the value to
// __rt.Ret1. What the cell shows, value or error, must be the same, and
// the expressions that only read a basic value must take the short way.
func TestReadingTrailing(t *testing.T) {
	setup := strings.Join([]string{
		`import "math"`,
		`x := 41`,
		`s := []int{1, 2, 3}`,
		`m := map[string]int{"a": 1}`,
		`str := "héllo"`,
		`arr := [3]int{7, 8, 9}`,
		`p := &arr`,
		`zero := 0`,
		`var i8 int8 = 127`,
		`var u uint = 3`,
		`third := 1.0 / 3`,
		`c128 := complex(1, 2)`,
		`var e error`,
		`type celsius float64`,
		`var temp celsius = 21.5`,
		`type kelvin float64`,
		`func (k kelvin) String() string { return "cold" }`,
		`var abs kelvin = 3`,
		`const big = 1 << 40`,
		`type pt struct{ X, y int }`,
		`pos := pt{1, 2}`,
		`greet := func() string { return "hi" }`,
	}, "\n")
	tests := []struct {
		expr    string
		reading bool // takes the short way
	}{
		{"x", true},
		{"x + 1", true},
		{"-x", true},
		{"^x", true},
		{"x > 40 && x < 42", true},
		{`"a" + "b"`, true},
		{"1.5 * 2", true},
		{"'a'", true},
		{"1 + 2", true},
		{"(x)", true},
		{"math.Pi", true},
		{"math.MaxInt8 + x", true},
		{"s[1]", true},
		{"s[5]", true}, // panics: index out of range
		{`m["a"]`, true},
		{`m["zz"]`, true},
		{"str[1]", true},
		{"str", true},
		{"p[2]", true},
		{"arr[0] + p[1]", true},
		{"x / zero", true}, // panics: integer divide by zero
		{"i8 + 1", true},
		{"u - 4", true},
		{"third", true},
		{"c128", true},
		{"e == nil", true},
		{"big", true},
		{"!(x == 41)", true},
		{"y := 5\ny + x", true},
		{"for i := 0; i < 3; i++ {\n\tx++\n}\nx", true},
		{"x--\nx--\nx--\nx", true},
		// Not basic, or not only reads: the generated func, both times.
		{"temp", false},
		{"pos", false},
		{"abs", false}, // shows its String text
		{"abs + 1", false},
		{"pos.X", false},
		{"s", false},
		{"greet()", false},
		{"x << 2", false},
		{"len(s)", false},
		{"float64(x)", false},
		{"nil", false},
		{"e", false},
		{"math.MaxUint64", false}, // overflows int: a type error
	}
	fast, slow := newTestSession(t), newTestSession(t)
	slow.slowTrailing = true
	for _, s := range []*Session{fast, slow} {
		if out := runCell(s, 1, setup, nil); out != "" {
			t.Fatalf("setup: %s", out)
		}
	}
	for i, tt := range tests {
		// The second run is of the same cell unchanged: from its plan.
		for _, run := range []string{"", " again"} {
			before := fast.readings
			got, want := runCell(fast, i+2, tt.expr, nil), runCell(slow, i+2, tt.expr, nil)
			if got != want {
				t.Errorf("%s%s: alone it shows\n%s\nas a func\n%s", tt.expr, run, got, want)
			}
			if took := fast.readings > before; took != tt.reading {
				t.Errorf("%s%s: ran alone: %v, want %v", tt.expr, run, took, tt.reading)
			}
		}
	}
	if slow.readings != 0 {
		t.Errorf("slowTrailing: %d expressions ran alone", slow.readings)
	}
}

// TestEndsAtOnce: the statement units that run on the cell's goroutine
// (executeHere) are those that cannot block or run long.
func TestEndsAtOnce(t *testing.T) {
	tests := []struct {
		stmts string
		want  bool
	}{
		{"x++", true},
		{"x = x*2 + 1", true},
		{"if x > 1 {\n\tx = 0\n} else {\n\tx--\n}", true},
		{"switch {\ncase x > 1:\n\tx = 0\n}", true},
		{"m[1] = 2\n_ = s[3]", true},
		{"x = int(y)", false}, // a conversion is a call to the parser
		{"f()", false},
		{"fmt.Println(x)", false},
		{"for {\n}", false},
		{"for i := range 3 {\n\t_ = i\n}", false},
		{"go g()", false},
		{"defer g()", false},
		{"select {}", false},
		{"ch <- 1", false},
		{"x = <-ch", false},
		{"h := func() {}\n_ = h", false},
		{"again:\nx++\ngoto again", false},
	}
	for _, tt := range tests {
		f, err := parser.ParseFile(token.NewFileSet(), "_.go", "package main\nfunc init() {\n"+tt.stmts+"\n}\n", parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("%q: %v", tt.stmts, err)
		}
		if got := endsAtOnce(f); got != tt.want {
			t.Errorf("%q: endsAtOnce %v, want %v", tt.stmts, got, tt.want)
		}
	}
}
