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
// thread is bound to whichever goroutine has control (Thread.Bind), so
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
// token.
func leaveGen() any {
	if t := currentAny(); t != nil {
		return t
	}
	return nil
}

// enterGen runs on the goroutine receiving control: it takes the thread
// over.
func enterGen(token any) {
	if t, ok := token.(*gil.Thread); ok {
		t.Bind()
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
	var t *gil.Thread
	n := 0
	var only *Scheduler
	active.Range(func(k, _ any) bool {
		s := k.(*Scheduler)
		only, n = s, n+1
		t = s.lock.Current()
		return t == nil
	})
	if t == nil && n == 1 {
		t = only.thread()
	}
	return t
}
