package refcount

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrDeadlock matches every *DeadlockError with errors.Is.
//
//	errors.Is(err, refcount.ErrDeadlock)
var ErrDeadlock error = &DeadlockError{}

// DeadlockError describes a cycle in the waits-for graph: each goroutine
// holds one object's lock and waits for the next one's.
//
//	var dl *refcount.DeadlockError
//	if errors.As(err, &dl) {
//		fmt.Println(len(dl.Cycle)) // 2 for the classic a-b / b-a case
//	}
type DeadlockError struct {
	Cycle []Wait
}

// Wait is one edge of a deadlock cycle.
//
//	refcount.Wait{Goroutine: 7, Holds: "a", WaitsFor: "b"}
type Wait struct {
	Goroutine int64  // the goroutine's id, as in a Go stack trace
	Holds     string // the name of the object whose lock it holds
	WaitsFor  string // the name of the object whose lock it waits for
}

func (e *DeadlockError) Error() string {
	parts := make([]string, len(e.Cycle))
	for i, w := range e.Cycle {
		parts[i] = fmt.Sprintf("goroutine %d holds %s and waits for %s", w.Goroutine, w.Holds, w.WaitsFor)
	}
	return "deadlock detected: " + strings.Join(parts, "; ")
}

// Is makes every DeadlockError match ErrDeadlock.
func (e *DeadlockError) Is(target error) bool {
	_, ok := target.(*DeadlockError)
	return ok
}

// txn is one goroutine's Transfer: the locks it holds and the one it waits
// for, which together form the waits-for graph.
type txn struct {
	goroutine int64
	waitsFor  *Object
}

// graphMu guards Object.holder and txn.waitsFor: the waits-for graph. It is
// only held for short, non-blocking sections and never left held, so tests
// need not reset it.
var graphMu sync.Mutex

// Poll bounds for a lock wait: detection runs at once and then after each
// poll, so a deadlock is found within about maxPoll.
const (
	minPoll = 20 * time.Microsecond
	maxPoll = 2 * time.Millisecond
)

// Transfer moves one reference from from to to while holding both objects'
// locks, taking from's lock first, then calling between (if not nil), then
// taking to's. Two goroutines calling Transfer(a, b) and Transfer(b, a) at
// once deadlock, the reason CPython did not choose per-object locks.
// Transfer detects it: a goroutine whose lock wait closes a cycle in the
// waits-for graph gives up with a *DeadlockError (releasing what it holds,
// so the other goroutine goes on). Cancelling ctx also ends a wait. Both
// objects must be Locked.
//
//	a := refcount.New("A", refcount.Locked, refcount.Name("a"))
//	b := refcount.New("B", refcount.Locked, refcount.Name("b"))
//	go refcount.Transfer(ctx, a, b, pause)
//	err := refcount.Transfer(ctx, b, a, pause)
//	// one of the two: deadlock detected: goroutine 7 holds b and waits for a; goroutine 6 holds a and waits for b
func Transfer(ctx context.Context, from, to *Object, between func()) error {
	if from.kind != Locked || to.kind != Locked {
		return fmt.Errorf("transfer %s to %s: got %s and %s objects, want Locked", from.name, to.name, from.kind, to.kind)
	}
	if from == to {
		return fmt.Errorf("transfer %s to itself", from.name)
	}
	t := &txn{goroutine: goroutineID()}
	if err := t.lock(ctx, from); err != nil {
		return fmt.Errorf("transfer %s to %s: %w", from.name, to.name, err)
	}
	defer t.unlock(from)
	if between != nil {
		between()
	}
	if err := t.lock(ctx, to); err != nil {
		// Not wrapped: the deadlock message is the whole story.
		if errors.Is(err, ErrDeadlock) {
			return err
		}
		return fmt.Errorf("transfer %s to %s: %w", from.name, to.name, err)
	}
	defer t.unlock(to)
	if err := to.incLocked(); err != nil {
		return err
	}
	return from.decLocked()
}

func (t *txn) acquired(o *Object) {
	graphMu.Lock()
	o.holder = t
	t.waitsFor = nil
	graphMu.Unlock()
}

func (t *txn) unlock(o *Object) {
	graphMu.Lock()
	o.holder = nil
	graphMu.Unlock()
	o.mu.Unlock()
}

func (t *txn) lock(ctx context.Context, o *Object) error {
	if o.mu.TryLock() {
		t.acquired(o)
		return nil
	}
	graphMu.Lock()
	t.waitsFor = o
	graphMu.Unlock()
	timer := time.NewTimer(minPoll)
	defer timer.Stop()
	poll := minPoll
	for {
		if o.mu.TryLock() {
			t.acquired(o)
			return nil
		}
		if err := t.detect(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			graphMu.Lock()
			t.waitsFor = nil
			graphMu.Unlock()
			return fmt.Errorf("wait for %s: %w", o.name, ctx.Err())
		case <-timer.C:
		}
		poll = min(2*poll, maxPoll)
		timer.Reset(poll)
	}
}

// detect follows waits-for edges from t. If they lead back to t, t is the
// victim: it stops waiting (in the same critical section, so the other
// goroutines of the cycle cannot also pick themselves) and gets the error.
func (t *txn) detect() error {
	graphMu.Lock()
	defer graphMu.Unlock()
	var chain []*txn
	seen := map[*txn]bool{}
	for cur := t; ; {
		chain = append(chain, cur)
		seen[cur] = true
		if cur.waitsFor == nil {
			return nil
		}
		next := cur.waitsFor.holder
		if next == nil {
			return nil
		}
		if next == t {
			break
		}
		if seen[next] {
			return nil // a cycle that does not involve t: its members will see it
		}
		cur = next
	}
	cycle := make([]Wait, len(chain))
	for i, c := range chain {
		prev := chain[(i+len(chain)-1)%len(chain)]
		cycle[i] = Wait{Goroutine: c.goroutine, Holds: prev.waitsFor.name, WaitsFor: c.waitsFor.name}
	}
	t.waitsFor = nil
	return &DeadlockError{Cycle: cycle}
}

// goroutineID reads the current goroutine's id from its stack header
// ("goroutine 7 [running]:"). Slow (about a microsecond); Transfer only.
func goroutineID() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return -1
	}
	return id
}
