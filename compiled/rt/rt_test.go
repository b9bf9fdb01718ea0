package rt

import (
	"sync/atomic"
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
	l := holdLock(t)
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
			holdLock(t)
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
	l := holdLock(t)
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

// TestRecursionSampled: a sampled check point deeper than MaxDepth frames
// with the stacks over StackBudget panics with a *gil.RecursionError; a
// shallow one, or one not sampled, does not.
func TestRecursionSampled(t *testing.T) {
	l := gil.New(gil.Options{})
	defer SetLock(l)()
	var down func(n int, sample bool) int
	down = func(n int, sample bool) int {
		var frame [4096]byte // MaxDepth frames of 4 KiB pass the budget
		frame[n%len(frame)] = byte(n)
		C()
		if n == 0 {
			if sample {
				RequestSample()
			}
			C()
			return int(frame[0])
		}
		return down(n-1, sample) + int(frame[n%len(frame)]&0)
	}
	cases := []struct {
		depth     int
		sample    bool
		wantPanic bool
	}{
		{100, true, false},
		{MaxDepth + 100, false, false},
		{MaxDepth + 100, true, true},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				r := recover()
				re, ok := r.(*gil.RecursionError)
				if ok != tc.wantPanic || (r != nil && !ok) {
					t.Errorf("depth %d, sampled %v: recovered %v, want a RecursionError: %v", tc.depth, tc.sample, r, tc.wantPanic)
				}
				if ok && re.Limit != MaxDepth {
					t.Errorf("RecursionError.Limit = %d, want %d", re.Limit, MaxDepth)
				}
			}()
			down(tc.depth, tc.sample)
		}()
	}
	C() // the sample request was consumed
	if w := atomic.LoadUint32(&cur.Load().word); w != 0 {
		t.Errorf("breaker word %#x after the sample, want 0", w)
	}
}

// TestSelect: SelectBegin releases the lock (another thread takes it while
// the select waits), SelectEnd re-takes it, and an interrupt ends a wait
// with a panic of gil.ErrInterrupted; Chan ranges over a channel.
func TestSelect(t *testing.T) {
	l := holdLock(t)

	ch := make(chan int)
	other := make(chan bool)
	go l.Run("other", func() { other <- true; ch <- 7 }) // needs the lock to run
	s := SelectBegin()
	select {
	case <-other:
		SelectEnd(s)
	case <-s.Interrupted():
		SelectEnd(s)
	}
	if v := Recv(ch); v != 7 {
		t.Fatalf("Recv = %d, want 7", v)
	}

	func() {
		defer func() {
			if r := recover(); r != gil.ErrInterrupted {
				t.Errorf("recovered %v, want %v", r, gil.ErrInterrupted)
			}
		}()
		go l.Interrupt()
		s := SelectBegin()
		select {
		case <-make(chan int):
			SelectEnd(s)
		case <-s.Interrupted():
			SelectEnd(s)
		}
	}()
	l.ClearInterrupt()

	in := make(chan int, 3)
	in <- 1
	in <- 2
	in <- 3
	close(in)
	sum := 0
	for v := range Chan(in) {
		sum += v
	}
	if sum != 6 {
		t.Errorf("range over Chan summed %d, want 6", sum)
	}
}

// holdLock makes a new lock the one compiled code uses, with the calling
// goroutine as its holder, until the test ends.
func holdLock(t *testing.T) *gil.Lock {
	t.Helper()
	l := gil.New(gil.Options{})
	t.Cleanup(SetLock(l))
	th := l.NewThread("t")
	th.Bind()
	th.Acquire()
	t.Cleanup(th.Close)
	return l
}
