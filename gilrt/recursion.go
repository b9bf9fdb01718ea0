package gilrt

import (
	"runtime"
	"sync"

	"github.com/gilgo/gilgo/gil"
)

// Recursion limit without work on the check point's fast path.
//
// The inline check point is one plain load (breaker.go), so it cannot
// count calls. Instead the sample ticker sets bitSample in the mirrored
// breaker every samplePeriod while a thread of the scheduler is alive;
// the next check point takes the slow path and samples the calling
// goroutine's depth: the number of yaegi runCfg frames on its stack (one
// per interpreted call).
//
//   - Shallow (depth < limit/4): the bit is cleared, check points are
//     fast again until the next tick.
//   - Deep: counting mode. The bit stays set, so every check point calls
//     the scheduler, which counts them down and samples again after
//     limit-depth of them (at least minSample): the depth grows by at
//     most one per function entry, so a runaway recursion is caught at
//     most minSample calls past the limit. Counting mode ends when a
//     sample finds the goroutine shallow again (depth < limit/8).
//
// After a RecursionError the limit is raised by recursionHeadroom for
// the deferred calls that handle it (they run on the deep stack) until
// a sample finds the depth within the limit again.
//
// A runaway recursion therefore costs the fast path nothing until a tick
// finds it; its depth at that tick is bounded by how fast yaegi recurses
// in one samplePeriod (TestRunawayRecursion logs the depth reached). Past the
// limit it panics with *gil.RecursionError. The counter and the mode are
// shared by all goroutines, which only makes samples come earlier, except
// that a sample on a shallow goroutine ends counting mode for a deep one
// until the next tick.

const (
	// recursionHeadroom: after a RecursionError at depth d, deferred
	// calls run on top of the same deep stack (Go unwinds after the
	// defers), so the next error needs depth d+recursionHeadroom, until a
	// sample finds the goroutine within the limit again (CPython gives
	// 50 frames of headroom in the same situation).
	recursionHeadroom = 50
	// panicFactor: while a panic unwinds, yaegi re-panics in every
	// interpreted frame's deferred call and the stack keeps all of them
	// (seen: 1312 runCfg frames under a panic raised at depth 510), so a
	// deferred call is checked against panicFactor times the limit.
	panicFactor = 10
	minSample   = 64
	runCfg      = "github.com/traefik/yaegi/interp.runCfg"
)

var pcPool = sync.Pool{New: func() any { b := make([]uintptr, 1024); return &b }}

// sample is the slow path for bitSample: it counts down in counting mode,
// measures the depth when due, switches modes and panics with
// *gil.RecursionError past the limit.
func (s *Scheduler) sample() {
	if s.counting.Load() && s.entries.Add(-1) > 0 {
		return
	}
	limit := s.lock.RecursionLimit()
	max := limit
	if h := s.headroom.Load(); h > int64(max) {
		max = int(h)
	}
	d, panicking := s.depth(panicFactor*max + 1)
	s.samples.Add(1)
	if panicking {
		max *= panicFactor
	}
	if d <= limit {
		s.headroom.Store(0)
	}
	if d > max {
		s.counting.Store(false)
		s.clearSample()
		s.headroom.Store(int64(d + recursionHeadroom))
		s.noteErr(d)
		tag := ""
		if t := s.lock.Current(); t != nil {
			tag = t.Tag()
		}
		panic(&gil.RecursionError{Limit: limit, Tag: tag})
	}
	deep := d >= limit/4
	if s.counting.Load() {
		deep = d >= limit/8
	}
	if !deep {
		s.counting.Store(false)
		s.clearSample()
		return
	}
	next := limit - d
	if next < minSample {
		next = minSample
	}
	s.entries.Store(int64(next))
	s.counting.Store(true)
}

// depth counts interpreted frames on the calling goroutine's stack, up to
// max, and reports whether a panic is unwinding it (a deferred call runs).
func (s *Scheduler) depth(max int) (n int, panicking bool) {
	bp := pcPool.Get().(*[]uintptr)
	defer pcPool.Put(bp)
	for {
		buf := *bp
		n := runtime.Callers(3, buf)
		count, panicking := 0, false
		for _, pc := range buf[:n] {
			switch s.frameKind(pc) {
			case kindRunCfg:
				count++
			case kindPanic:
				panicking = true
			}
		}
		if n < len(buf) || count >= max {
			return count, panicking
		}
		*bp = make([]uintptr, 2*len(buf))
	}
}

type frameKind uint8

const (
	kindOther  frameKind = iota
	kindRunCfg           // an interpreted call
	kindPanic            // runtime.gopanic: deferred calls of a panic run
)

func (s *Scheduler) frameKind(pc uintptr) frameKind {
	if v, ok := s.pcs.Load(pc); ok {
		return v.(frameKind)
	}
	k := kindOther
	if f := runtime.FuncForPC(pc - 1); f != nil {
		switch f.Name() {
		case runCfg:
			k = kindRunCfg
		case "runtime.gopanic":
			k = kindPanic
		}
	}
	s.pcs.Store(pc, k)
	return k
}

// noteErr records the depth of a RecursionError (the last few, for
// tests and benchmarks: how far past the limit a runaway got).
func (s *Scheduler) noteErr(d int) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if len(s.errs) == 8 {
		s.errs = s.errs[1:]
	}
	s.errs = append(s.errs, d)
}

// errDepths returns the depths of the last RecursionErrors.
func (s *Scheduler) errDepths() []int {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return append([]int(nil), s.errs...)
}
