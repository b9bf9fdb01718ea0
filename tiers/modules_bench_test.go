package tiers

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/goldencells"
	"github.com/gilgo/gilgo/internal/modtest"
	"github.com/gilgo/gilgo/internal/needs"
)

// BenchmarkModuleImport measures new kernels (child processes of this
// test binary, each a session that runs one cell) against the local proxy
// (module cache warm after the first round): the first import of
// example.com/stats with an empty gilgo cache (a plugin build), the same
// import in a new kernel that finds the plugin cached, and a plain cell as
// the baseline. It reports the medians and the ratio cached/plain.
func BenchmarkModuleImport(b *testing.B) {
	needs.CompiledTier(b, compiled.Check())
	env, stop, err := modtest.Start("../modules/testdata/proxy")
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	kernel := func(cache, code string) time.Duration {
		cmd := exec.Command(os.Args[0], "-test.run=^TestModuleKernelChild$")
		cmd.Env = append(modtest.Replace(env, map[string]string{"GILGO_CACHE": cache, "GILGO_CHILD_CODE": code}), "GILGO_CHILD=1")
		cmd.Dir = b.TempDir()
		t0 := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		return time.Since(t0)
	}
	const imp = "import \"example.com/stats\"\n_ = stats.Mean([]float64{1})"
	var first, cached, plain []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cache, err := os.MkdirTemp("", "gilgo-bench-")
		if err != nil {
			b.Fatal(err)
		}
		first = append(first, kernel(cache, imp))
		cached = append(cached, kernel(cache, imp))
		plain = append(plain, kernel(cache, "_ = 1 + 1"))
		os.RemoveAll(cache)
	}
	b.StopTimer()
	b.ReportMetric(median(first).Seconds(), "first-import-s")
	b.ReportMetric(median(cached).Seconds(), "cached-import-s")
	b.ReportMetric(median(plain).Seconds(), "plain-cell-s")
	b.ReportMetric(float64(median(cached))/float64(median(plain)), "cached/plain")
}

// TestModuleKernelChild is a kernel of BenchmarkModuleImport: a session
// that runs $GILGO_CHILD_CODE.
func TestModuleKernelChild(t *testing.T) {
	if os.Getenv("GILGO_CHILD") != "1" {
		t.Skip("run by BenchmarkModuleImport")
	}
	sess, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Shutdown(context.Background(), false)
	res := sess.Execute(context.Background(), engine.ExecuteRequest{Code: os.Getenv("GILGO_CHILD_CODE"), ExecutionCount: 1}, &goldencells.Recorder{})
	if res.Error != nil {
		t.Fatalf("%s: %s", res.Error.Name, res.Error.Value)
	}
}

// BenchmarkModuleCall calls the compiled module function stats.Mean on
// 10^6 floats from a cell and the same Go function compiled into this
// test binary, interleaved, and reports the ratio of the medians (the
// issue's target: within 2x).
func BenchmarkModuleCall(b *testing.B) {
	run := cells(moduleSession(b, ""))
	exec := func(code string) {
		if _, e := run(code); e != nil {
			b.Fatalf("%q: %s", code, e.Value)
		}
	}
	exec("import \"example.com/stats\"\nxs := make([]float64, 1_000_000)\nfor i := range xs { xs[i] = float64(i) }")
	xs := make([]float64, 1_000_000)
	for i := range xs {
		xs[i] = float64(i)
	}
	var cell, native []time.Duration
	var sink float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		exec("_ = stats.Mean(xs)")
		cell = append(cell, time.Since(t0))
		t0 = time.Now()
		sink += mean(xs)
		native = append(native, time.Since(t0))
	}
	b.StopTimer()
	_ = sink
	b.ReportMetric(float64(median(cell).Microseconds()), "cell-µs")
	b.ReportMetric(float64(median(native).Microseconds()), "compiled-µs")
	b.ReportMetric(float64(median(cell))/float64(median(native)), "cell/compiled")
}

// mean is example.com/stats.Mean, compiled here.
//
//go:noinline
func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
