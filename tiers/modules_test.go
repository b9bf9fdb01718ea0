package tiers

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/goldencells"
	"github.com/gilgo/gilgo/internal/modtest"
	"github.com/gilgo/gilgo/internal/needs"
	"github.com/gilgo/gilgo/modules"
	"github.com/gilgo/gilgo/session"
)

// TestModulesInCells imports the packages of Go modules (served by a
// local proxy) from cells: a compiled one, through its funcs, vars, types
// and an interface an interpreted type implements; a generic one,
// interpreted from source, on a cell's own type; failures that keep the
// session's variables; %go mod.
func TestModulesInCells(t *testing.T) {
	cache := t.TempDir()
	sess := moduleSession(t, cache)
	run := cells(sess)
	n := 0
	for _, tc := range []struct {
		code string
		want string // in the cell's output, or its error's value
		err  string // the error's name, "" for none
	}{
		{code: "import \"fmt\"\nkept := 42", want: ""},
		{code: `import "example.com/stats"
fmt.Printf("%.4f %.4f\n", stats.Mean([]float64{2, 4, 4, 4, 5, 5, 7, 9}), stats.StdDev([]float64{2, 4, 4, 4, 5, 5, 7, 9}))`,
			want: "5.0000 2.1381"},
		{code: `stats.Mean([]float64{1})
stats.Calls`, want: "3"},
		{code: `type Square struct{ S float64 }
func (s Square) Area() float64 { return s.S * s.S }
stats.Total(Square{2}, Square{3})`, want: "13"},
		{code: `stats.Vec{X: 3, Y: 4}.Norm()`, want: "5"},
		{code: `var g stats.Group
for i := 0; i < 3; i++ { g.Go(func() error { if i == 1 { return fmt.Errorf("task %d failed", i) }; fmt.Println("task", i); return nil }) }
fmt.Println(g.Wait())`, want: "task 1 failed"},
		{code: `stats.Apply([]float64{1, 2, 3}, func(x float64) float64 { return x * x })`, want: "[]float64{1, 4, 9}"},
		{code: `fmt.Println(stats.Version, stats.Big>>60)`, want: "v1.1.0 1024"},
		{code: `import "example.com/gen"
type P struct{ N int }
ps := []P{{3}, {1}, {3}, {2}}
fmt.Println(gen.Map(ps, func(p P) int { return p.N * 10 }), gen.Uniq(ps), gen.Sum([]float64{1.5, 2}))`,
			want: "[30 10 30 20] [{3} {1} {2}] 3.5"},
		{code: `fmt.Println(gen.Filter(ps, func(p P) bool { return p.N > 1 }), gen.Sorted([]int{1, 2, 2}))`,
			want: "[{3} {3} {2}] true"},
		{code: `import "example.com/nosuch"`, err: engine.ErrCompile, want: `cannot import "example.com/nosuch": no module provides this package`},
		{code: `import "example.com/broken"`, err: engine.ErrCompile, want: `cannot import "example.com/broken": the interpreter cannot compile its source`},
		{code: `kept`, want: "42"},
		{code: `stats.Mean([]float64{1, 2})`, want: "1.5"},
		{code: "%go mod", want: "\texample.com/gen v1.0.0"},
		{code: "%go loaded", want: "example.com/gen example.com/gen@v1.0.0\nexample.com/gen/internal/order example.com/gen@v1.0.0\nexample.com/stats example.com/stats@v1.1.0\n"},
		{code: "import \"runtime/debug\"\nbi, _ := debug.ReadBuildInfo()\nfor _, d := range bi.Deps { fmt.Println(\"dep\", d.Path, d.Version) }\nfmt.Println(bi.Main.Path, bi.GoVersion != \"\")",
			want: "dep example.com/gen v1.0.0\ndep example.com/stats v1.1.0\nnotebook true"},
		{code: "%go frobnicate", err: engine.ErrUsage, want: "unknown command"},
	} {
		n++
		got, e := run(tc.code)
		switch {
		case tc.err == "" && e != nil:
			t.Errorf("cell %d %q: %s: %s\n%s", n, tc.code, e.Name, e.Value, got)
		case tc.err != "" && (e == nil || e.Name != tc.err || !strings.Contains(e.Value, tc.want)):
			t.Errorf("cell %d %q: error %+v, want %s with %q", n, tc.code, e, tc.err, tc.want)
		case tc.err == "" && !strings.Contains(got, tc.want):
			t.Errorf("cell %d %q: output\n%s\nwant it to contain %q", n, tc.code, got, tc.want)
		}
		if strings.Contains(got, "stderr") {
			t.Errorf("cell %d %q wrote to stderr:\n%s", n, tc.code, got)
		}
	}
	if _, err := os.Stat(cache + "/module/go.mod"); err != nil {
		t.Errorf("no session module: %v", err)
	}
}

