package gil

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Each benchmark measures its baseline in the same run and reports the
// ratio (b.ReportMetric), so a noisy machine shifts both alike.

// loopNs runs f n times and returns ns per call.
func loopNs(n int, f func()) float64 {
	start := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func BenchmarkAcquireRelease(b *testing.B) {
	var mu sync.Mutex
	l := New(Options{})
	th := l.NewThread("bench")
	defer th.Close()
	base := loopNs(b.N, func() { mu.Lock(); mu.Unlock() })
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		th.Acquire()
		th.Release()
	}
	b.StopTimer()
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(base, "mutex-ns/op")
	b.ReportMetric(ns/base, "x-mutex")
}

//go:noinline
func emptyFunc() {}

var sink atomic.Uint32

func BenchmarkCheckpointFastPath(b *testing.B) {
	l := New(Options{})
	th := l.NewThread("bench")
	th.Acquire()
	defer th.Close()
	var flag atomic.Uint32
	// Baselines as direct loops, like the measured one.
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		emptyFunc()
	}
	call := float64(time.Since(t0).Nanoseconds()) / float64(b.N)
	t0 = time.Now()
	for i := 0; i < b.N; i++ {
		if flag.Load() != 0 {
			sink.Add(1)
		}
	}
	load := float64(time.Since(t0).Nanoseconds()) / float64(b.N)
	t0 = time.Now()
	for i := 0; i < b.N; i++ {
		l.Checkpoint()
	}
	lockNs := float64(time.Since(t0).Nanoseconds()) / float64(b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		th.Checkpoint()
	}
	b.StopTimer()
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(ns/call, "x-emptycall")
	b.ReportMetric(ns/load, "x-atomicload")
	b.ReportMetric(lockNs/load, "lockcp-x-atomicload")
}

func BenchmarkEnterExit(b *testing.B) {
	l := New(Options{})
	th := l.NewThread("bench")
	th.Bind()
	th.Acquire()
	defer th.Close()
	call := loopNs(b.N, emptyFunc)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		th.Enter()
		th.Exit()
	}
	b.StopTimer()
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	lockNs := loopNs(b.N, func() { l.Enter(); l.Exit() })
	b.ReportMetric(ns/call, "x-emptycall")
	b.ReportMetric(lockNs/call, "lock-x-emptycall")
}

func BenchmarkCheckpointDeterministic(b *testing.B) {
	l := New(Options{})
	th := l.NewThread("bench")
	th.Acquire()
	defer th.Close()
	fast := loopNs(b.N, th.Checkpoint)
	l.SetDeterministic(1, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		th.Checkpoint()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/fast, "x-fastpath")
}

func fibPlain(n int) int {
	if n < 2 {
		return n
	}
	return fibPlain(n-1) + fibPlain(n-2)
}

func fibCheck(th *Thread, n int) int {
	th.Enter()
	defer th.Exit()
	if n < 2 {
		return n
	}
	return fibCheck(th, n-1) + fibCheck(th, n-2)
}

func fibLock(l *Lock, n int) int {
	l.Checkpoint()
	if n < 2 {
		return n
	}
	return fibLock(l, n-1) + fibLock(l, n-2)
}

// BenchmarkFib27 compares compiled fib(27) with check points at every call
// to plain compiled fib(27). Compiled calls are ~300x cheaper than yaegi's,
// so this ratio is an upper bound on what the interpreter pays.
func BenchmarkFib27(b *testing.B) {
	l := New(Options{})
	th := l.NewThread("bench")
	th.Acquire()
	defer th.Close()
	var plain, enter, cp time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		fibPlain(27)
		t1 := time.Now()
		fibCheck(th, 27)
		t2 := time.Now()
		fibLock(l, 27)
		t3 := time.Now()
		plain += t1.Sub(t0)
		enter += t2.Sub(t1)
		cp += t3.Sub(t2)
	}
	b.ReportMetric(float64(enter)/float64(plain), "enterexit-x-plain")
	b.ReportMetric(float64(cp)/float64(plain), "lockcheckpoint-x-plain")
}

// BenchmarkGoid is the cost of the goroutine lookup used off the fast path.
func BenchmarkGoid(b *testing.B) {
	call := loopNs(b.N, emptyFunc)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		goid()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/call, "x-emptycall")
}

// BenchmarkCurrentHop is a generator hop's share of the lock's work: the
// giving side finds its thread (Current: the holder, no lookup), the
// receiving side adopts it (Adopt: no lookup). The baseline in the same
// run is the same hop with the exact lookup and an eager Bind (what a hop
// cost before Adopt); the stack here is shallow, so the lookups are at
// their cheapest (yaegi's stacks make them up to ~30x dearer).
func BenchmarkCurrentHop(b *testing.B) {
	l := New(Options{})
	th := l.NewThread("bench")
	th.Bind()
	th.Acquire()
	defer th.Close()
	n := b.N/100 + 1
	lookup := loopNs(n, func() {
		if t := l.Bound(); t != nil {
			t.Bind()
		}
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if t := l.Current(); t != nil {
			t.Adopt()
		}
	}
	b.StopTimer()
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(lookup, "lookup-bind-ns/op")
	b.ReportMetric(lookup/ns, "speedup")
}

// drainNs queues k fresh Go threads behind a holder, releases the lock and
// returns the time per acquisition until all k ran (each takes the lock
// once, from the head of a queue of k, k-1, ... waiters).
func drainNs(k, rounds int) float64 {
	var total time.Duration
	for range rounds {
		l := New(Options{})
		h := l.NewThread("holder")
		h.Acquire()
		var wg sync.WaitGroup
		wg.Add(k)
		for range k {
			l.Go("w", wg.Done)
		}
		start := time.Now()
		h.Close()
		wg.Wait()
		total += time.Since(start)
	}
	return float64(total.Nanoseconds()) / float64(k*rounds)
}

// BenchmarkWaiters: the cost of one acquisition and release with 1, 1,000
// and 100,000 threads waiting, as ratios to the 1-waiter cost of the same
// run (x-1k, x-100k); O(1) hand-offs keep them near 1.
func BenchmarkWaiters(b *testing.B) {
	var one, k1, k100 float64
	for range b.N {
		one += drainNs(1, 20000)
		k1 += drainNs(1000, 20)
		k100 += drainNs(100000, 1)
	}
	n := float64(b.N)
	b.ReportMetric(one/n, "ns/acq-1")
	b.ReportMetric(k1/n, "ns/acq-1k")
	b.ReportMetric(k100/n, "ns/acq-100k")
	b.ReportMetric(k1/one, "x-1k")
	b.ReportMetric(k100/one, "x-100k")
}

// BenchmarkMonitorWorstWait: a holder parks without releasing (a blocking
// call the rewrite could not wrap) while a thread waits; the monitor hands
// the lock on. Reports the worst wait (Stats.MaxWait) over the rounds as a
// multiple of the switch interval (the target: <= 4).
func BenchmarkMonitorWorstWait(b *testing.B) {
	var worst time.Duration
	var interval time.Duration
	for range b.N {
		for range 5 {
			// The session's Busy would find the holder parked.
			l := New(Options{Busy: func() bool { return false }})
			interval = l.SwitchInterval()
			park := make(chan struct{})
			h := l.Go("parked", func() { <-park })
			w := l.Go("waiter", func() {})
			<-w.Done()
			close(park)
			<-h.Done()
			worst = max(worst, l.Stats().MaxWait)
		}
	}
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "worst-ms")
	b.ReportMetric(float64(worst)/float64(interval), "x-interval")
}
