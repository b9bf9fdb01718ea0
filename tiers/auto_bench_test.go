package tiers

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/cpython"
	"github.com/gilgo/gilgo/internal/needs"
	"github.com/gilgo/gilgo/session"
)

// timedCell runs code as cell n of sess and returns its wall time and
// the reason of its tier.
func timedCell(b *testing.B, sess *session.Session, n int, code string) (time.Duration, string) {
	start := time.Now()
	res := sess.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: n}, &captureOutput{})
	d := time.Since(start)
	if res.Error != nil {
		b.Fatalf("cell %q: %s: %s", code, res.Error.Name, res.Error.Value)
	}
	md, _ := res.Metadata["gilgo"].(map[string]any)
	reason, _ := md["reason"].(string)
	return d, reason
}

// BenchmarkAutoCompileFib is issue 19's target: fib defined in one plain
// cell, fib(27) run in three later ones, in a fresh session with the
// defaults (no waiting for the build: the second call runs interpreted
// while it builds). third/cpython is the third call's time over CPython's
// for the same function, measured in the same run (target ≤ 1); native is
// the fraction of iterations whose third call ran native code. Each
// iteration is a session and a go build: run with -benchtime=3x after
// any compiled test (a cold Go cache builds std for plugins first).
func BenchmarkAutoCompileFib(b *testing.B) {
	needs.CompiledTier(b, compiled.Check())
	py, err := cpython.Fib27()
	if err != nil {
		b.Skipf("no CPython to compare with: %v", err)
	}
	var calls [3]time.Duration
	native := 0
	for i := 0; b.Loop(); i++ {
		sess, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		timedCell(b, sess, 1, "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }")
		var reason string
		for k := range calls {
			var d time.Duration
			d, reason = timedCell(b, sess, k+2, "fib(27)")
			calls[k] += d
		}
		if strings.HasPrefix(reason, "auto-compiled: fib") {
			native++
		}
		sess.Shutdown(context.Background(), false)
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d) / n / 1e6 }
	b.ReportMetric(ms(calls[0]), "first-ms")
	b.ReportMetric(ms(calls[1]), "second-ms")
	b.ReportMetric(ms(calls[2]), "third-ms")
	b.ReportMetric(float64(py)/1e6, "cpython-ms")
	b.ReportMetric(float64(calls[2])/n/float64(py), "third/cpython")
	b.ReportMetric(float64(native)/n, "native")
}

// BenchmarkAutoCompileTrivial is the watcher's cost on a trivial cell: a
// session with the auto-compiler against one without, their cells
// interleaved in the same run, compared by their medians (the box is
// shared: a mean follows whoever else runs). Target: ratio ≤ 1.05.
func BenchmarkAutoCompileTrivial(b *testing.B) {
	const cell = "1 + 1"
	on, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer on.Shutdown(context.Background(), false)
	off, err := New(Options{NoAutoCompile: true})
	if err != nil {
		b.Fatal(err)
	}
	defer off.Shutdown(context.Background(), false)
	for i := 1; i <= 50; i++ { // warm both (the type check's first cells)
		timedCell(b, on, i, cell)
		timedCell(b, off, i, cell)
	}
	var tOn, tOff []time.Duration
	for i := 51; b.Loop(); i++ {
		// Alternate which session goes first.
		if i%2 == 0 {
			d, _ := timedCell(b, on, i, cell)
			tOn = append(tOn, d)
		}
		d, _ := timedCell(b, off, i, cell)
		tOff = append(tOff, d)
		if i%2 == 1 {
			d, _ := timedCell(b, on, i, cell)
			tOn = append(tOn, d)
		}
	}
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2].Nanoseconds())
	}
	mOn, mOff := median(tOn), median(tOff)
	b.ReportMetric(mOn, "on-ns/cell")
	b.ReportMetric(mOff, "off-ns/cell")
	b.ReportMetric(mOn/mOff, "ratio")
}
