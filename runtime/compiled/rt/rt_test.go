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
