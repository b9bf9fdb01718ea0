package session

import "sync/atomic"

// CallSite is where a cell passed a func to a module's code (the
// callbacks pass): the goroutine and cell that made the call.
type CallSite struct {
	g     uint64 // the calling goroutine
	owner owner  // its cell's output
	calls atomic.Int64
	same  atomic.Bool // every call checked so far ran on g
}

// here records the call site, on the calling (the cell's) goroutine.
func (s *Session) here() *CallSite {
	cs := &CallSite{g: goid(), owner: s.router.lookup()}
	cs.same.Store(true)
	return cs
}

// callbackChecks is how many calls of a callback check their goroutine
// before a callback that so far always ran on its caller's goroutine (a
// sort's less, a matrix's apply: called a million times) checks every
// 256th call only: the check (goid) costs 1-90 µs.
const callbackChecks = 64

// callback runs body, a call of a func a cell passed to module code at
// site. On the caller's goroutine, or a goroutine a cell started, it is a
// plain call. On another goroutine (compiled code's own, errgroup's) it
// runs as a new thread of the cell under the GIL (Scheduler.Adopt),
// writing to the cell, and a panic in it is reported as a goroutine's
// (an interrupt ends it quietly) instead of ending the process; the
// callback then returns its zero values.
func (s *Session) callback(site *CallSite, body func()) {
	n := site.calls.Add(1)
	if site.same.Load() && n > callbackChecks && n%256 != 0 {
		body()
		return
	}
	id := goid()
	if id == site.g || s.router.owns(id) {
		body()
		return
	}
	site.same.Store(false)
	s.adopted(site.owner, body)
}
