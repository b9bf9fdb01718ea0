package rt

import (
	"sync/atomic"
	"time"

	"github.com/gilgo/gilgo/gil"
)

// lock is the process's current GIL, or nil.
var lock atomic.Pointer[gil.Lock]

// SetLock makes l the lock compiled code uses (nil: none) and returns a
// function that restores the previous one.
func SetLock(l *gil.Lock) (restore func()) {
	old := lock.Swap(l)
	return func() { lock.Store(old) }
}

// Lock returns the current lock, or nil.
func Lock() *gil.Lock { return lock.Load() }

// C is the check point of compiled code.
func C() {
	if l := lock.Load(); l != nil {
		l.Checkpoint()
	}
}

// Sleep is time.Sleep with the lock released; an interrupt of the lock
// ends it early with a panic of gil.ErrInterrupted.
func Sleep(d time.Duration) {
	l := lock.Load()
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
	l := lock.Load()
	if l == nil {
		go f()
		return
	}
	l.Go(tag, f)
}
