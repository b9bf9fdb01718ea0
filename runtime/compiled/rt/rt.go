package rt

import (
	"sync/atomic"
	"time"

	"github.com/gilgo/gilgo/gil"
)

// lock is the process's current GIL, never nil: without one it is idle,
// a lock nobody holds or interrupts, so that C needs no nil check and
// stays within the inlining budget.
var lock atomic.Pointer[gil.Lock]

// idle stands for "no lock"; its breaker is always zero.
var idle = gil.New(gil.Options{})

func init() { lock.Store(idle) }

// SetLock makes l the lock compiled code uses (nil: none) and returns a
// function that restores the previous one.
func SetLock(l *gil.Lock) (restore func()) {
	if l == nil {
		l = idle
	}
	old := lock.Swap(l)
	return func() { lock.Store(old) }
}

// Lock returns the current lock, or nil.
func Lock() *gil.Lock {
	if l := lock.Load(); l != idle {
		return l
	}
	return nil
}

// C is the check point of compiled code: inlined into the caller, one
// pointer load and the lock's one atomic load on the fast path.
func C() { lock.Load().Checkpoint() }

// Sleep is time.Sleep with the lock released; an interrupt of the lock
// ends it early with a panic of gil.ErrInterrupted.
func Sleep(d time.Duration) {
	l := Lock()
	if l == nil {
		time.Sleep(d)
		return
	}
	intr := l.Interrupted()
	l.Blocking(func() {
		if d <= 0 {
			return
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-intr:
		}
	})
}

// Go runs f on a new goroutine; with a lock, as a gil thread tagged tag
// that waits for the lock (gil.Lock.Go recovers and reports its panics).
func Go(tag string, f func()) {
	l := Lock()
	if l == nil {
		go f()
		return
	}
	l.Go(tag, f)
}
