package rt

import (
	"testing"

	"github.com/gilgo/gilgo/gil"
)

func TestSetLockRestore(t *testing.T) {
	if Lock() != nil {
		t.Fatalf("Lock() = %p before SetLock, want nil", Lock())
	}
	l := gil.New(gil.Options{})
	restore := SetLock(l)
	if Lock() != l {
		t.Errorf("Lock() after SetLock = %p, want %p", Lock(), l)
	}
	restore()
	if Lock() != nil {
		t.Errorf("Lock() after restore = %p, want nil", Lock())
	}
	C() // no lock: nothing happens
	Sleep(0)
}

func TestCheckpointInterrupt(t *testing.T) {
	l := gil.New(gil.Options{})
	defer SetLock(l)()
	th := l.NewThread("t")
	th.Bind()
	th.Acquire()
	defer th.Close()
	C() // fast path
	l.Interrupt()
	defer l.ClearInterrupt()
	for _, f := range []func(){C, func() { Sleep(0) }} {
		func() {
			defer func() {
				if r := recover(); r != gil.ErrInterrupted {
					t.Errorf("recovered %v, want %v", r, gil.ErrInterrupted)
				}
			}()
			f()
		}()
	}
}

// TestChannels: Recv, RecvOK and Send behave as the operators, with and
// without a lock, and an interrupt ends a wait.
func TestChannels(t *testing.T) {
	for _, withLock := range []bool{false, true} {
		if withLock {
			l := gil.New(gil.Options{})
			restore := SetLock(l)
			th := l.NewThread("t")
			th.Bind()
			th.Acquire()
			defer restore()
			defer th.Close()
		}
		ch := make(chan int, 1)
		Send(ch, 1) // ready at once
		if v := Recv(ch); v != 1 {
			t.Fatalf("lock %v: Recv = %d, want 1", withLock, v)
		}
		go func() { ch <- 2 }()
		if v := Recv(ch); v != 2 { // may wait
			t.Fatalf("lock %v: Recv = %d, want 2", withLock, v)
		}
		unbuf := make(chan string)
		got := make(chan string)
		go func() { got <- <-unbuf }()
		Send(unbuf, "x") // waits for the receiver
		if s := <-got; s != "x" {
			t.Fatalf("lock %v: sent %q, want x", withLock, s)
		}
		close(ch)
		if v, ok := RecvOK(ch); v != 0 || ok {
			t.Fatalf("lock %v: RecvOK of a closed channel = %d, %v", withLock, v, ok)
		}
	}
}

func TestChannelWaitInterrupted(t *testing.T) {
	l := gil.New(gil.Options{})
	defer SetLock(l)()
	th := l.NewThread("t")
	th.Bind()
	th.Acquire()
	defer th.Close()
	ops := map[string]func(){
		"Recv":   func() { Recv(make(chan int)) },
		"RecvOK": func() { RecvOK(make(chan int)) },
		"Send":   func() { Send(make(chan int), 1) },
	}
	for name, op := range ops {
		func() {
			defer func() {
				if r := recover(); r != gil.ErrInterrupted {
					t.Errorf("%s: recovered %v, want %v", name, r, gil.ErrInterrupted)
				}
			}()
			go l.Interrupt() // the wait ends; the lock is re-taken with a panic
			op()
		}()
		l.ClearInterrupt()
	}
}
