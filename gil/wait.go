package gil

import (
	"slices"
	"time"
)

// Waiting for the lock: a FIFO of waiters, the lock handed to one of them
// on release, and one timer per lock for drop requests and the monitor.
//
// Invariants (enabled, under l.mu): the lock is free only while nobody
// waits (a release with waiters hands the lock over, so !l.locked implies
// an empty queue); each waiter is in the queue exactly once; only the
// thread a release or the monitor granted the lock to is woken. Every
// operation on the queue is O(1) in the number of waiters, except in
// deterministic mode (chooseLocked) and Disable, which visit them all.

// enqueue appends t to the waiters.
func (l *Lock) enqueue(t *Thread) {
	l.steps++
	t.qprev, t.qnext, t.queued = l.qtail, nil, true
	if l.qtail != nil {
		l.qtail.qnext = t
	} else {
		l.qhead = t
	}
	l.qtail = t
	l.nwait++
}

// dequeue removes t from the waiters, if it is one.
func (l *Lock) dequeue(t *Thread) {
	if !t.queued {
		return
	}
	l.steps++
	if t.qprev != nil {
		t.qprev.qnext = t.qnext
	} else {
		l.qhead = t.qnext
	}
	if t.qnext != nil {
		t.qnext.qprev = t.qprev
	} else {
		l.qtail = t.qprev
	}
	t.qprev, t.qnext, t.queued = nil, nil, false
	l.nwait--
}

// addWaiter queues t for the lock; if that makes a held lock contended,
// the switch interval starts now.
func (l *Lock) addWaiter(t *Thread) {
	t.state = stWaiting
	t.waitStart = l.clock()
	l.enqueue(t)
	l.event(t, EvWaitBegin)
	if l.locked && l.nwait == 1 {
		l.contendedLocked()
	}
}

// removeWaiter takes t out of the queue (it leaves without the lock).
func (l *Lock) removeWaiter(t *Thread) { l.dequeue(t) }

