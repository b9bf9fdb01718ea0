package tiers

import (
	"slices"
	"testing"
)

// TestAutoCandidates: which funcs a long cell's identifiers lead the
// auto-compiler to build.
func TestAutoCandidates(t *testing.T) {
	const decls = `import "fmt"
import "os"
import m "math"
/*line cell[1]/_.go:1:1*/var scale = 3
/*line cell[2]/_.go:3:1*/func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }
/*line cell[3]/_.go:1:1*/func scaled(n int) int { return n * scale }
/*line cell[3]/_.go:2:1*/func outer(n int) int { return fib(n) + 1 }
/*line cell[4]/_.go:1:1*/func hyp(a, b float64) float64 { return m.Sqrt(a*a + b*b) }
/*line cell[4]/_.go:2:1*/func say(n int) { fmt.Println(n); fmt.Fprintln(os.Stderr, n) }
/*line cell[4]/_.go:3:1*/func apply(f func(int) int, n int) int { return f(n) }
/*line cell[4]/_.go:4:1*/func fail(n int) error { return fmt.Errorf("%d", n) }
/*line cell[4]/_.go:5:1*/func send(c chan int) { c <- 1 }
/*line cell[4]/_.go:6:1*/func spawn() { go func() {}() }
/*line cell[4]/_.go:7:1*/func sum(xs []int) (s int) { for _, x := range xs { s += x }; return }
/*line cell[4]/_.go:8:1*/func id[T any](v T) T { return v }
/*line cell[5]/_.go:1:1*/func max(a, b int) int { if a > b { return a }; return b }
/*line cell[5]/_.go:2:1*/func top(a, b int) int { return max(a, b) + 1 }
/*line _.go:1:1*/func bound(p0 int) int { return p0 }
`
	tests := []struct {
		cell string
		want []string
	}{
		{cell: "fib(27)", want: []string{"fib"}},
		{cell: "outer(3)", want: []string{"fib"}}, // outer calls a cell func
		{cell: "scaled(2)", want: nil},            // reads a cell var
		{cell: "hyp(3, 4)", want: []string{"hyp"}},
		{cell: "say(1)", want: nil}, // os is not allowed
		{cell: "apply(fib, 3)", want: []string{"fib"}},
		{cell: "fail(1); send(nil); spawn(); id(1); bound(2)", want: nil},
		{cell: "sum([]int{1, 2})", want: []string{"sum"}},
		// The cell's max shadows the builtin: top is not built alone.
		{cell: "top(1, 2)", want: []string{"max"}},
	}
	scan, err := parseDecls(decls)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		var got []string
		for _, f := range scan.reachable(cellIdents(tt.cell)) {
			got = append(got, f.name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: built %v, want %v", tt.cell, got, tt.want)
		}
	}
	fns := scan.reachable(cellIdents("fib(1); hyp(1, 2)"))
	if len(fns) != 2 || fns[0].cell != 2 || fns[0].src != "\n\nfunc fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }\n" ||
		fns[1].src != `import m "math"; func hyp(a, b float64) float64 { return m.Sqrt(a*a + b*b) }`+"\n" {
		t.Errorf("layout: %+v", fns)
	}
}
