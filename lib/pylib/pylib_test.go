package pylib

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
)

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
			s.rewrite = tt.rewrite
			s.must(`import ("fmt"; "sys")`)
			for _, c := range tt.cells {
				s.must(c)
			}
			got := strings.TrimSpace(s.must(`fmt.Println(` + tt.expr + `)`))
			if got != tt.want {
				t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

// TestSysMerged: another package's Exports adds to "sys" before and after
// ours; all names stay usable.
func TestSysMerged(t *testing.T) {
	before := interp.Exports{"sys/sys": {"GetSwitchInterval": reflect.ValueOf(func() float64 { return 0.005 })}}
	s := newSession(t)
	if err := s.it.Use(before); err != nil {
		t.Fatal(err)
	}
	s2 := &session{t: t, out: &recOutput{}, intr: make(chan struct{})}
	s2.it = interp.New(interp.Options{Stdout: s2.out})
	after := interp.Exports{"sys/sys": {"SetSwitchInterval": reflect.ValueOf(func(float64) error { return nil })}}
	for _, e := range []interp.Exports{before, Exports(s2), after} {
		if err := s2.it.Use(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, ss := range []*session{s, s2} {
		ss.must(`import "sys"`)
		ss.must(`x := []int{1}`)
		if _, err := ss.it.Eval(`sys.GetSwitchInterval()`); err != nil {
			t.Error(err)
		}
		v, err := ss.it.Eval(`sys.GetRefCount(x)`)
		if err != nil || v.Interface() != 2 {
			t.Errorf("GetRefCount(x) = %v, %v; want 2", v, err)
		}
	}
	if _, err := s2.it.Eval(`sys.SetSwitchInterval(0.001)`); err != nil {
		t.Error(err)
	}
}

// TestTransferInterrupted: a Transfer waiting for a lock held by a
// goroutine that never lets go (no cycle to detect) ends when the session
// interrupts.
func TestTransferInterrupted(t *testing.T) {
	s := newSession(t)
	s.must(`import ("errors"; "fmt"; "refcount")`)
	s.must(`a := refcount.New("A", refcount.Locked, refcount.Name("a"))
b := refcount.New("B", refcount.Locked, refcount.Name("b"))
c := refcount.New("C", refcount.Locked, refcount.Name("c"))
block := make(chan bool)
holding := make(chan bool)`)
	// A func, so that the goroutine reads no globals: yaegi's Eval resizes
	// the global frame while goroutines read it (a data race of yaegi's).
	s.must(`func hold(a, b *refcount.Object, holding, block chan bool) {
	refcount.Transfer(a, b, func() { holding <- true; <-block })
}`)
	s.must(`go hold(a, b, holding, block)
<-holding`)
	done := make(chan string)
	go func() {
		done <- s.eval(`err := refcount.Transfer(a, c, nil); fmt.Println(errors.Is(err, refcount.ErrInterrupted), err)`)
	}()
	var out string
	for out == "" {
		s.interrupt() // until the waiting Transfer has seen one
		select {
		case out = <-done:
		case <-time.After(time.Millisecond):
		}
	}
	if want := "true interrupted: transfer a to c: wait for a: context canceled\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	s.must(`close(block)`)
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

// TestCellStdoutConcurrent: frees from several goroutines reach the output.
func TestCellStdoutConcurrent(t *testing.T) {
	s := newSession(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := newPackages(s)
			o := p.New(1)
			_ = o.DecRef()
		}()
	}
	wg.Wait()
	if got := strings.Count(s.out.take(), "refcount: freed int\n"); got != 4 {
		t.Errorf("got %d free messages, want 4", got)
	}
}
