package gil

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMirrorFollowsBreaker: a mirror holds the breaker plus its owner's
// bits after every change, and stops following after Stop.
func TestMirrorFollowsBreaker(t *testing.T) {
	const user = 1 << 20
	tests := []struct {
		name  string
		do    func(l *Lock, m *Mirror)
		want  uint32
		brk   uint32 // the lock's own breaker afterwards
		alive bool   // the mirror still follows
	}{
		{"idle", func(*Lock, *Mirror) {}, 0, 0, true},
		{"interrupt", func(l *Lock, _ *Mirror) { l.Interrupt() }, bitInterrupt, bitInterrupt, true},
		{"interrupt cleared", func(l *Lock, _ *Mirror) { l.Interrupt(); l.ClearInterrupt() }, 0, 0, true},
		{"deterministic", func(l *Lock, _ *Mirror) { l.SetDeterministic(1, 3) }, bitCount, bitCount, true},
		{"wall clock again", func(l *Lock, _ *Mirror) { l.SetDeterministic(1, 3); l.SetWallClock() }, 0, 0, true},
		{"user bit", func(_ *Lock, m *Mirror) { m.SetBits(user) }, user, 0, true},
		{"user bit and interrupt", func(l *Lock, m *Mirror) { m.SetBits(user); l.Interrupt() }, user | bitInterrupt, bitInterrupt, true},
		{"user bit cleared", func(l *Lock, m *Mirror) { m.SetBits(user); l.Interrupt(); m.ClearBits(user) }, bitInterrupt, bitInterrupt, true},
		{"lock bits are not the owner's", func(_ *Lock, m *Mirror) { m.SetBits(bitInterrupt) }, 0, 0, true},
		{"stopped", func(l *Lock, m *Mirror) { m.Stop(); l.Interrupt() }, 0, bitInterrupt, false},
		{"stopped twice", func(l *Lock, m *Mirror) { m.Stop(); m.Stop(); l.Interrupt() }, 0, bitInterrupt, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := New(Options{})
			var w uint32 = 99 // MirrorBreaker overwrites it
			m := l.MirrorBreaker(&w)
			tc.do(l, m)
			if got := atomic.LoadUint32(&w); got != tc.want {
				t.Errorf("mirror = %#x, want %#x", got, tc.want)
			}
			if got := atomic.LoadUint32(l.Breaker()); got != tc.brk {
				t.Errorf("breaker = %#x, want %#x", got, tc.brk)
			}
			if got, want := l.Mirrors(), map[bool]int{true: 1, false: 0}[tc.alive]; got != want {
				t.Errorf("Mirrors() = %d, want %d", got, want)
			}
		})
	}
}

// TestMirrorDropRequest: a waiter's drop request reaches the mirror, and
// taking the lock clears it there too.
func TestMirrorDropRequest(t *testing.T) {
	l := New(Options{SwitchInterval: time.Millisecond, MonitorDelay: -1})
	var w uint32
	l.MirrorBreaker(&w)
	a := l.NewThread("a")
	a.Acquire()
	got := make(chan struct{})
	b := l.NewThread("b")
	go func() {
		b.Acquire()
		b.Close()
		close(got)
	}()
	for atomic.LoadUint32(&w)&bitDrop == 0 { // the waiter sets it after one interval
		time.Sleep(100 * time.Microsecond)
	}
	a.Checkpoint() // honours it: b takes the lock, then a gets it back
	<-got
	if v := atomic.LoadUint32(&w); v != atomic.LoadUint32(l.Breaker()) || v&bitDrop != 0 {
		t.Errorf("mirror after the switch = %#x, breaker %#x", v, atomic.LoadUint32(l.Breaker()))
	}
	a.Close()
}

// TestMirrorConcurrent: concurrent changes of the breaker and of owner
// bits leave every mirror equal to the final breaker | owner bits.
func TestMirrorConcurrent(t *testing.T) {
	l := New(Options{})
	words := make([]uint32, 4)
	ms := make([]*Mirror, len(words))
	for i := range words {
		ms[i] = l.MirrorBreaker(&words[i])
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				switch (i + g) % 4 {
				case 0:
					l.Interrupt()
				case 1:
					l.ClearInterrupt()
				case 2:
					ms[g].SetBits(1 << 16)
				case 3:
					ms[g].ClearBits(1 << 16)
				}
			}
		}()
	}
	wg.Wait()
	b := atomic.LoadUint32(l.Breaker())
	for i, m := range ms {
		if got, want := atomic.LoadUint32(&words[i]), b|m.extra.Load(); got != want {
			t.Errorf("mirror %d = %#x, want %#x", i, got, want)
		}
	}
}
