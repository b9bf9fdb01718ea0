package gilrt

import (
	"context"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

const fibSrc = "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }"

func benchFib(b *testing.B, opts Options) {
	f := newFixture(b, opts)
	if out := f.run(fibSrc); out != "" {
		b.Fatal(out)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := f.s.Execute(context.Background(), engine.ExecuteRequest{Code: "fib(27)", ExecutionCount: i + 2}, &rec{})
		if res.Error != nil {
			b.Fatal(res.Error)
		}
	}
}

// BenchmarkFib27 times fib(27) with check points and with the check point
// pass off, separately (see BenchmarkFib27Ratio for the ratio).
func BenchmarkFib27(b *testing.B) {
	b.Run("NoCheckpoints", func(b *testing.B) { benchFib(b, Options{NoCheckpoints: true}) })
	b.Run("Checkpoints", func(b *testing.B) { benchFib(b, Options{}) })
}

// BenchmarkFib27Ratio interleaves fib(27) without check points, with the
// inline check point (a load of the interpreted mirror __gilF) and with
// the compiled-call form (__gil.C() everywhere) in one run: fibRounds
// rounds per iteration, the order rotating. It reports the median wall
// time of each, the ratios of the medians against no check points
// (target <= 1.15 for "ratio") and the same ratios in process CPU time,
// which a loaded machine disturbs less. Run with -benchtime=1x.
func BenchmarkFib27Ratio(b *testing.B) {
	const fibRounds = 7
	fs := []*fixture{
		newFixture(b, Options{NoCheckpoints: true}),
		newFixture(b, Options{}),
		newFixture(b, Options{CompiledCheckpoints: true}),
	}
	for _, f := range fs {
		if out := f.run(fibSrc); out != "" {
			b.Fatal(out)
		}
	}
	timeFib := func(f *fixture) (wall, cpu time.Duration) {
		c0, start := cpuTime(), time.Now()
		if out := f.run("fib(27)"); out != "=196418\n" {
			b.Fatalf("fib(27): %q", out)
		}
		return time.Since(start), cpuTime() - c0
	}
	walls, cpus := make([][]time.Duration, len(fs)), make([][]time.Duration, len(fs))
	b.ResetTimer()
	for i := 0; i < b.N*fibRounds; i++ {
		for j := range fs {
			k := (i + j) % len(fs)
			w, c := timeFib(fs[k])
			walls[k], cpus[k] = append(walls[k], w), append(cpus[k], c)
		}
	}
	b.StopTimer()
	off, offCPU := median(walls[0]), median(cpus[0])
	b.ReportMetric(float64(off.Milliseconds()), "ms-nocheckpoints")
	b.ReportMetric(float64(median(walls[1]).Milliseconds()), "ms-checkpoints")
	b.ReportMetric(float64(median(walls[1]))/float64(off), "ratio")
	b.ReportMetric(float64(median(cpus[1]))/float64(offCPU), "cpu-ratio")
	b.ReportMetric(float64(median(walls[2]))/float64(off), "compiled-ratio")
	b.ReportMetric(float64(median(cpus[2]))/float64(offCPU), "compiled-cpu-ratio")
	b.ReportMetric(float64(fs[1].sched.Samples()), "depth-samples")
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
