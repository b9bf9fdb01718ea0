package gilrt

import (
	"context"
	"sort"
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

// BenchmarkFib27Ratio interleaves fib(27) with and without check points in
// one run (fibRounds rounds per iteration, the order alternating) and
// reports the median of each and the ratio of the medians (target <= 1.15).
// Run with -benchtime=1x.
func BenchmarkFib27Ratio(b *testing.B) {
	const fibRounds = 5
	on, off := newFixture(b, Options{}), newFixture(b, Options{NoCheckpoints: true})
	for _, f := range []*fixture{on, off} {
		if out := f.run(fibSrc); out != "" {
			b.Fatal(out)
		}
	}
	timeFib := func(f *fixture) time.Duration {
		start := time.Now()
		if out := f.run("fib(27)"); out != "=196418\n" {
			b.Fatalf("fib(27): %q", out)
		}
		return time.Since(start)
	}
	var ton, toff []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N*fibRounds; i++ {
		if i%2 == 0 {
			ton, toff = append(ton, timeFib(on)), append(toff, timeFib(off))
		} else {
			toff, ton = append(toff, timeFib(off)), append(ton, timeFib(on))
		}
	}
	mon, moff := median(ton), median(toff)
	b.ReportMetric(float64(mon.Milliseconds()), "ms-checkpoints")
	b.ReportMetric(float64(moff.Milliseconds()), "ms-nocheckpoints")
	b.ReportMetric(float64(mon)/float64(moff), "ratio")
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
