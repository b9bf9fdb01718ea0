package runtime

import (
	"context"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

func benchCell(b *testing.B, setup, code string) {
	s := newTestSession(b)
	if out := runCell(s, 1, setup, nil); out != "" {
		b.Fatalf("setup: %s", out)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := s.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: i + 2}, captureOutput{})
		if res.Error != nil {
			b.Fatal(res.Error)
		}
	}
}

// BenchmarkFib27Cell runs fib(27) in a cell.
func BenchmarkFib27Cell(b *testing.B) {
	benchCell(b, "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }", "fib(27)")
}

// BenchmarkTrivialCell is the round trip of a cell with a trailing
// expression: split, parse, compile, run, display.
func BenchmarkTrivialCell(b *testing.B) { benchCell(b, "x := 1", "x + 1") }
