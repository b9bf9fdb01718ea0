package rt

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
