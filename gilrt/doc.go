// Package gilrt puts the goroutines of a session.Session under the global
// interpreter lock of package gil: a Scheduler implements hook.Scheduler.
//
//	sched := gilrt.New(gilrt.Options{})
//	s, err := session.New(session.Options{Scheduler: sched})
//
// Each cell holds the lock while it runs and each go statement becomes a
// gil thread that waits for it. The scheduler's passes add check points
// (at function entry, loop bodies, after calls through selectors) and
// release the lock around channel operations and selects; its symbols
// replace sync's Mutex, RWMutex, WaitGroup, Once and Cond, io's copy and
// read helpers on OS files, and time.AfterFunc, so that waits release the
// lock too. Interrupt makes every check point panic with
// gil.ErrInterrupted; past the recursion limit (DefaultRecursionLimit,
// Python's 1000) a check point panics with *gil.RecursionError, which the
// session reports as RecursionError. Generators of package coroutine run
// in their caller's turn. It provides %%gil trace, and Enable, Trace and
// SetRecursionLimit for the cell packages gil and sys (lib/gil, lib/sys).
// docs/gil.md explains the check points, what the lock's monitor covers,
// recursion sampling and what they cost.
//
// A Scheduler is safe for concurrent use; the session calls BeginCell from
// one goroutine at a time. The sync wrappers are as safe as the standard
// types. Close may be called once, when the session is done.
package gilrt
