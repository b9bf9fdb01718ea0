package stdlib_test

import (
	"testing"
	"time"

	"github.com/gilgo/gilgo/session/stdlib"
	"github.com/traefik/yaegi/interp"
)

// BenchmarkLoad reports the cost of Load against the baseline of
// Use(Symbols) alone (which already compiles yaegi's Go 1.22 generic
// sources), measured in the same run, as the metric "x-use".
func BenchmarkLoad(b *testing.B) {
	start := time.Now()
	for range b.N {
		if err := interp.New(interp.Options{}).Use(stdlib.Symbols); err != nil {
			b.Fatal(err)
		}
	}
	use := time.Since(start)
	b.ResetTimer()
	for range b.N {
		if err := stdlib.Load(interp.New(interp.Options{})); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if use > 0 {
		b.ReportMetric(float64(b.Elapsed())/float64(use), "x-use")
	}
}
