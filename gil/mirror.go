package gil

import "sync/atomic"

// Mirror is a word outside the Lock kept equal to the lock's eval breaker,
// OR'ed with bits of the mirror's owner (SetBits). It lets rewritten code
// test the breaker with a plain load of a variable of its own, e.g. an
// interpreted global whose storage the runtime registered (reading a
// compiled package's pointer from yaegi costs as much as calling a
// compiled function).
//
// Memory model: the Lock writes the word with atomic stores; a plain load
// on the reading side may see a stale value, which delays the slow path
// by at most one check point on that goroutine (the next load sees the
// store), never loses it: every change of the breaker is followed by a
// store of the new value. Under the race detector, read it atomically or
// not at all (the detector reports plain loads of atomically stored words).
type Mirror struct {
	l     *Lock
	store func(uint32)
	extra atomic.Uint32
}

// MirrorBreaker starts keeping *p equal to the eval breaker and returns
// the mirror; Stop ends it. The lock never reads *p. Safe for concurrent
// use. Bits set with Mirror.SetBits are the owner's: the lock neither
// sets nor interprets them, so use bits the lock does not (MirrorUserBits).
func (l *Lock) MirrorBreaker(p *uint32) *Mirror {
	return l.MirrorBreakerFunc(func(v uint32) { atomic.StoreUint32(p, v) })
}

// MirrorBreakerFunc is MirrorBreaker for words of other types: store is
// called with the new value (breaker | owner bits) after every change,
// serialised, the last call carrying the current value, and once at once.
// store must be quick and must not call the Lock. Safe for concurrent
// use. A store that is a plain write (a bool read by interpreted code,
// say) is a data race by the Go memory model; keep such mirrors out of
// race-detector runs.
func (l *Lock) MirrorBreakerFunc(store func(v uint32)) *Mirror {
	m := &Mirror{l: l, store: store}
	l.mirMu.Lock()
	defer l.mirMu.Unlock()
	var ms []*Mirror
	if old := l.mirrors.Load(); old != nil {
		ms = append(ms, *old...)
	}
	ms = append(ms, m)
	l.mirrors.Store(&ms)
	store(atomic.LoadUint32(&l.breaker))
	return m
}

// MirrorUserBits are the bits of a Mirror's word that the Lock leaves to
// the mirror's owner (SetBits, ClearBits).
const MirrorUserBits uint32 = 0xffff0000

// SetBits ORs the owner's bits into the mirrored word. Safe for
// concurrent use.
func (m *Mirror) SetBits(bits uint32) {
	m.extra.Or(bits & MirrorUserBits)
	m.l.syncMirrors()
}

// ClearBits clears the owner's bits. Safe for concurrent use.
func (m *Mirror) ClearBits(bits uint32) {
	m.extra.And(^(bits & MirrorUserBits))
	m.l.syncMirrors()
}

// Stop ends the mirroring; the word keeps its last value. Safe for
// concurrent use; a second Stop does nothing.
func (m *Mirror) Stop() {
	l := m.l
	l.mirMu.Lock()
	defer l.mirMu.Unlock()
	old := l.mirrors.Load()
	if old == nil {
		return
	}
	var ms []*Mirror
	for _, x := range *old {
		if x != m {
			ms = append(ms, x)
		}
	}
	l.mirrors.Store(&ms)
}

// Mirrors returns the number of active mirrors (for tests).
func (l *Lock) Mirrors() int {
	if ms := l.mirrors.Load(); ms != nil {
		return len(*ms)
	}
	return 0
}

// setBreaker and clearBreaker change the eval breaker and the mirrors.
func (l *Lock) setBreaker(bits uint32) {
	atomic.OrUint32(&l.breaker, bits)
	l.syncMirrors()
}

func (l *Lock) clearBreaker(bits uint32) {
	atomic.AndUint32(&l.breaker, ^bits)
	l.syncMirrors()
}

// syncMirrors stores the breaker into every mirror. It loads the breaker
// under mirMu, so the last store any mirror sees comes from a load made
// after every change that preceded it.
func (l *Lock) syncMirrors() {
	if ms := l.mirrors.Load(); ms == nil || len(*ms) == 0 {
		return
	}
	l.mirMu.Lock()
	defer l.mirMu.Unlock()
	b := atomic.LoadUint32(&l.breaker)
	for _, m := range *l.mirrors.Load() {
		m.store(b | m.extra.Load())
	}
}
