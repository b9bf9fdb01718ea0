package coroutine

import "sync/atomic"

// Hooks let the runtime move per-goroutine state (the GIL's thread state)
// along with control when a generator switches between its caller and its
// body, which run on different goroutines but never at the same time.
//
// At every switch, Leave runs on the goroutine that gives control away (the
// caller in Next/Send/Throw/Close, the body at Yield or when it ends) and
// Enter runs on the goroutine that receives it, with Leave's result. The
// lock is never released in between: the body runs inside its caller's turn.
// Abandoned, if set, is given the function that closes a generator the
// garbage collector found unreachable (it runs on the runtime's cleanup
// goroutine); the runtime may run it under the GIL or queue it. Without it,
// the close runs directly.
//
//	prev := coroutine.SetHooks(coroutine.Hooks{
//		Leave: func() any { return gil.Current() },
//		Enter: func(t any) { gil.Adopt(t) },
//	})
//	defer coroutine.SetHooks(prev)
type Hooks struct {
	Leave     func() any
	Enter     func(token any)
	Abandoned func(closeGenerator func())
}

func (h *Hooks) leave() any {
	if h.Leave == nil {
		return nil
	}
	return h.Leave()
}

func (h *Hooks) enter(token any) {
	if h.Enter != nil {
		h.Enter(token)
	}
}

var hooks atomic.Pointer[Hooks]

// SetHooks installs the hooks that generators created from now on use, and
// returns the previous ones (the zero Hooks at start). Safe for concurrent
// use; tests restore the previous value.
//
//	prev := coroutine.SetHooks(coroutine.Hooks{})
//	defer coroutine.SetHooks(prev)
func SetHooks(h Hooks) Hooks {
	old := hooks.Swap(&h)
	if old == nil {
		return Hooks{}
	}
	return *old
}

func currentHooks() Hooks {
	if h := hooks.Load(); h != nil {
		return *h
	}
	return Hooks{}
}
