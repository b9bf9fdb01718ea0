package gilrt

// What the cell packages gil and sys (lib/gil, lib/sys) need of the
// scheduler beyond its Lock.

// Enable turns the GIL on. The calling goroutine (a cell's) is bound to
// the running cell's thread first, so it takes the lock before the
// goroutines waiting for it.
//
//	gil.Disable()
//	// ... goroutines run in parallel
//	gil.Enable()
func (s *Scheduler) Enable() {
	s.thread()
	s.lock.Enable()
}

// SetRecursionLimit sets the deepest call nesting interpreted code may
// reach before a RecursionError (Python's sys.setrecursionlimit) and
// samples the depth at the next check point.
//
//	sys.SetRecursionLimit(200)
func (s *Scheduler) SetRecursionLimit(n int) error {
	if err := s.lock.SetRecursionLimit(n); err != nil {
		return err
	}
	s.entries.Store(0)
	s.setSample()
	return nil
}

// Trace runs f under the GIL tracer and shows its timeline (an SVG of
// which goroutine held the lock when) in the calling goroutine's cell.
//
//	gil.Trace(func() { go spin(); spin() })
func (s *Scheduler) Trace(f func()) { s.display(s.lock.Trace(f).SVG()) }
