package multiprocessing

import (
	"testing"
	"time"
)

// BenchmarkScaling is the multiprocessing answer measured: the same
// CPU-bound interpreted work (fib) run once, twice on 2 goroutines under
// the GIL, and twice in 2 processes of a warm pool. It reports the wall
// time of each relative to one run (ideal on 2 free cores: goroutines
// 2.0, processes 1.0).
func BenchmarkScaling(b *testing.B) {
	p := newParent(b)
	cells := []string{
		"func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }",
		"import \"multiprocessing\"\nimport \"sync\"\nvar pool = multiprocessing.NewPool(2)",
		"r, err := pool.Map(fib, []any{5, 5}); if err != nil { panic(err) }", // warm: start and load
	}
	for i, c := range cells {
		if _, err := p.run(c); err != nil {
			b.Fatalf("cell %d: %v", i, err)
		}
	}
	const n = "24"
	variants := []struct{ name, cell string }{
		{"one", "fib(" + n + ")"},
		{"goroutines", "var wg sync.WaitGroup; wg.Add(2); go func() { fib(" + n + "); wg.Done() }(); go func() { fib(" + n + "); wg.Done() }(); wg.Wait()"},
		{"processes", "_, err := pool.Map(fib, []any{" + n + ", " + n + "}); if err != nil { panic(err) }"},
	}
	total := make([]time.Duration, len(variants))
	for b.Loop() {
		for i, v := range variants {
			start := time.Now()
			if _, err := p.run(v.cell); err != nil {
				b.Fatalf("%s: %v", v.name, err)
			}
			total[i] += time.Since(start)
		}
	}
	b.ReportMetric(float64(total[1])/float64(total[0]), "goroutines/one")
	b.ReportMetric(float64(total[2])/float64(total[0]), "processes/one")
	b.ReportMetric(float64(total[0].Milliseconds())/float64(b.N), "ms-one")
}
