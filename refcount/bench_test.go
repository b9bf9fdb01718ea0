package refcount

import (
	"testing"
	"time"
)

// incDecNs measures ns per IncRef+DecRef pair on one goroutine.
func incDecNs(o *Object, n int) float64 {
	start := time.Now()
	for i := 0; i < n; i++ {
		o.IncRef()
		o.DecRef()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// BenchmarkIncDec reports the cost of an IncRef+DecRef pair for each kind,
// and the ratios to Plain, all measured in the same run (the spec's numbers:
// about 3.8 / 13.8 / 14.6 ns, plain 3-4x cheaper).
func BenchmarkIncDec(b *testing.B) {
	plain := incDecNs(New(1, Plain), b.N)
	atomicNs := incDecNs(New(1, Atomic), b.N)
	locked := incDecNs(New(1, Locked), b.N)
	b.ReportMetric(plain, "plain-ns/pair")
	b.ReportMetric(atomicNs, "atomic-ns/pair")
	b.ReportMetric(locked, "locked-ns/pair")
	b.ReportMetric(atomicNs/plain, "atomic/plain")
	b.ReportMetric(locked/plain, "locked/plain")
	b.ReportMetric(0, "ns/op") // the per-kind metrics above are the result
}

func BenchmarkPlain(b *testing.B)  { benchKind(b, Plain) }
func BenchmarkAtomic(b *testing.B) { benchKind(b, Atomic) }
func BenchmarkLocked(b *testing.B) { benchKind(b, Locked) }

func benchKind(b *testing.B, k Kind) {
	o := New(1, k)
	for b.Loop() {
		o.IncRef()
		o.DecRef()
	}
}