func signal(t *Thread) {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// Acquire takes the lock, waiting as long as needed. While the GIL is
// disabled it returns at once. Acquiring a lock the thread already holds is
// a no-op.
func (t *Thread) Acquire() {
	l := t.l
	l.mu.Lock()
	l.acquireLocked(t)
	l.mu.Unlock()
}

// Release gives the lock up. It is a no-op if the thread does not hold it
// (for example after the monitor handed it on).
func (t *Thread) Release() {
	l := t.l
	l.mu.Lock()
	l.releaseAnyLocked(t)
	if t.state != stExited {
		t.state = stIdle
	}
	l.mu.Unlock()
}

// Holding reports whether the thread holds the lock (or runs free while
// the GIL is disabled).
func (t *Thread) Holding() bool {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	return t.state == stHolding || t.state == stFree
}

// releaseAnyLocked leaves whatever claim t has on the lock.
func (l *Lock) releaseAnyLocked(t *Thread) {
	switch t.state {
	case stHolding:
		l.releaseLocked(t)
	case stWaiting:
		l.removeWaiter(t)
		t.state = stIdle
	case stDisplaced:
		l.undisplaceLocked(t)
	}
}

// acquireLocked returns with t holding the lock, or running free when the
// GIL is disabled. l.mu is held on entry and exit but released while
// waiting. A waiter sleeps until the lock is granted to it (by a release,
// a forced switch or the monitor): nobody else wakes it.
func (l *Lock) acquireLocked(t *Thread) {
	switch t.state {
	case stHolding, stFree:
		return
	case stExited:
		panic("gil: Acquire on a closed thread")
	case stDisplaced:
		l.undisplaceLocked(t)
	}
	if !l.enabled {
		t.state = stFree
		return
	}
	if t.state != stWaiting {
		if !l.locked && l.nwait == 0 {
			l.takeLocked(t)
			return
		}
		l.addWaiter(t)
	}
	for {
		switch {
		case l.holder == t:
			return // granted
		case !l.enabled:
			l.removeWaiter(t)
			t.state = stFree
			return
		case t.state == stDisplaced:
			// Granted, then handed on by the monitor before this
			// goroutine woke (a busy machine may not schedule it
			// within the monitor delay): nobody will grant it again,
			// so it queues again, or takes a lock left free.
			l.undisplaceLocked(t)
			if !l.locked && l.nwait == 0 {
				l.takeLocked(t)
				return
			}
			l.addWaiter(t)
		case !l.locked && l.qhead == t:
			// Not reached while the invariant holds; never sleep on a
			// free lock.
			l.removeWaiter(t)
			l.takeLocked(t)
			return
		}
		l.mu.Unlock()
		<-t.wake
		l.mu.Lock()
		l.wakes++
	}
}

// takeLocked makes t the holder. t must not be queued.
func (l *Lock) takeLocked(t *Thread) {
	now := l.clock()
	if t.state == stWaiting && t.waitStart != unset {
		d := now - t.waitStart
		t.st.Waited += d
		l.stats.WaitTime += d
		if d > l.stats.MaxWait {
			l.stats.MaxWait = d
		}
	}
	t.waitStart = unset
	l.locked = true
	l.holder = t
	l.holderP.Store(t)
	if l.lastHolder != t {
		l.stats.Switches++
	}
	l.lastHolder = t
	l.switchNumber++
	l.stats.Acquisitions++
	t.st.Acquisitions++
	t.state = stHolding
	t.holdStart = now
	t.count = 0
	l.clearDropLocked()
	l.doomedHolderLocked(t)
	l.event(t, EvAcquire)
	if l.nwait > 0 {
		l.contendedLocked()
	}
}

// grantLocked hands the free lock to w, a waiter, and wakes it; a thread
// of Go that has not started yet starts now, holding the lock.
func (l *Lock) grantLocked(w *Thread) {
	l.removeWaiter(w)
	l.takeLocked(w)
	if f := w.fn; f != nil {
		w.fn = nil
		go w.run(f)
		return
	}
	signal(w)
}

// releaseLocked gives up the lock held by t and grants it to one waiter:
// the longest waiting (wall-clock mode) or one chosen by the seeded
// generator (deterministic mode).
func (l *Lock) releaseLocked(t *Thread) {
	l.accountHeld(t)
	l.locked = false
	l.holder = nil
	l.holderP.Store(nil)
	t.state = stIdle
	l.clearDropLocked()
	l.doomedHolderLocked(nil)
	l.event(t, EvRelease)
	if l.nwait == 0 || !l.enabled {
		return
	}
	w := l.qhead
	if l.det {
		w = l.chooseLocked()
	}
	l.grantLocked(w)
}

// chooseLocked picks the next holder among the waiters with the seeded
// generator over the waiters sorted by id. It visits every waiter.
func (l *Lock) chooseLocked() *Thread {
	cands := make([]*Thread, 0, l.nwait)
	for w := l.qhead; w != nil; w = w.qnext {
		l.steps++
		cands = append(cands, w)
	}
	slices.SortFunc(cands, func(a, b *Thread) int { return int(a.id - b.id) })
	return cands[l.rng.Intn(len(cands))]
}

func (l *Lock) accountHeld(t *Thread) {
	if t.holdStart != unset {
		t.st.Held += l.clock() - t.holdStart
		t.holdStart = unset
	}
}

func (l *Lock) setDropLocked(by *Thread) {
	l.dropPending = true
	l.dropAt = time.Now()
	l.stats.DropRequests++
	l.setBreaker(bitDrop)
	l.event(by, EvDropRequest)
}

func (l *Lock) clearDropLocked() {
	if l.dropPending {
		l.dropPending = false
		l.clearBreaker(bitDrop)
	}
}

// ----------------------------------------------------------------------
// The lock's timer: drop requests and the monitor.

// contendedLocked starts the switch interval (wall-clock mode) or the
// monitor's watch (deterministic mode) of the holder's turn, now that
// someone waits for it.
func (l *Lock) contendedLocked() {
	now := time.Now()
	l.contendedAt = now
	if l.det {
		l.detProgress = l.holder.progress.Load()
		if d := l.monitorDelayLocked(); d > 0 {
			l.armLocked(now.Add(d))
		}
		return
	}
	l.armLocked(now.Add(l.interval))
}

// monitorDelayLocked is Options.MonitorDelay, or twice the switch interval
// if none was given; <= 0: no monitor. Without Options.Busy the monitor
// cannot tell a parked holder from one running between check points, and
// taking the lock from a running one lets two threads run at once: then it
// waits at least DefaultMonitorDelay (a 50 µs interval under the race
// detector had two threads in a critical section 124 times).
func (l *Lock) monitorDelayLocked() time.Duration {
	if l.monitorDelay != 0 {
		return l.monitorDelay
	}
	if l.busy == nil {
		return max(2*l.interval, DefaultMonitorDelay)
	}
	return 2 * l.interval
}

// armLocked makes the timer fire at or before at. A timer that fires
// early just re-arms: onTimer recomputes everything from the state.
func (l *Lock) armLocked(at time.Time) {
	if l.timerArmed && !at.Before(l.timerAt) {
		return
	}
	l.timerArmed, l.timerAt = true, at
	d := time.Until(at)
	if l.timer == nil {
		l.timer = time.AfterFunc(d, l.onTimer)
	} else {
		l.timer.Reset(d)
	}
}

// onTimer runs on the timer's goroutine (no goroutine of the lock's lives
// between firings). In wall-clock mode it sets the drop request once the
// holder's contended turn lasted a switch interval, and, if the request
// stays unanswered for the monitor delay, hands the lock to the first
// waiter (the monitor); in deterministic mode it hands the lock on if the
// holder passed no check point for the monitor delay.
func (l *Lock) onTimer() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timerArmed = false
	if !l.enabled || !l.locked || l.nwait == 0 || l.holder == nil {
		return
	}
	now := time.Now()
	md := l.monitorDelayLocked()
	if l.det {
		if md <= 0 {
			return
		}
		if p := l.holder.progress.Load(); p != l.detProgress || now.Sub(l.contendedAt) < md {
			if p != l.detProgress {
				l.detProgress, l.contendedAt = p, now
			}
			l.armLocked(l.contendedAt.Add(md))
			return
		}
		l.monitorLocked()
		return
	}
	if !l.dropPending {
		if due := l.contendedAt.Add(l.interval); now.Before(due) {
			l.armLocked(due)
			return
		}
		l.setDropLocked(l.qhead)
		if md > 0 {
			l.armLocked(l.dropAt.Add(md))
		}
		return
	}
	if md <= 0 {
		return
	}
	if due := l.dropAt.Add(md); now.Before(due) {
		l.armLocked(due)
		return
	}
	l.monitorLocked()
}

