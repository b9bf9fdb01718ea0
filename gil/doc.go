// Package gil is the global interpreter lock of a gilgo session: the lock
// every goroutine running interpreted code must hold, modelled on CPython's
// "new GIL" (Python/ceval_gil.c, 3.2+), with statistics, a trace that draws
// itself as an SVG timeline, a deterministic schedule, interrupts, a
// recursion limit and a free-threaded mode. It imports only the standard
// library and knows nothing of yaegi: the runtime rewrites cells so that
// interpreted code calls into it.
//
// # Use by rewritten code
//
// One Lock per interpreter session (New). Each goroutine that runs
// interpreted code has a Thread (CPython's thread state):
//
//   - a cell's goroutine: t := l.NewThread("cell[3]"); t.Bind(); t.Acquire(); defer t.Close()
//   - a go statement: l.Go("cell[3]", f) — queues the thread for the lock
//     before returning, binds it, recovers panics (Options.OnPanic) and
//     releases the lock when f ends;
//   - a callback that compiled code calls on its own goroutine: l.Run(tag, f).
//
// At function entry: t.Enter() and defer t.Exit() (call depth and
// check point). At loop back-edges and after calls: t.Checkpoint().
// Around blocking calls (time.Sleep, channel operations, select, sync
// waits, I/O): t.Blocking(f) or t.BeginBlocking() … t.EndBlocking(). A
// wrapped blocking call should also select on l.Interrupted().
//
// Python's units: SetSwitchIntervalSeconds / SwitchIntervalSeconds behave
// like sys.setswitchinterval / sys.getswitchinterval (same error text).
//
// Code that cannot name its Thread uses l.Checkpoint, l.Enter, l.Exit and
// l.Blocking:
// the same single-atomic-load fast path; on the slow path they act for the
// holder, or, while a thread is displaced (below), for the thread bound to
// the calling goroutine (Bind; 1-90 µs to look up, growing with the
// stack's depth). Every goroutine that runs interpreted code must therefore
// be bound (Go and Run do it) and hold the lock; code on an unbound
// goroutine would be taken for the holder. Current is the same: the holder,
// with no lookup, while the GIL is on and no thread is displaced; Bound
// always looks the goroutine up. A thread handed to another goroutine on a
// hot path (a generator body running in its caller's turn) is Adopted
// there: no lookup, the binding is resolved by the first lookup that needs
// it.
//
// # The algorithm (wall-clock mode, the default)
//
// A thread that wants the lock waits on its wake channel for one switch
// interval (SetSwitchInterval, default 5 ms). If the interval passed and no
// switch happened meanwhile, it sets the drop request, which turns on a bit
// of the eval breaker that every check point loads. The holder sees it at
// its next check point, releases the lock, wakes one waiter (there is no
// FIFO order) and then, FORCED SWITCHING, may not take the lock back before
// another thread took it. A release wakes one waiter too; a releasing thread
// may re-acquire at once (barging), as in CPython. Taking the lock clears
// the drop request.
//
// # The monitor
//
// If a drop request stays unanswered for Options.MonitorDelay (default
// 20 ms) — the holder is parked in compiled code the rewrite did not wrap,
// or computing in compiled code without check points — the waiter takes
// the lock and the holder becomes displaced: at its next Checkpoint,
// Enter, EndBlocking or BeginBlocking it notices, and waits to re-acquire
// before it runs interpreted code again (Release and Close just forget the
// claim). Between the return of its compiled call and that next check
// point it may run interpreted code alongside the new holder, so the
// runtime should put a check point after calls into compiled code.
// Options.Busy lets the runtime tell a parked holder from a running one
// (compiling, computing in compiled code): the monitor never takes the lock
// from a holder Busy calls running, because that holder may run interpreted
// code (or change the interpreter's state) at any moment; it asks again
// after MonitorDelay (Stats.BusyChecks counts the refusals). The monitor
// runs inside the waiters (no goroutine of its own), so a Lock needs no
// Close and nothing leaks.
//
// Breaker returns the eval breaker word for check points inlined into
// rewritten code (zero: fast path). MirrorBreaker keeps a word of the
// caller's (an interpreted global, whose plain load is cheaper in yaegi
// than any compiled call) equal to the breaker, OR'ed with bits the
// mirror's owner sets (Mirror.SetBits, within MirrorUserBits): every
// change of the breaker is followed by an atomic store of the new value
// into each mirror, so a plain load there may be stale by one check point
// at most (and must not run under the race detector).
//
// # Deterministic mode
//
// SetDeterministic(seed, every): the holder drops the lock at every
// every-th check point if anyone waits, and the release hands it directly
// to a waiter chosen by a generator seeded with seed among the waiters
// sorted by thread id. Time plays no part, so CPU-only goroutines started
// with Go by a holder interleave the same way run after run (same acquire
// sequence, same lost updates, same trace with a fake Options.Now). Blocking
// calls, and the monitor (if a holder passes no check point for
// MonitorDelay), bring wall time back in. All check points take the slow
// path in this mode. SetWallClock goes back.
//
// # Free-threaded mode
//
// Disable lets the holder and all waiters run at once; Acquire returns at
// once and check points stay on the fast path (interrupts still work).
// Enable turns the lock back on: threads running free become displaced and
// re-acquire at their next check point; the calling goroutine, if bound,
// takes the lock first; Enable waits until the others got there, for at
// most MonitorDelay. Recursion depth is not counted by Lock.Enter while the
// lock is disabled (there is no holder to charge it to).
//
// # Interrupts and recursion
//
// Interrupt is sticky until ClearInterrupt: every check point, Enter,
// BeginBlocking and EndBlocking then panics with ErrInterrupted, holding the
// lock, so deferred code runs under the lock; the goroutine's outermost
// frame (Go, Run, or the runtime's cell wrapper) recovers and releases. The
// channel from Interrupted is closed meanwhile. Enter panics with a
// *RecursionError ("maximum recursion depth exceeded") past RecursionLimit
// (default 10000: Python's 1000 is too shallow for ordinary recursive Go,
// while yaegi only overflows its 1 GB stack far deeper; set 1000 for
// Python parity).
//
// # Statistics and traces
//
// Stats counts acquisitions, switches, forced switches, drop requests,
// voluntary releases, monitor hand-offs, wait time and per-thread held and
// waited time; ResetStats zeroes them. StartTrace/StopTrace (or Trace(f))
// record events; Trace.SVG draws one lane per thread. Counting happens on
// the slow path only: neither slows the check point fast path.
//
// # Concurrency
//
// Every method of Lock is safe for concurrent use. A Thread belongs to one
// goroutine at a time: its methods must not be called concurrently, except
// ID, Tag, Lock, Done, Holding and Unbind. A Thread may move to another
// goroutine (a generator body running in its caller's turn) if the hand-off
// itself synchronises; Bind or Adopt again after such a move if the
// identity-free entry points are used. A stopped Trace is immutable.
package gil
