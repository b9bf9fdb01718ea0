package rt

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/gilgo/gilgo/gil"
)

// The recursion guard of compiled code. Go's fatal stack overflow (1 GB
// of stack) would cost the worker; instead a sampled check point
// (RequestSample) panics with a *gil.RecursionError once the process's
// goroutine stacks hold more than StackBudget bytes and its own goroutine
// is more than MaxDepth frames deep, so a runaway recursion in a
// compiled cell costs the cell. The budget gate keeps a sample cheap
// (one runtime/metrics read): counting frames costs about 0.1 µs each in
// a plugin, too much to do every sample on a legitimately deep stack.
const (
	StackBudget = 256 << 20
	MaxDepth    = 100_000
)

// sampleBit is this package's bit in its mirror of the breaker.
const sampleBit uint32 = 1 << 17

// state is the lock compiled code obeys and the word its check points
// read: the lock's eval breaker mirrored (gil.Lock.MirrorBreaker), plus
// sampleBit when the depth is to be sampled.
type state struct {
	l    *gil.Lock // nil: none
	word uint32    // atomic access only
	m    *gil.Mirror
}

// cur is the current state, never nil: without a lock it is idle, a zero
// word nobody writes, so that C needs no nil check and stays within the
// inlining budget.
var cur atomic.Pointer[state]

func init() { cur.Store(&state{}) }

// SetLock makes l the lock compiled code uses (nil: none) and returns a
// function that restores the previous one.
func SetLock(l *gil.Lock) (restore func()) {
	st := &state{l: l}
	if l != nil {
		st.m = l.MirrorBreaker(&st.word)
	}
	old := cur.Swap(st)
	return func() {
		cur.Store(old)
		if st.m != nil {
			st.m.Stop()
		}
	}
}

// Lock returns the current lock, or nil.
func Lock() *gil.Lock { return cur.Load().l }

// RequestSample makes the next check point of compiled code sample its
// goroutine's depth (see MaxDepth). The session's scheduler calls it
// periodically while cells run (gilrt.Options.OnSample).
func RequestSample() {
	if m := cur.Load().m; m != nil {
		m.SetBits(sampleBit)
	}
}

// C is the check point of compiled code: inlined into the caller, one
// pointer load and one atomic load on the fast path.
func C() {
	if st := cur.Load(); atomic.LoadUint32(&st.word) != 0 {
		st.slow()
	}
}

func (st *state) slow() {
	w := atomic.LoadUint32(&st.word)
	if w&sampleBit != 0 {
		st.m.ClearBits(sampleBit)
		if tooDeep() {
			panic(&gil.RecursionError{Limit: MaxDepth, Tag: "compiled code"})
		}
	}
	if w&^sampleBit != 0 {
		st.l.Checkpoint()
	}
}

// stacksMetric is the memory of all goroutine stacks.
const stacksMetric = "/memory/classes/heap/stacks:bytes"

// tooDeep reports whether the stacks are over budget and the calling
// goroutine is deeper than MaxDepth frames.
func tooDeep() bool {
	s := [1]metrics.Sample{{Name: stacksMetric}}
	metrics.Read(s[:])
	if s[0].Value.Kind() != metrics.KindUint64 || s[0].Value.Uint64() < StackBudget {
		return false
	}
	var pc [1]uintptr
	return runtime.Callers(MaxDepth, pc[:]) > 0
}

// Sleep is time.Sleep with the lock released; an interrupt of the lock
// ends it early with a panic of gil.ErrInterrupted.
func Sleep(d time.Duration) {
	l := Lock()
	if l == nil {
		time.Sleep(d)
		return
	}
	intr := l.Interrupted()
	l.Blocking(func() {
		if d <= 0 {
			return
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-intr:
		}
	})
}

// Go runs f on a new goroutine; with a lock, as a gil thread tagged tag
// that waits for the lock (gil.Lock.Go recovers and reports its panics).
func Go(tag string, f func()) {
	l := Lock()
	if l == nil {
		go f()
		return
	}
	l.Go(tag, f)
}
