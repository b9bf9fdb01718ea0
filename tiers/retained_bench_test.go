package tiers

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/stdlib"
	"github.com/traefik/yaegi/interp"
)

// retainedKinds are the cells BenchmarkRetained measures. bare is the same
// cell for a bare yaegi interpreter, which cannot parse a statement after a
// declaration in one Eval: "declare" is the soak's runtime_error cell, whose
// variable outlives the panic, and its bare twin only declares.
var retainedKinds = []struct {
	name, session, bare string
	fails               bool // the session's cell ends in a runtime error
}{
	{"define", "v%[1]d := %[1]d", "v%[1]d := %[1]d", false},
	{"declare", "var s%[1]d []int\n_ = s%[1]d[%[1]d]", "var s%[1]d []int", true},
	{"redefine", "x := %[1]d", "x := %[1]d", false},
}

const (
	retainedWarm  = 300  // cells before the first reading (first-use caches)
	retainedCells = 2000 // cells between the readings
)

// liveHeap is the heap in use after two collections.
func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// retainedPerCell runs retainedWarm cells, then retainedCells more, and
// returns the live heap they added per cell; run(i, code) runs cell i.
func retainedPerCell(format string, run func(i int, code string)) float64 {
	i := 1
	for ; i <= retainedWarm; i++ {
		run(i, fmt.Sprintf(format, i))
	}
	before := liveHeap()
	for ; i <= retainedWarm+retainedCells; i++ {
		run(i, fmt.Sprintf(format, i))
	}
	return (float64(liveHeap()) - float64(before)) / retainedCells
}

// BenchmarkRetained is the live heap a cell leaves behind, in the session
// as the worker assembles it (New) and in a bare yaegi interpreter with the
// same standard library (the floor: what yaegi itself keeps), per cell
// after warm-up. session/yaegi is their ratio. A declared variable must stay
// (later cells use it), so "define" and "declare" can only approach the
// floor; a redefinition replaces its variable. The soak's RSS slope is
// about twice the live heap's (the collector's goal), so yaegi's own bytes
// per declared variable bound how flat the soak can be.
func BenchmarkRetained(b *testing.B) {
	for _, k := range retainedKinds {
		b.Run(k.name, func(b *testing.B) {
			var inSession, bare float64
			for b.Loop() {
				sess, err := New(Options{})
				if err != nil {
					b.Fatal(err)
				}
				inSession += retainedPerCell(k.session, func(i int, code string) {
					res := sess.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: i}, &captureOutput{})
					if failed := res.Error != nil; failed != k.fails {
						b.Fatalf("cell %q: error %v, want an error: %v", code, res.Error, k.fails)
					}
				})
				runtime.KeepAlive(sess)
				sess.Shutdown(context.Background(), false)

				it := interp.New(interp.Options{Stdout: io.Discard, Stderr: io.Discard})
				if err := stdlib.Load(it); err != nil {
					b.Fatal(err)
				}
				bare += retainedPerCell(k.bare, func(_ int, code string) {
					if _, err := it.Eval(code); err != nil {
						b.Fatalf("bare yaegi: %q: %v", code, err)
					}
				})
				runtime.KeepAlive(it)
			}
			n := float64(b.N)
			b.ReportMetric(inSession/n, "session-B/cell")
			b.ReportMetric(bare/n, "yaegi-B/cell")
			b.ReportMetric(inSession/bare, "session/yaegi")
		})
	}
}
