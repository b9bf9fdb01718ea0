package compiled

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gilgo/gilgo/compiled/rt"
	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/internal/needs"
)

// newCompiler returns a Compiler for this test binary (the host), or skips
// the test with the reason plugins cannot be built here.
func newCompiler(t testing.TB) *Compiler {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go plugins (seconds each; the first build warms the cache)")
	}
	c, err := New(Options{Logger: nil})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	needs.CompiledTier(t, c.Available())
	return c
}

func compile(t testing.TB, c *Compiler, src string, cell int) Result {
	t.Helper()
	r, err := c.Compile(context.Background(), src, cell, nil)
	if err != nil {
		t.Fatalf("compile cell[%d]: %v", cell, err)
	}
	t.Logf("cell[%d]: build %v, plugin %d bytes", cell, r.BuildTime, r.PluginSize)
	return r
}

// sym returns an exported symbol of r as a Go value.
func sym(t testing.TB, r Result, name string) any {
	t.Helper()
	v, ok := r.Exports[r.Package+"/"+r.Package][name]
	if !ok {
		t.Fatalf("%s has no symbol %s", r.Package, name)
	}
	return v.Interface()
}

// newInterp returns a yaegi interpreter with the standard library and r
// bound as the session would: Use(r.Exports), then Eval(r.Bindings).
func newInterp(t testing.TB, rs ...Result) *interp.Interpreter {
	t.Helper()
	i := interp.New(interp.Options{})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`import "fmt"`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		bind(t, i, r)
	}
	return i
}

func bind(t testing.TB, i *interp.Interpreter, r Result) {
	t.Helper()
	if err := i.Use(r.Exports); err != nil {
		t.Fatalf("use %s: %v", r.Package, err)
	}
	if _, err := i.Eval(r.Bindings); err != nil {
		t.Fatalf("eval bindings %q: %v", r.Bindings, err)
	}
}

func evalInt(t testing.TB, i *interp.Interpreter, src string) int {
	t.Helper()
	v, err := i.Eval(src)
	if err != nil {
		t.Fatalf("eval %q: %v", src, err)
	}
	return int(v.Int())
}

const fibSrc = `func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}
`

const fibInterpreted = `func ifib(n int) int {
	if n < 2 {
		return n
	}
	return ifib(n-1) + ifib(n-2)
}
`

// TestFibMatchesInterpreted: the compiled fib, called by its own name from
// interpreted code, gives what the interpreted fib gives, and compiled
// types, vars and multi-result funcs are reachable.
func TestFibMatchesInterpreted(t *testing.T) {
	c := newCompiler(t)
	r := compile(t, c, fibSrc+`
type Point struct{ X, Y int }

var calls int

func norm1(p Point) int { calls++; return abs(p.X) + abs(p.Y) }
func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
func divmod(a, b int) (int, int) { return a / b, a % b }
func sum(xs ...int) (s int) {
	for _, x := range xs {
		s += x
	}
	return s
}
func count(words []string) map[string]int {
	m := map[string]int{}
	for _, w := range words {
		m[w]++
	}
	return m
}
`, 1)
	if got, want := strings.Join(r.Names, " "), "fib norm1 abs divmod sum count"; got != want {
		t.Errorf("names = %q, want %q", got, want)
	}
	i := newInterp(t, r)
	if _, err := i.Eval(fibInterpreted); err != nil {
		t.Fatal(err)
	}
	for n := 0; n <= 20; n++ {
		got := evalInt(t, i, fmt.Sprintf("fib(%d)", n))
		want := evalInt(t, i, fmt.Sprintf("ifib(%d)", n))
		if got != want {
			t.Errorf("fib(%d) compiled = %d, interpreted = %d", n, got, want)
		}
	}
	checks := []struct{ expr, want string }{
		{`norm1(gilgo_c0001.Point{X: -3, Y: 4})`, "7"},
		{`norm1(Point{X: 1, Y: -1})`, "2"},
		{`*gilgo_c0001.V__calls`, "2"},
		{`fmt.Sprint(divmod(17, 5))`, "3 2"},
		{`sum(1, 2, 3)`, "6"},
		{`sum([]int{4, 5}...)`, "9"},
		{`fmt.Sprint(count([]string{"a", "b", "a"}))`, "map[a:2 b:1]"},
	}
	for _, ck := range checks {
		v, err := i.Eval(ck.expr)
		if err != nil {
			t.Errorf("eval %s: %v", ck.expr, err)
			continue
		}
		if got := fmt.Sprint(v.Interface()); got != ck.want {
			t.Errorf("%s = %s, want %s", ck.expr, got, ck.want)
		}
	}
}

