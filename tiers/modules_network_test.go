package tiers

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/needs"
	"github.com/gilgo/gilgo/modules"
)

// NetworkEnv turns on the tests that download real modules through the
// user's GOPROXY (make test-network).
const NetworkEnv = "GILGO_NETWORK_TESTS"

// TestRealModules imports gonum, gonum/plot and golang.org/x/sync from
// the real module proxy: the numbers of stat and mat, a PNG of the
// expected size, errgroup's error, and an interrupt that stops errgroup's
// goroutines and keeps the session's variables.
func TestRealModules(t *testing.T) {
	if os.Getenv(NetworkEnv) != "1" {
		t.Skipf("downloads modules: set %s=1", NetworkEnv)
	}
	needs.CompiledTier(t, compiled.Check())
	sess := newModuleSession(t, modules.Options{Dir: t.TempDir()})
	run := cells(sess)
	for _, tc := range []struct{ code, want string }{
		{"import (\"fmt\"; \"gonum.org/v1/gonum/stat\")\nkept := 42\nxs := []float64{2, 4, 4, 4, 5, 5, 7, 9}\nfmt.Printf(\"%.4f %.4f\\n\", stat.Mean(xs, nil), stat.StdDev(xs, nil))", "5.0000 2.1381"},
		{"import \"gonum.org/v1/gonum/mat\"\na := mat.NewDense(2, 2, []float64{1, 2, 3, 4})\nvar c mat.Dense\nc.Mul(a, a)\nfmt.Println(c.RawMatrix().Data)", "[7 10 15 22]"},
		{`import ("bytes"; "display"; "gonum.org/v1/plot"; "gonum.org/v1/plot/plotter"; "gonum.org/v1/plot/vg")
p := plot.New()
pts := make(plotter.XYs, 10)
for i := range pts { pts[i].X, pts[i].Y = float64(i), float64(i*i) }
line, err := plotter.NewLine(pts)
if err != nil { panic(err) }
p.Add(line)
w, err := p.WriterTo(4*vg.Inch, 3*vg.Inch, "png")
if err != nil { panic(err) }
var buf bytes.Buffer
w.WriteTo(&buf)
display.PNG(buf.Bytes())`, "<image/png 384x288>"},
		{"import \"golang.org/x/sync/errgroup\"\nvar g errgroup.Group\nfor i := 0; i < 3; i++ { g.Go(func() error { if i == 1 { return fmt.Errorf(\"task %d failed\", i) }; return nil }) }\nfmt.Println(g.Wait())", "task 1 failed"},
		// The newest lo (v1.53.0) does not compile on yaegi v0.16.1
		// (docs/modules.md); v1.39.0, generic throughout, does.
		{"%go get github.com/samber/lo@v1.39.0", "github.com/samber/lo v1.39.0"},
		{"import \"github.com/samber/lo\"\ntype P struct{ N int }\nfmt.Println(lo.Map([]P{{1}, {2}}, func(p P, _ int) int { return p.N * 10 }), lo.Uniq([]P{{1}, {1}, {2}}), lo.Filter([]P{{1}, {2}, {3}}, func(p P, _ int) bool { return p.N > 1 }))",
			"[10 20] [{1} {2}] [{2} {3}]"},
		{"%go loaded", "gonum.org/v1/gonum/stat gonum.org/v1/gonum@"},
	} {
		got, e := run(tc.code)
		if e != nil || !strings.Contains(got, tc.want) {
			t.Errorf("cell %q: error %+v, output\n%s\nwant it to contain %q", tc.code, e, got, tc.want)
		}
	}
	// An interrupt stops errgroup's goroutines.
	done := make(chan *engine.Error, 1)
	go func() {
		_, e := run("import \"time\"\nvar h errgroup.Group\nfor i := 0; i < 2; i++ { h.Go(func() error { for { time.Sleep(10 * time.Millisecond) } }) }\nh.Wait()")
		done <- e
	}()
	time.Sleep(500 * time.Millisecond)
	sess.Interrupt()
	select {
	case e := <-done:
		if e == nil || e.Name != engine.ErrInterrupted {
			t.Errorf("interrupted errgroup cell: %+v", e)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the interrupt did not stop errgroup's goroutines")
	}
	if got, e := run("kept"); e != nil || !strings.Contains(got, "42") {
		t.Errorf("after the interrupt: %q %+v", got, e)
	}
}
