package sys

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/gilrt"
	"github.com/gilgo/gilgo/internal/celltest"
	libcoroutine "github.com/gilgo/gilgo/lib/coroutine"
	"github.com/gilgo/gilgo/session/hook"
)

// newSession runs cells with packages sys (bound to a GIL of its own and
// the session) and coroutine.
func newSession(t testing.TB) *celltest.Session {
	sched := gilrt.New(gilrt.Options{})
	return celltest.New(t, func(h hook.Host) []hook.Package {
		return []hook.Package{Package(sched, h), libcoroutine.Package()}
	})
}

// TestGolden runs testdata/*.txtar as notebooks (go test -update rewrites
// the outputs).
func TestGolden(t *testing.T) { celltest.Golden(t, "testdata/*.txtar", *update, newSession) }

// TestSwitchIntervalAndRecursionLimit: sys's names for the GIL's settings,
// in Python's units, with CPython's error for a bad interval.
func TestSwitchIntervalAndRecursionLimit(t *testing.T) {
	s := newSession(t)
	s.Must(`import ("fmt"; "sys")`)
	tests := []struct{ cell, want string }{
		{`fmt.Println(sys.SetSwitchInterval(0.001), sys.GetSwitchInterval())`, "<nil> 0.001\n"},
		{`fmt.Println(sys.SetSwitchInterval(0))`, "switch interval must be strictly positive\n"},
		{`fmt.Println(sys.SetSwitchInterval(-1), sys.GetSwitchInterval())`, "switch interval must be strictly positive 0.001\n"},
		{`fmt.Println(sys.SetRecursionLimit(200), sys.GetRecursionLimit())`, "<nil> 200\n"},
		{`x := []int{1}; fmt.Println(sys.GetRefCount(x))`, "2\n"},
	}
	for _, tt := range tests {
		if got := s.Must(tt.cell); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.cell, got, tt.want)
		}
	}
}

func TestClosureLayout(t *testing.T) {
	if !layout.ok {
		t.Fatal("reflect.MakeFunc or yaegi frame layout not recognised: closures' captured variables are invisible")
	}
}

func TestGetRefCountCells(t *testing.T) {
	tests := []struct {
		name    string
		rewrite bool
		cells   []string
		expr    string
		want    string
	}{
		{"seed", true, []string{`a := []int{}`, `b := a`}, `sys.GetRefCount(a)`, "3"},
		{"seed b=nil", true, []string{`a := []int{}`, `b := a`, `c := []int{}`, `b = nil`}, `sys.GetRefCount(a)`, "2"},
		{"no rewrite: zerobase has no identity", false, []string{`a := []int{}`, `b := a`}, `sys.GetRefCount(a)`, "1"},
		{"own array by hand", false, []string{`a := make([]int, 0, 1)[:0:0]`, `b := a`, `c := make([]int, 0, 1)[:0:0]`}, `sys.GetRefCount(a)`, "3"},
		{"nil slice", true, []string{`var a []int`, `b := a`}, `sys.GetRefCount(a)`, "1"},
		{"nested", true, []string{`a := []int{1}`, `m := map[string][][]int{"x": {a, a[:0]}}`}, `sys.GetRefCount(a)`, "4"},
		{"pointer in slice of pointers", true, []string{`type T struct{ N int }`, `p := &T{}`, `ps := []*T{p, p, nil}`}, `sys.GetRefCount(p)`, "4"},
		{"interface var", true, []string{`a := map[int]int{}`, `holder := any(a)`}, `sys.GetRefCount(a)`, "3"},
		{"chan", true, []string{`ch := make(chan int)`, `chs := []chan int{ch}`}, `sys.GetRefCount(ch)`, "3"},
		{"cycle", true, []string{`type N struct{ Next *N }`, `n := &N{}`, `n.Next = n`}, `sys.GetRefCount(n)`, "3"},
		{"closure in closure", true, []string{
			`func outer() func() func() []int { s := []int{7}; return func() func() []int { return func() []int { return s } } }`,
			`g := outer()()`, `v := g()`}, `sys.GetRefCount(v)`, "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(t)
			s.Rewrite = tt.rewrite
			s.Must(`import ("fmt"; "sys")`)
			for _, c := range tt.cells {
				s.Must(c)
			}
			got := strings.TrimSpace(s.Must(`fmt.Println(` + tt.expr + `)`))
			if got != tt.want {
				t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

func TestRewriteEmptySlices(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a := []int{}`, `a := make([]int, 0, 1)[:0:0]`},
		{`a := []int{1}`, `a := []int{1}`},
		{`a := make([]string, 0)`, `a := make([]string, 0, 1)[:0:0]`},
		{`a := make([]string, 0, 0)`, `a := make([]string, 0, 1)[:0:0]`},
		{`a := make([]string, n)`, `a := make([]string, n)`},
		{`a := [][]int{{}, {1}}`, `a := [][]int{make([]int, 0, 1)[:0:0], {1}}`},
		{`m := map[string][]int{"k": {}}`, `m := map[string][]int{"k": make([]int, 0, 1)[:0:0]}`},
		{`f([]byte{})`, `f(make([]byte, 0, 1)[:0:0])`},
		{`a := [0]int{}`, `a := [0]int{}`},
		{`type S []int; a := S{}`, `type S []int
a := S{}`},
	}
	for _, tt := range tests {
		fs := token.NewFileSet()
		f, err := parser.ParseFile(fs, "x.go", "package p\nfunc _() {\n"+tt.in+"\n}\n", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := RewriteEmptySlices(f); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
			_ = printer.Fprint(&b, fs, st)
			b.WriteString("\n")
		}
		if got := strings.TrimSpace(b.String()); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
