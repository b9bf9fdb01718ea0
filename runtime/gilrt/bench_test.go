package gilrt

import (
	"context"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

func benchFib(b *testing.B, opts Options) {
	f := newFixture(b, opts)
	if out := f.run("func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }"); out != "" {
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

// BenchmarkFib27 compares fib(27) with check points against the same
// session rewrite with the check point pass off; report the ratio
// Checkpoints/NoCheckpoints.
func BenchmarkFib27(b *testing.B) {
	b.Run("NoCheckpoints", func(b *testing.B) { benchFib(b, Options{NoCheckpoints: true}) })
	b.Run("Checkpoints", func(b *testing.B) { benchFib(b, Options{}) })
}
