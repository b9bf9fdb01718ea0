package gilrt

import (
	"sync"

	"github.com/gilgo/gilgo/coroutine"
	"github.com/gilgo/gilgo/gil"
)

// Generators (package coroutine) run their body on a goroutine of their
// own (iter.Pull) but inside the caller's turn: the hooks below move the
// caller's gil.Thread along with control, without releasing the lock, so
// no other goroutine runs between a Send and the value it returns. The
// thread is adopted by whichever goroutine has control (Thread.Adopt: no
// goroutine-id lookup; Leave finds the thread as the lock's holder), so
// blocking calls and displaced check points in the body act for the
// caller's thread. A generator the collector finds abandoned is closed on
// a new gil thread, under the lock.

var hooksOnce sync.Once

// installHooks sets coroutine's hooks once per process; they find the
// scheduler through the active set, as the sync wrappers do.
func installHooks() {
	hooksOnce.Do(func() {
		coroutine.SetHooks(coroutine.Hooks{
			Leave:     leaveGen,
			Enter:     enterGen,
			Abandoned: abandonedGen,
		})
	})
}

// leaveGen runs on the goroutine giving control away: its thread is the
// token. With one scheduler attached and the GIL on, that is the lock's
// holder, found without a goroutine-id lookup (gil.Lock.Current).
func leaveGen() any {
	if t := currentAny(); t != nil {
		return t
	}
	return nil
}

// enterGen runs on the goroutine receiving control: it takes the thread
// over (gil.Thread.Adopt: no goroutine-id lookup on this hot path).
func enterGen(token any) {
	if t, ok := token.(*gil.Thread); ok {
		t.Adopt()
	}
}

// abandonedGen closes an abandoned generator under the lock.
func abandonedGen(closeGen func()) {
	var s *Scheduler
	active.Range(func(k, _ any) bool {
		s = k.(*Scheduler)
		return false
	})
	if s == nil {
		closeGen()
		return
	}
	s.lock.Go("generator cleanup", closeGen)
}

// currentAny is the calling goroutine's thread under any attached
// scheduler (the running cell's if the goroutine is not bound yet).
func currentAny() *gil.Thread {
	s, t := callerAny()
	if t == nil && s != nil && s.lock.Enabled() {
		t = s.thread()
	}
	return t
}

// callerAny finds the calling goroutine's scheduler and thread. With one
// scheduler attached (a kernel process) it is that one, and the thread is
// its lock's Current: the holder, without a goroutine-id lookup, unless
// the GIL is off or a thread is displaced; the thread may be nil (an
// unbound goroutine, or the GIL is off: see Scheduler.free). With several
// (tests), where another session's holder
// must not be taken for the caller, each lock looks the goroutine up
// (gil.Lock.Bound) and both are nil if none knows it.
func callerAny() (*Scheduler, *gil.Thread) {
	var only *Scheduler
	n := 0
	active.Range(func(k, _ any) bool {
		only, n = k.(*Scheduler), n+1
		return n < 2
	})
	switch n {
	case 0:
		return nil, nil
	case 1:
		if only.free() {
			return only, nil
		}
		return only, only.lock.Current()
	}
	var s *Scheduler
	var t *gil.Thread
	active.Range(func(k, _ any) bool {
		s = k.(*Scheduler)
		t = s.lock.Bound()
		return t == nil
	})
	if t == nil {
		return nil, nil
	}
	return s, t
}
