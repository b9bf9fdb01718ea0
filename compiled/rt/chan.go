package rt

import (
	"iter"

	"github.com/gilgo/gilgo/gil"
)

// Channel operations of compiled code: generated code calls Recv, RecvOK
// and Send instead of <-ch and ch <- v (not in select statements). An
// operation that can proceed at once runs without touching the lock;
// otherwise the lock is released while it waits, as for interpreted
// cells, and an interrupt of the lock ends the wait with a panic of
// gil.ErrInterrupted.

// Recv is <-ch.
func Recv[T any](ch <-chan T) T {
	select {
	case v := <-ch:
		return v
	default:
	}
	v, _ := recvWait(ch)
	return v
}

// RecvOK is v, ok := <-ch.
func RecvOK[T any](ch <-chan T) (T, bool) {
	select {
	case v, ok := <-ch:
		return v, ok
	default:
	}
	return recvWait(ch)
}

func recvWait[T any](ch <-chan T) (v T, ok bool) {
	l := Lock()
	if l == nil {
		v, ok = <-ch
		return v, ok
	}
	intr := l.Interrupted()
	l.Blocking(func() {
		select {
		case v, ok = <-ch:
		case <-intr:
		}
	})
	return v, ok
}

// SendTo returns a func that sends its argument on ch as Send does; the
// element type comes from ch alone (generated code writes
// rt.SendTo(ch)(v) for ch <- v, where v need only be assignable).
func SendTo[T any](ch chan<- T) func(T) {
	return func(v T) { Send(ch, v) }
}

// Send is ch <- v.
func Send[T any](ch chan<- T, v T) {
	select {
	case ch <- v:
		return
	default:
	}
	l := Lock()
	if l == nil {
		ch <- v
		return
	}
	intr := l.Interrupted()
	l.Blocking(func() {
		select {
		case ch <- v:
		case <-intr:
		}
	})
}

// Chan is range over a channel that receives with the lock released
// while it waits: generated code writes for v := range rt.Chan(ch) where
// the cell declares ch as a channel.
func Chan[T any](ch <-chan T) iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := RecvOK(ch)
			if !ok || !yield(v) {
				return
			}
		}
	}
}

// Select is a select statement of compiled code that waits with the lock
// released. Generated code evaluates the cases' channels and values
// first (as Go does), then:
//
//	s := rt.SelectBegin()
//	select {
//	case v := <-c0:
//		rt.SelectEnd(s); ...
//	case <-s.Interrupted():
//		rt.SelectEnd(s) // panics with gil.ErrInterrupted
//	}
type Select struct {
	t    *gil.Thread
	intr <-chan struct{}
}

// SelectBegin releases the lock for a select statement.
func SelectBegin() Select {
	l := Lock()
	if l == nil {
		return Select{}
	}
	s := Select{t: l.Caller(), intr: l.Interrupted()}
	if s.t != nil {
		s.t.BeginBlocking()
	}
	return s
}

// Interrupted is closed by an interrupt of the lock (never, without one).
func (s Select) Interrupted() <-chan struct{} { return s.intr }

// SelectEnd re-takes the lock at the top of the chosen case; it panics
// with gil.ErrInterrupted if an interrupt is pending.
func SelectEnd(s Select) {
	if s.t != nil {
		s.t.EndBlocking()
		return
	}
	if s.intr != nil {
		select {
		case <-s.intr:
			panic(gil.ErrInterrupted)
		default:
		}
	}
}

// ErrInterrupted is the panic value of an interrupted wait
// (gil.ErrInterrupted), for generated code that must end in a panic.
func ErrInterrupted() error { return gil.ErrInterrupted }

// Block runs wait, a sync wait of compiled code (WaitGroup.Wait,
// Cond.Wait), with the lock released.
func Block(wait func()) {
	if l := Lock(); l != nil {
		l.Blocking(wait)
		return
	}
	wait()
}

// Acquire is a Mutex's Lock (or an RWMutex's RLock) for compiled code:
// try first, holding the lock; if the mutex is taken, wait for it with the
// lock released.
func Acquire(try func() bool, lock func()) {
	if try() {
		return
	}
	Block(lock)
}
