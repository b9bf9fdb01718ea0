package gil

import (
	"testing"
	"time"
)

// on runs f on a fresh goroutine and waits for it: the channel hand-off
// is the synchronisation a Thread needs to change goroutines.
func on(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

// bindings counts the lock's goroutine bindings, stale ones included.
func bindings(l *Lock) int {
	n := 0
	l.ids.Range(func(_, _ any) bool { n++; return true })
	return n
}

func TestCurrentIsHolderWithoutLookup(t *testing.T) {
	l := New(Options{MonitorDelay: -1})
	th := l.NewThread("main")
	th.Acquire()
	var cur, bound *Thread
	on(func() { cur, bound = l.Current(), l.Bound() })
	if cur != th {
		t.Errorf("Current on an unbound goroutine while th holds: got %v, want the holder", cur)
	}
	if bound != nil {
		t.Errorf("Bound on an unbound goroutine: got %v, want nil", bound)
	}
	th.Bind()
	th.Release()
	if got := l.Current(); got != th {
		t.Errorf("Current after Release: got %v, want the bound thread", got)
	}
	on(func() { cur = l.Current() })
	if cur != nil {
		t.Errorf("Current on another goroutine with no holder: got %v, want nil", cur)
	}
	th.Close()
	if got := l.Current(); got != nil {
		t.Errorf("Current after Close: got %v, want nil", got)
	}
	if n := bindings(l); n != 0 {
		t.Errorf("bindings after Close: got %d, want 0", n)
	}
}

// TestAdoptHops moves a thread between two goroutines the way generator
// hooks do (Adopt at every hand-off) and checks that a lookup from the
// goroutine that has it finds it, in each mode of the lock.
func TestAdoptHops(t *testing.T) {
	for _, mode := range []string{"enabled", "disabled", "displaced"} {
		t.Run(mode, func(t *testing.T) {
			l := New(Options{SwitchInterval: 100 * time.Microsecond, MonitorDelay: time.Millisecond})
			th := l.NewThread("caller")
			th.Bind()
			th.Acquire()
			switch mode {
			case "disabled":
				l.Disable()
			case "displaced":
				waitDone(t, l.Go("waiter", func() {})) // th parks: the monitor hands the lock on
				if st := l.Stats(); st.Handoffs != 1 {
					t.Fatalf("handoffs: got %d, want 1", st.Handoffs)
				}
			}
			for i := 0; i < 3; i++ {
				var got *Thread
				on(func() {
					th.Adopt()
					got = l.Bound()
				})
				if got != th {
					t.Fatalf("hop %d: Bound on the adopting goroutine: got %v, want th", i, got)
				}
				th.Adopt()
				if got := l.Bound(); got != th {
					t.Fatalf("hop %d: Bound back on the caller: got %v, want th", i, got)
				}
				if got := l.Current(); got != th {
					t.Fatalf("hop %d: Current back on the caller: got %v, want th", i, got)
				}
			}
			if n := bindings(l); n > 1 {
				t.Errorf("bindings: got %d, want at most 1 (one per thread)", n)
			}
			if mode == "disabled" {
				l.Enable()
			}
			th.Close()
			if n := bindings(l); n != 0 {
				t.Errorf("bindings after Close: got %d, want 0", n)
			}
		})
	}
}

// TestAdoptResolvedWhenDisplaced: a thread adopted lazily (GIL on, no one
// displaced) whose new goroutine then parks and loses the lock to the
// monitor is found by the identity-free check point on that goroutine,
// which re-acquires for it.
func TestAdoptResolvedWhenDisplaced(t *testing.T) {
	l := New(Options{SwitchInterval: 100 * time.Microsecond, MonitorDelay: time.Millisecond})
	th := l.NewThread("caller")
	th.Bind()
	th.Acquire()
	var found *Thread
	var holding bool
	on(func() {
		th.Adopt() // lazy: no lookup
		if !th.pending.Load() {
			t.Errorf("Adopt while holding: want an unresolved adoption")
		}
		waitDone(t, l.Go("waiter", func() {})) // parked in "compiled code"
		l.Checkpoint()                         // must act for th, found by its adoption
		found, holding = l.Bound(), th.Holding()
	})
	if found != th || !holding {
		t.Errorf("after l.Checkpoint on the adopting goroutine: Bound %v, holding %v; want th, true", found, holding)
	}
	if got := l.holderP.Load(); got != th {
		t.Errorf("holder: got %v, want th", got)
	}
	th.Adopt()
	th.Close()
}

// TestAdoptAmbiguous: a goroutine with no binding is given an adopted
// thread only when no other thread that may be running has an unknown
// goroutine: here the monitor hands the lock from the adopted thread a to
// w, whose goroutine is not bound, so a lookup could be either's and
// fails; once w is bound, it is a's.
func TestAdoptAmbiguous(t *testing.T) {
	l := New(Options{SwitchInterval: 100 * time.Microsecond, MonitorDelay: time.Millisecond})
	a, idle := l.NewThread("a"), l.NewThread("idle")
	a.Acquire()
	on(func() { a.Adopt() })    // lazy: a holds
	on(func() { idle.Adopt() }) // lazy too, but idle cannot be running
	var got *Thread
	on(func() { got = l.Bound() })
	if got != a {
		t.Fatalf("Bound with one running adopted thread: got %v, want a", got)
	}
	on(func() { a.Adopt() }) // unresolved again
	w := l.NewThread("w")
	holding, bind, bound, end := make(chan struct{}), make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		w.Acquire() // a never passes a check point: the monitor hands over
		close(holding)
		<-bind
		w.Bind()
		close(bound)
		<-end
		w.Close()
	}()
	<-holding
	on(func() { got = l.Bound() })
	if got != nil {
		t.Errorf("Bound with a displaced adopted thread and an unbound holder: got %v, want nil", got)
	}
	close(bind)
	<-bound
	on(func() { got = l.Bound() })
	if got != a {
		t.Errorf("Bound once the holder is bound: got %v, want a", got)
	}
	close(end)
	waitDone(t, w)
	a.Close()
	idle.Close()
	if n := bindings(l); n != 0 {
		t.Errorf("bindings after Close: got %d, want 0", n)
	}
}