// TestModuleCallbacksOnOwnGoroutines: funcs a cell passes to compiled
// module code that calls them on goroutines of its own run under the
// GIL; an interrupt stops them and a panic in one is the cell's report,
// not the end of the process.
func TestModuleCallbacksOnOwnGoroutines(t *testing.T) {
	sess := moduleSession(t, "")
	run := cells(sess)
	if _, e := run("import (\"fmt\"; \"time\"; \"example.com/stats\")\nkept := 42"); e != nil {
		t.Fatal(e.Value)
	}
	done := make(chan *engine.Error, 1)
	go func() {
		_, e := run("var g stats.Group\nfor i := 0; i < 2; i++ { g.Go(func() error { for { time.Sleep(10 * time.Millisecond) } }) }\ng.Wait()")
		done <- e
	}()
	time.Sleep(500 * time.Millisecond)
	sess.Interrupt()
	select {
	case e := <-done:
		if e == nil || e.Name != engine.ErrInterrupted {
			t.Errorf("interrupted cell: %+v", e)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the interrupt did not stop the module's goroutines")
	}
	out, e := run("var h stats.Group\nh.Go(func() error { var m map[string]int; m[\"x\"] = 1; return nil })\nfmt.Println(\"wait:\", h.Wait())")
	if e != nil || !strings.Contains(out, "wait: <nil>") || !strings.Contains(out, "assignment to entry in nil map") {
		t.Errorf("a panic in a callback: error %+v, output\n%s", e, out)
	}
	if out, e := run("kept"); e != nil || !strings.Contains(out, "42") {
		t.Errorf("after: %q %+v", out, e)
	}
}

// moduleSession is a session whose modules come from a local proxy over
// ../modules/testdata/proxy (stopped after the test), with cache as its
// gilgo cache ("": a temporary one).
func moduleSession(tb testing.TB, cache string) *session.Session {
	tb.Helper()
	needs.CompiledTier(tb, compiled.Check())
	env, stop, err := modtest.Start("../modules/testdata/proxy")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop) // after the session's shutdown (cleanups run last first)
	return newModuleSession(tb, modules.Options{Env: env, Dir: tb.TempDir(), CacheDir: cache})
}

// newModuleSession is a session with module options opts, shut down
// after the test. Its temporary directories go to a TMPDIR of the
// test's, so its sweep of stale ones never sees the real one.
func newModuleSession(tb testing.TB, opts modules.Options) *session.Session {
	tb.Helper()
	tb.Setenv("TMPDIR", tb.TempDir())
	if opts.CacheDir == "" {
		opts.CacheDir = tb.TempDir()
	}
	sess, err := New(Options{Modules: opts})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = sess.Shutdown(context.Background(), false) })
	return sess
}

// cells returns a func that runs code as sess's next cell and returns
// what it showed and its error. Safe for concurrent use.
func cells(sess *session.Session) func(code string) (string, *engine.Error) {
	var n atomic.Int64
	return func(code string) (string, *engine.Error) {
		rec := &goldencells.Recorder{}
		res := sess.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: int(n.Add(1))}, rec)
		return rec.String(), res.Error
	}
}
