package gilrt

import (
	"reflect"
	"sync"

	"github.com/traefik/yaegi/interp"
)

// The sync types cells see: same method sets as the standard ones, but a
// goroutine that has to wait gives the GIL up while it waits. Their zero
// values work; they find the waiting goroutine's lock through the
// schedulers attached in this process (active).

// active holds the attached schedulers (see Close).
var active sync.Map // *Scheduler -> struct{}

// syncExports overrides sync's waiting types for cells.
func (s *Scheduler) syncExports() interp.Exports {
	active.Store(s, struct{}{})
	return interp.Exports{"sync/sync": {
		"Mutex":     reflect.ValueOf((*Mutex)(nil)),
		"RWMutex":   reflect.ValueOf((*RWMutex)(nil)),
		"WaitGroup": reflect.ValueOf((*WaitGroup)(nil)),
		"Once":      reflect.ValueOf((*Once)(nil)),
		"Cond":      reflect.ValueOf((*Cond)(nil)),
		"NewCond":   reflect.ValueOf(NewCond),
	}}
}

// Close detaches the scheduler from the sync wrappers and stops its
// sample ticker. Sessions normally live as long as the process; tests
// call Close.
func (s *Scheduler) Close() {
	active.Delete(s)
	s.stopTicker()
}

// blockingAny runs f with the calling goroutine's GIL released.
func blockingAny(f func()) {
	switch s, t := callerAny(); {
	case t != nil:
		t.Blocking(f)
	case s != nil:
		s.Blocking(f) // an unbound cell goroutine
	default:
		f()
	}
}

// spawnAny starts f like a go statement of the calling goroutine's cell.
func spawnAny(f func()) {
	if s, _ := callerAny(); s != nil && s.host != nil {
		s.host.Spawn(f)
		return
	}
	go f()
}

// Mutex is sync.Mutex for cells.
type Mutex struct{ mu sync.Mutex }

// Lock locks m, releasing the GIL while it waits.
func (m *Mutex) Lock() {
	if !m.mu.TryLock() {
		blockingAny(m.mu.Lock)
	}
}

// Unlock unlocks m.
func (m *Mutex) Unlock() { m.mu.Unlock() }

// TryLock tries to lock m without waiting.
func (m *Mutex) TryLock() bool { return m.mu.TryLock() }

// RWMutex is sync.RWMutex for cells.
type RWMutex struct{ mu sync.RWMutex }

// Lock locks rw for writing, releasing the GIL while it waits.
func (rw *RWMutex) Lock() {
	if !rw.mu.TryLock() {
		blockingAny(rw.mu.Lock)
	}
}

// Unlock unlocks rw for writing.
func (rw *RWMutex) Unlock() { rw.mu.Unlock() }

// RLock locks rw for reading, releasing the GIL while it waits.
func (rw *RWMutex) RLock() {
	if !rw.mu.TryRLock() {
		blockingAny(rw.mu.RLock)
	}
}

// RUnlock undoes one RLock.
func (rw *RWMutex) RUnlock() { rw.mu.RUnlock() }

// TryLock tries to lock rw for writing.
func (rw *RWMutex) TryLock() bool { return rw.mu.TryLock() }

// TryRLock tries to lock rw for reading.
func (rw *RWMutex) TryRLock() bool { return rw.mu.TryRLock() }

// RLocker returns a Locker whose Lock and Unlock call RLock and RUnlock.
func (rw *RWMutex) RLocker() sync.Locker { return rlocker{rw} }

type rlocker struct{ rw *RWMutex }

func (r rlocker) Lock()   { r.rw.RLock() }
func (r rlocker) Unlock() { r.rw.RUnlock() }

// WaitGroup is sync.WaitGroup for cells.
type WaitGroup struct{ wg sync.WaitGroup }

// Add adds delta to the counter.
func (wg *WaitGroup) Add(delta int) { wg.wg.Add(delta) }

// Done decrements the counter.
func (wg *WaitGroup) Done() { wg.wg.Done() }

// Wait waits for the counter to reach zero, releasing the GIL.
func (wg *WaitGroup) Wait() { blockingAny(wg.wg.Wait) }

// Go runs f in a new goroutine (under the GIL) and adds it to the group.
func (wg *WaitGroup) Go(f func()) {
	wg.wg.Add(1)
	spawnAny(func() {
		defer wg.wg.Done()
		f()
	})
}

// Once is sync.Once for cells.
type Once struct {
	m    Mutex
	done bool // guarded by m
}

// Do calls f if and only if Do is called for the first time; others wait
// (without the GIL) until f returned.
func (o *Once) Do(f func()) {
	o.m.Lock()
	defer o.m.Unlock()
	if !o.done {
		defer func() { o.done = true }()
		f()
	}
}

// Cond is sync.Cond for cells.
type Cond struct {
	L sync.Locker

	mu      sync.Mutex
	waiters []chan struct{}
}

// NewCond returns a Cond with Locker l.
func NewCond(l sync.Locker) *Cond { return &Cond{L: l} }

// Wait unlocks c.L, waits for Signal or Broadcast without the GIL and
// locks c.L again.
func (c *Cond) Wait() {
	ch := make(chan struct{})
	c.mu.Lock()
	c.waiters = append(c.waiters, ch)
	c.mu.Unlock()
	c.L.Unlock()
	blockingAny(func() { <-ch })
	c.L.Lock()
}

// Signal wakes one waiter.
func (c *Cond) Signal() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.waiters) > 0 {
		close(c.waiters[0])
		c.waiters = c.waiters[1:]
	}
}

// Broadcast wakes every waiter.
func (c *Cond) Broadcast() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.waiters {
		close(ch)
	}
	c.waiters = nil
}