// monitorLocked hands the lock to the first waiter unless Options.Busy
// says the holder runs; then it asks again after the monitor delay.
func (l *Lock) monitorLocked() {
	if l.holderBusyLocked() {
		if l.locked && l.nwait > 0 {
			l.armLocked(time.Now().Add(l.monitorDelayLocked()))
		}
		return
	}
	l.stealLocked(l.qhead)
}

// holderBusyLocked asks Options.Busy whether the holder is running rather
// than parked (at most once per monitor delay). It drops l.mu while it
// asks; if the lock changed hands meanwhile it reports true, so the caller
// re-examines the state before it steals.
func (l *Lock) holderBusyLocked() bool {
	if l.busy == nil {
		return false
	}
	now := time.Now()
	if now.Before(l.busyUntil) {
		return true
	}
	h, sn := l.holder, l.switchNumber
	l.mu.Unlock()
	busy := l.busy()
	l.mu.Lock()
	if busy {
		l.busyUntil = time.Now().Add(l.monitorDelayLocked())
		l.stats.BusyChecks++
	}
	return busy || !l.locked || l.holder != h || l.switchNumber != sn || l.nwait == 0
}

// stealLocked is the monitor: the holder has not reached a check point for
// too long while t waits, so the lock goes to t and the holder must
// re-acquire before it runs interpreted code again.
func (l *Lock) stealLocked(t *Thread) {
	h := l.holder
	l.accountHeld(h)
	h.state = stDisplaced
	l.displacedN++
	l.setBreaker(bitDisplaced)
	l.stats.Handoffs++
	h.st.Handoffs++
	l.event(h, EvHandoff)
	l.log.Debug("gil: monitor handed the lock on", "from", h.id, "from_tag", h.tag, "to", t.id)
	l.locked = false
	l.holder = nil
	l.holderP.Store(nil)
	l.clearDropLocked()
	l.doomedHolderLocked(nil)
	l.grantLocked(t)
}

func (l *Lock) undisplaceLocked(t *Thread) {
	t.state = stIdle
	l.displacedN--
	if l.displacedN == 0 {
		l.clearBreaker(bitDisplaced)
	}
}

// ----------------------------------------------------------------------
// Interrupted threads.

// doomed reports whether t existed when Interrupt was last called: such a
// thread panics with ErrInterrupted at its next check point or
// acquisition, even after ClearInterrupt.
func (l *Lock) doomed(t *Thread) bool { return t.epoch != l.epoch }

// doomedHolderLocked keeps the breaker's interrupt bit set while a doomed
// thread holds the lock (h, or nil when it is free), so that its next
// check point takes the slow path.
func (l *Lock) doomedHolderLocked(h *Thread) {
	want := l.interrupted || (h != nil && l.doomed(h))
	if want == l.intrBit {
		return
	}
	l.intrBit = want
	if want {
		l.setBreaker(bitInterrupt)
	} else {
		l.clearBreaker(bitInterrupt)
	}
}

// stopping reports whether t must stop: an interrupt is pending or t is
// doomed.
func (l *Lock) stopping(t *Thread) bool { return l.interrupted || l.doomed(t) }

// allWaiters returns the waiters in queue order (Disable).
func (l *Lock) allWaiters() []*Thread {
	ws := make([]*Thread, 0, l.nwait)
	for w := l.qhead; w != nil; w = w.qnext {
		l.steps++
		ws = append(ws, w)
	}
	return ws
}
