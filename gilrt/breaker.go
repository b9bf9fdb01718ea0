package gilrt

import (
	"sync/atomic"
	"time"

	"github.com/gilgo/gilgo/gil"
)

// The check point's fast path.
//
// Reading a compiled package's variable or calling a compiled function
// from yaegi costs about 90 ns, reading an interpreted global far less.
// So every interpreter declares `var __gilF bool` in its prelude and
// passes its address to __gil.R, which registers it with
// gil.Lock.MirrorBreakerFunc: after every change of the eval breaker (or
// of bitSample, set for recursion sampling, recursion.go) the lock stores
// breaker|bits != 0 into it. Check points are then
// `if __gilF { __gil.C() }`: one plain load of a bool in interpreted code
// (a bool condition is cheaper in yaegi than a comparison: fib(25)
// 0.86-1.07x with `if B`, 1.04-1.14x with `if F != 0`). The store and the
// load are plain, a data race by the Go memory model that is benign here
// (one byte, the holder only ever needs to see the change eventually): a
// stale load delays the slow path by one check point at most. Under the
// race detector R registers nothing and check points call __gil.C(),
// which loads the scheduler's own uint32 mirror atomically.
//
// yaegi keeps a global's storage in place when later cells grow its
// frame (TestMirrorStorageStable), so the registered address stays valid
// for the interpreter's life. A session swaps interpreters (%reset,
// type redefinition); each registers its own word, and the scheduler
// keeps the last maxMirrors of them mirrored, because goroutines of an
// older interpreter may still run.

// bitSample asks the next check point to sample the call depth.
const bitSample uint32 = 1 << 16

// maxMirrors bounds how many interpreters' words the lock keeps current.
const maxMirrors = 32

// DefaultSamplePeriod is how often the depth is sampled while threads of
// the scheduler are alive.
const DefaultSamplePeriod = time.Millisecond

// register is __gil.R: it mirrors the breaker into an interpreter's
// flag (true: take the slow path). Under the race detector it does
// nothing: the plain store would be reported, and check points call C.
func (s *Scheduler) register(p *bool) bool {
	if raceEnabled {
		return false
	}
	m := s.lock.MirrorBreakerFunc(func(v uint32) { *p = v != 0 })
	s.mmu.Lock()
	defer s.mmu.Unlock()
	s.mirrors = append(s.mirrors, m)
	if len(s.mirrors) > maxMirrors+1 { // [0] is the scheduler's own word
		s.mirrors[1].Stop()
		s.mirrors = append(s.mirrors[:1], s.mirrors[2:]...)
	}
	s.inline.Store(true)
	return true
}

// setSample and clearSample set and clear bitSample in every mirror.
func (s *Scheduler) setSample() {
	s.mmu.Lock()
	defer s.mmu.Unlock()
	for _, m := range s.mirrors {
		m.SetBits(bitSample)
	}
}

func (s *Scheduler) clearSample() {
	if atomic.LoadUint32(&s.word)&bitSample == 0 {
		return
	}
	s.mmu.Lock()
	defer s.mmu.Unlock()
	for _, m := range s.mirrors {
		m.ClearBits(bitSample)
	}
}

// checkpoint is __gil.C, the slow path of the inline check point (and
// the whole check point under -race).
func (s *Scheduler) checkpoint() {
	w := atomic.LoadUint32(&s.word)
	if w == 0 {
		return
	}
	if w&^bitSample != 0 {
		s.checkpointSlow()
	}
	if w&bitSample != 0 {
		s.sample()
	}
}

func (s *Scheduler) checkpointSlow() {
	if atomic.LoadUint32(s.brk)&bitDisplaced != 0 {
		// One goroutine lookup (binding the cell's goroutine if it has
		// none), not a second one inside the lock's identity-free entry.
		if t := s.thread(); t != nil {
			t.Checkpoint()
			return
		}
	}
	s.lock.Checkpoint()
}

// alive and dead count the scheduler's live threads (cells and their
// goroutines); the sample ticker runs while there is one.
func (s *Scheduler) alive() {
	s.tmu.Lock()
	defer s.tmu.Unlock()
	s.live++
	if s.live == 1 && s.period > 0 && !s.closed {
		stop, done := make(chan struct{}), make(chan struct{})
		s.tickStop, s.tickDone = stop, done
		go s.tick(stop, done)
	}
}

func (s *Scheduler) dead() {
	s.tmu.Lock()
	defer s.tmu.Unlock()
	s.live--
	if s.live == 0 && s.tickStop != nil {
		close(s.tickStop)
		s.tickStop = nil
	}
}

// tick sets bitSample every period until stop closes.
func (s *Scheduler) tick(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(s.period)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.setSample()
			if s.onSample != nil {
				s.onSample()
			}
		}
	}
}

// stopTicker stops the sample ticker and waits for it (Close).
func (s *Scheduler) stopTicker() {
	s.tmu.Lock()
	s.closed = true
	if s.tickStop != nil {
		close(s.tickStop)
		s.tickStop = nil
	}
	done := s.tickDone
	s.tmu.Unlock()
	if done != nil {
		<-done
	}
}

// Samples returns how many depth samples check points took (tests and
// benchmarks).
func (s *Scheduler) Samples() int64 { return s.samples.Load() }

// bitSample must be a bit gil leaves to a mirror's owner (compile-time check).
const _ uint32 = gil.MirrorUserBits&bitSample - bitSample
