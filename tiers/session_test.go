package tiers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/goldencells"
	"github.com/gilgo/gilgo/internal/needs"
)

// TestSessionInspectCellPackages: inspect_request on the cell packages'
// names shows their doc comments (pylib.Docs through Options.Docs).
func TestSessionInspectCellPackages(t *testing.T) {
	sess, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Shutdown(context.Background(), false)
	ctx := context.Background()
	for _, tc := range []struct{ code, want string }{
		{"import \"coroutine\"\ncoroutine.New", "func coroutine.New(body func(co *Co) any) *Generator\n\nNew returns a generator that runs body"},
		{"import \"coroutine\"\ncoroutine.Generator", "Generator is a Python-style generator"},
		{"import \"refcount\"\nrefcount.Name", "func refcount.Name(name string) Option"},
	} {
		in, err := sess.Inspect(ctx, tc.code, len(tc.code), 0)
		if err != nil {
			t.Fatalf("inspect %q: %v", tc.code, err)
		}
		if got := fmt.Sprint(in.Data["text/plain"]); !in.Found || !strings.Contains(got, tc.want) {
			t.Errorf("inspect %q: found %v\n got %q\nwant it to contain %q", tc.code, in.Found, got, tc.want)
		}
	}
}

// BenchmarkCompileFib27 runs fib(27) as a cell through the worker's
// session: compiled with %%compile (called through its interpreted
// binding, under the GIL) and interpreted, interleaved, and reports the
// ratio interpreted/compiled of the medians.
func BenchmarkCompileFib27(b *testing.B) {
	needs.CompiledTier(b, compiled.Check())
	sess, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Shutdown(context.Background(), false)
	ctx := context.Background()
	n := 0
	exec := func(code string) {
		n++
		res := sess.Execute(ctx, engine.ExecuteRequest{Code: code, ExecutionCount: n}, &goldencells.Recorder{})
		if res.Error != nil {
			b.Fatalf("cell %q: %v", code, res.Error)
		}
	}
	body := "(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n\treturn %s(n-1) + %s(n-2)\n}"
	exec("%%compile\nfunc fib" + fmt.Sprintf(body, "fib", "fib"))
	exec("func ifib" + fmt.Sprintf(body, "ifib", "ifib"))
	var comp, interp []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		exec("_ = fib(27)")
		comp = append(comp, time.Since(t0))
		t0 = time.Now()
		exec("_ = ifib(27)")
		interp = append(interp, time.Since(t0))
	}
	b.StopTimer()
	mc, mi := median(comp), median(interp)
	b.ReportMetric(float64(mc.Microseconds()), "compiled-µs")
	b.ReportMetric(float64(mi.Microseconds()), "interpreted-µs")
	b.ReportMetric(float64(mi)/float64(mc), "interpreted/compiled")
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
