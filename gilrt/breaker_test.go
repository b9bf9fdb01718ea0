package gilrt

import (
	"fmt"
	"go/parser"
	"go/printer"
	"go/token"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gilgo/gilgo/gil"
)

// TestMirrorStorageStable: the interpreted __gilF is registered as a
// mirror, its storage stays put while 1,000 later cells grow yaegi's
// global frame, and interpreted code compiled before and after reads the
// host's stores.
func TestMirrorStorageStable(t *testing.T) {
	if raceEnabled {
		t.Skip("no inline mirror under -race")
	}
	f := newFixture(t, Options{})
	if !f.sched.inline.Load() {
		t.Fatal("the interpreter did not register __gilF")
	}
	addr := func() uintptr {
		g, ok := f.s.Globals()[inlineFlag]
		if !ok || !g.CanAddr() {
			t.Fatalf("%s: not an addressable global (%v)", inlineFlag, ok)
		}
		return g.Addr().Pointer()
	}
	before := addr()
	if out := f.run("func early() bool { return " + inlineFlag + " }"); out != "" {
		t.Fatal(out)
	}
	for i := 0; i < 1000; i++ {
		if out := f.run(fmt.Sprintf("var g%d = %d", i, i)); out != "" {
			t.Fatalf("cell %d: %s", i, out)
		}
	}
	if out := f.run("func late() bool { return " + inlineFlag + " }"); out != "" {
		t.Fatal(out)
	}
	if after := addr(); after != before {
		t.Fatalf("storage moved: %#x -> %#x", before, after)
	}
	m := f.sched.mirrors[len(f.sched.mirrors)-1]
	const bit = 1 << 24
	m.SetBits(bit)
	if out := f.run("early() == late()\n"); out != "=true\n" {
		t.Errorf("reads differ: %q", out)
	}
	if out := f.run("late()"); out != "=true\n" {
		t.Errorf("host store not seen: %q", out)
	}
	m.ClearBits(bit)
	if out := f.run("early()"); out != "=false\n" {
		t.Errorf("host clear not seen: %q", out)
	}
}

// TestCheckpointForms: the check point the pass writes: the inline load
// of __gilF, except in top-level var initializers, under -race and with
// Options.CompiledCheckpoints.
func TestCheckpointForms(t *testing.T) {
	const src = "package main\nfunc a() { for {} }\nvar b = func() {}\n"
	inline := "if " + inlineFlag + " {"
	tests := []struct {
		name     string
		opts     Options
		wantA    string // in a's body
		wantNotB string // absent from b's initializer
	}{
		{"default", Options{}, inline, inlineFlag},
		{"compiled", Options{CompiledCheckpoints: true}, "__gil.C()", inlineFlag},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.opts)
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, "x.go", src, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.sched.passCheckpoints(nil, file); err != nil {
				t.Fatal(err)
			}
			var a, b strings.Builder
			printer.Fprint(&a, fset, file.Decls[0])
			printer.Fprint(&b, fset, file.Decls[1])
			want := tc.wantA
			if raceEnabled {
				want = "__gil.C()"
			}
			if strings.Count(a.String(), want) != 2 { // entry and loop
				t.Errorf("a:\n%s\nwant 2 x %q", a.String(), want)
			}
			if strings.Contains(b.String(), tc.wantNotB) || !strings.Contains(b.String(), "__gil.C()") {
				t.Errorf("b:\n%s", b.String())
			}
		})
	}
}

// TestRunawayRecursion: unbounded recursion with the default limit ends
// in a RecursionError that a cell can recover, and the session goes on.
func TestRunawayRecursion(t *testing.T) {
	if raceEnabled {
		t.Skip("unwinding thousands of interpreted frames takes minutes under -race (the session's panic filter walks the stack per frame)")
	}
	f := newFixture(t, Options{Lock: gil.New(gil.Options{RecursionLimit: DefaultRecursionLimit, Busy: Busy})})
	if out := f.run("import \"fmt\"\nkeep := 7\nfunc r(n int) int { return r(n+1) + 1 }"); out != "" {
		t.Fatal(out)
	}
	if out := f.run("r(0)"); !strings.Contains(out, "RecursionError: maximum recursion depth exceeded") {
		t.Fatalf("r(0): %q", out)
	}
	out := f.run(`func try() (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	r(0)
	return "no error"
}
fmt.Println(try(), keep)`)
	if out != "maximum recursion depth exceeded 7\n" {
		t.Fatalf("recovered: %q", out)
	}
	if atomic.LoadUint32(&f.sched.word)&bitSample != 0 && !f.sched.counting.Load() {
		t.Error("sample bit left set outside counting mode")
	}
	if f.sched.Samples() == 0 {
		t.Error("no depth samples taken")
	}
	t.Logf("errors raised at depths %v (limit %d)", f.sched.errDepths(), DefaultRecursionLimit)
}
