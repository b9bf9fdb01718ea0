package complete

import (
	"testing"
	"time"
)

// BenchmarkComplete reports the cost of completing "fmt.Pri", "os.Stdout.W"
// and an identifier prefix with a warm documentation cache, and the ratio
// of a cold call (GOROOT source parsed again) to a warm one, both measured
// in this run.
func BenchmarkComplete(b *testing.B) {
	sc := testScope()
	cases := []struct{ name, code string }{
		{"member", "fmt.Pri"},
		{"chain", "os.Stdout.W"},
		{"ident", "x := squ"},
		{"import", `import "str`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			Complete(c.code, len(c.code), sc) // warm the cache
			for b.Loop() {
				Complete(c.code, len(c.code), sc)
			}
		})
	}
	b.Run("cold/warm", func(b *testing.B) {
		b.Cleanup(func() { SetGOROOT("") })
		var cold, warm time.Duration
		for b.Loop() {
			SetGOROOT("")
			t0 := time.Now()
			Complete("fmt.Pri", 7, sc)
			t1 := time.Now()
			Complete("fmt.Pri", 7, sc)
			cold += t1.Sub(t0)
			warm += time.Since(t1)
		}
		b.ReportMetric(float64(cold.Nanoseconds())/float64(b.N), "cold-ns/op")
		b.ReportMetric(float64(warm.Nanoseconds())/float64(b.N), "warm-ns/op")
		b.ReportMetric(float64(cold)/float64(warm), "cold/warm")
	})
}

// BenchmarkInspect reports Inspect of fmt.Println (warm cache) against
// IsComplete of the same text as a baseline measured in the same run.
func BenchmarkInspect(b *testing.B) {
	sc := testScope()
	code := "fmt.Println"
	Inspect(code, len(code), 0, sc)
	var base, insp time.Duration
	for b.Loop() {
		t0 := time.Now()
		IsComplete(code)
		t1 := time.Now()
		Inspect(code, len(code), 0, sc)
		base += t1.Sub(t0)
		insp += time.Since(t1)
	}
	b.ReportMetric(float64(insp.Nanoseconds())/float64(b.N), "inspect-ns/op")
	b.ReportMetric(float64(insp)/float64(base), "inspect/iscomplete")
}
