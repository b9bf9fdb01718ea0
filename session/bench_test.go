package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/stdlib"
)

const fibSrc = "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }"

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

// plainYaegi is the baseline: an interpreter with the standard library and
// nothing of the session.
func plainYaegi(b *testing.B, setup string) *interp.Interpreter {
	it := interp.New(interp.Options{})
	if err := stdlib.Load(it); err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(setup, "\n") { // yaegi cannot mix imports and statements
		if _, err := it.Eval(line); err != nil {
			b.Fatal(err)
		}
	}
	return it
}

// timePer measures the mean time of n runs of f.
func timePer(n int, f func()) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	return time.Since(start) / time.Duration(n)
}

// benchRatio reports the session's time per op against plain yaegi's,
// measured in the same run (ratio, not absolute times, is the result).
func benchRatio(b *testing.B, setup, cell, plain string) {
	s := newTestSession(b)
	if out := runCell(s, 1, setup, nil); out != "" {
		b.Fatalf("setup: %s", out)
	}
	it := plainYaegi(b, setup)
	n := 0
	runSession := func() {
		n++
		res := s.Execute(context.Background(), engine.ExecuteRequest{Code: cell, ExecutionCount: n + 1}, captureOutput{})
		if res.Error != nil {
			b.Fatal(res.Error)
		}
	}
	runPlain := func() {
		if _, err := it.Eval(plain); err != nil {
			b.Fatal(err)
		}
	}
	runSession() // warm up both
	runPlain()
	b.ResetTimer()
	var tSession, tPlain time.Duration
	for i := 0; i < b.N; i++ {
		// Interleaved, so that load on the machine hits both alike.
		tSession += timePer(1, runSession)
		tPlain += timePer(1, runPlain)
	}
	b.StopTimer()
	b.ReportMetric(float64(tSession.Nanoseconds())/float64(b.N), "session-ns/op")
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(b.N), "yaegi-ns/op")
	b.ReportMetric(float64(tSession)/float64(tPlain), "ratio")
}

// BenchmarkFib27Cell runs fib(27) in a cell against plain yaegi's Eval of
// the same call.
func BenchmarkFib27Cell(b *testing.B) { benchRatio(b, fibSrc, "fib(27)", "fib(27)") }

// BenchmarkTrivialCell is the round trip of a cell with a trailing
// expression (split, parse, compile, run, display) against a bare Eval.
func BenchmarkTrivialCell(b *testing.B) { benchRatio(b, "x := 1", "x + 1", "x + 1") }

// BenchmarkStatementCell is a cell of statements only.
func BenchmarkStatementCell(b *testing.B) { benchRatio(b, "x := 1", "x++", "x++") }

// BenchmarkPrintCell ends in a call of a package function, whose arity
// the session looks up.
func BenchmarkPrintCell(b *testing.B) {
	benchRatio(b, "import \"fmt\"\nx := 1", `fmt.Sprint(x)`, `fmt.Sprint(x)`)
}
