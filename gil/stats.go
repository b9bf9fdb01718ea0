package gil

import (
	"sort"
	"time"
)

// Stats is a snapshot of the lock's counters since New or ResetStats.
type Stats struct {
	Since time.Time // when counting started (Options.Now clock)
	// Acquisitions counts every take of the lock (CPython's switch_number).
	Acquisitions uint64
	// Switches counts takes by a thread other than the previous holder.
	Switches uint64
	// ForcedSwitches counts drops made at a check point because of a drop
	// request (or, in deterministic mode, the check-point count).
	ForcedSwitches uint64
	// DropRequests counts drop requests set by waiters (or the schedule).
	DropRequests uint64
	// VoluntaryReleases counts releases around blocking calls.
	VoluntaryReleases uint64
	// Handoffs counts times the monitor took the lock from a holder that
	// passed no check point for too long.
	Handoffs uint64
	// BusyChecks counts times the monitor would have handed the lock on
	// but Options.Busy said the holder was running, not parked.
	BusyChecks uint64
	// WaitTime is the total time threads waited in Acquire.
	WaitTime time.Duration
	// MaxWait is the longest single wait in Acquire: with a parked holder
	// that never reaches a check point, the monitor bounds it near the
	// switch interval plus the monitor delay.
	MaxWait time.Duration
	// Threads lists live threads by id, then up to 256 exited ones.
	Threads []ThreadStats
}

// ThreadStats is one thread's share of Stats.
type ThreadStats struct {
	ID                int64
	Tag               string
	State             string // idle, waiting, holding, free, blocked, displaced or exited
	Held              time.Duration
	Waited            time.Duration
	Acquisitions      uint64
	ForcedSwitches    uint64
	VoluntaryReleases uint64
	Handoffs          uint64
}

// Stats returns a snapshot. The current holder's time is counted up to now.
func (l *Lock) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	s := l.stats
	s.Threads = make([]ThreadStats, 0, len(l.threads)+len(l.exited))
	for _, t := range l.threads {
		ts := t.st
		ts.State = t.state.String()
		if t.state == stHolding && t.holdStart != unset {
			ts.Held += now - t.holdStart
		}
		if t.state == stWaiting && t.waitStart != unset {
			ts.Waited += now - t.waitStart
		}
		s.Threads = append(s.Threads, ts)
	}
	sort.Slice(s.Threads, func(i, j int) bool { return s.Threads[i].ID < s.Threads[j].ID })
	for _, ts := range l.exited {
		ts.State = stExited.String()
		s.Threads = append(s.Threads, ts)
	}
	return s
}

// ResetStats sets every counter to zero and forgets exited threads.
func (l *Lock) ResetStats() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	l.stats = Stats{Since: l.base.Add(now)}
	l.exited = nil
	for _, t := range l.threads {
		t.st = ThreadStats{ID: t.id, Tag: t.tag}
		if t.holdStart != unset {
			t.holdStart = now
		}
		if t.waitStart != unset {
			t.waitStart = now
		}
	}
}