// TestRedefinition: two compiles of the same func name both load; a later
// binding replaces the name, and so does a later interpreted definition.
func TestRedefinition(t *testing.T) {
	c := newCompiler(t)
	r1 := compile(t, c, "func answer() int { return 1 }\n", 1)
	r2 := compile(t, c, "func answer() int { return 2 }\n", 2)
	if r1.Package == r2.Package {
		t.Fatalf("both builds are package %s", r1.Package)
	}
	i := newInterp(t, r1)
	if got := evalInt(t, i, "answer()"); got != 1 {
		t.Errorf("answer() after cell 1 = %d, want 1", got)
	}
	bind(t, i, r2)
	if got := evalInt(t, i, "answer()"); got != 2 {
		t.Errorf("answer() after cell 2 = %d, want 2", got)
	}
	if _, err := i.Eval("func answer() int { return 3 }"); err != nil {
		t.Fatal(err)
	}
	if got := evalInt(t, i, "answer()"); got != 3 {
		t.Errorf("answer() after an interpreted redefinition = %d, want 3", got)
	}
	if f := sym(t, r1, "X__answer").(func() int); f() != 1 {
		t.Errorf("the first plugin's answer() = %d, want 1", f())
	}
}

// holdLock makes a lock current for compiled code, with the calling
// goroutine as its holding thread.
func holdLock(t *testing.T) (*gil.Lock, *gil.Thread) {
	t.Helper()
	l := gil.New(gil.Options{})
	t.Cleanup(rt.SetLock(l))
	th := l.NewThread("test")
	th.Bind()
	th.Acquire()
	t.Cleanup(th.Close)
	return l, th
}

// catch calls f and returns what it panicked with.
func catch(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// TestInterrupt: a compiled infinite loop stops at its next check point
// with the lock's sentinel, and a sleep releases the lock.
func TestInterrupt(t *testing.T) {
	c := newCompiler(t)
	r := compile(t, c, `import "time"

func spin(started chan struct{}) int {
	close(started)
	n := 0
	for {
		n++
	}
}

func nap() { time.Sleep(time.Hour) }
`, 4)
	l, _ := holdLock(t)
	spin := sym(t, r, "X__spin").(func(chan struct{}) int)
	started := make(chan struct{})
	go func() {
		<-started
		l.Interrupt()
	}()
	if got := catch(func() { spin(started) }); got != gil.ErrInterrupted {
		t.Fatalf("spin panicked with %v, want %v", got, gil.ErrInterrupted)
	}
	l.ClearInterrupt()

	// nap sleeps an hour; another thread can only take the lock if the
	// sleep released it, and its interrupt ends the sleep.
	took := make(chan struct{})
	l.Go("other", func() {
		close(took)
		l.Interrupt()
	})
	nap := sym(t, r, "X__nap").(func())
	if got := catch(nap); got != gil.ErrInterrupted {
		t.Fatalf("nap panicked with %v, want %v", got, gil.ErrInterrupted)
	}
	<-took
	l.ClearInterrupt()
}

// TestBuildErrorPosition: errors of go build name the cell's own lines.
func TestBuildErrorPosition(t *testing.T) {
	c := newCompiler(t)
	_, err := c.Compile(context.Background(), "func f() int {\n\tx := 1\n\treturn \"x\"\n}\n", 9, nil)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("compile = %v, want a *BuildError", err)
	}
	want := []string{
		"cell[9]:2:2: declared and not used: x",
		`cell[9]:3:9: cannot use "x" (untyped string constant) as int value in return statement`,
	}
	if strings.Join(be.Lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("build error lines:\n%s\nwant\n%s", strings.Join(be.Lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestPanicPosition: a panic in compiled code carries the cell and line in
// its stack.
func TestPanicPosition(t *testing.T) {
	c := newCompiler(t)
	r := compile(t, c, "func at(s []int, i int) int {\n\treturn s[i]\n}\n", 5)
	at := sym(t, r, "X__at").(func([]int, int) int)
	var stack []byte
	func() {
		defer func() {
			if recover() != nil {
				stack = debug.Stack()
			}
		}()
		at(nil, 3)
	}()
	if got := Frames(stack); len(got) == 0 || got[0] != "cell[5]:2" {
		t.Errorf("Frames = %q, want cell[5]:2 first; stack:\n%s", got, stack)
	}
}

func TestMissingToolchain(t *testing.T) {
	c, err := New(Options{GoBin: "/nonexistent/bin/go"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Available()
	if err == nil || !strings.HasPrefix(err.Error(), "no Go toolchain found") {
		t.Fatalf("Available() = %v, want no Go toolchain found", err)
	}
	if _, err2 := c.Compile(context.Background(), fibSrc, 1, nil); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("Compile = %v, want %v", err2, err)
	}
}

// TestModuleRoot: the checkout is found from the recorded source path.
func TestModuleRoot(t *testing.T) {
	t.Setenv(SrcEnv, "")
	root, err := findModuleRoot("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := findModuleRoot(t.TempDir()); err == nil {
		t.Errorf("findModuleRoot(empty dir) = nil error")
	}
	if reflect.ValueOf(root).Len() == 0 {
		t.Errorf("empty root")
	}
}

// TestSweepStale: New removes the work directories of processes that
// ended without Close, and leaves those of live ones.
func TestSweepStale(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(tmp, fmt.Sprintf("%s%d-123", workDirPrefix, ended.Process.Pid))
	live := filepath.Join(tmp, fmt.Sprintf("%s%d-456", workDirPrefix, os.Getpid()))
	other := filepath.Join(tmp, "gilgo-compiled-789") // the old name: no pid to judge by
	for _, d := range []string{stale, live, other} {
		if err := os.MkdirAll(filepath.Join(d, "c0001"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the ended process's directory is still there (%v)", err)
	}
	for _, d := range []string{live, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
}
