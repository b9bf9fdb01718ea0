// Package gil is the global interpreter lock of a gilgo session, modelled
// on CPython's "new GIL", with statistics, traces, a deterministic schedule
// and a free-threaded mode. It imports only the standard library and knows
// nothing of yaegi: package gilrt rewrites cells to call into it.
//
// One Lock per session (New). Every goroutine that runs interpreted code
// holds it through a bound Thread: NewThread, Bind and Acquire for a cell's
// goroutine (Close at its end); Lock.Go for a go statement; Lock.Run for a
// callback that compiled code calls on a goroutine of its own. Rewritten
// code calls Enter/Exit at function entry, Checkpoint at loop back-edges
// and after calls, and Blocking (or BeginBlocking … EndBlocking) around
// calls that wait; a wrapped wait should also select on Interrupted. The
// Lock methods that take no Thread act for the holder, or for the thread
// bound to the calling goroutine (Bind, Adopt), so an unbound goroutine is
// taken for the holder. After Interrupt, every check point, Enter,
// BeginBlocking and EndBlocking panics with ErrInterrupted until
// ClearInterrupt, and for the threads that existed at Interrupt (but the
// holder that clears it) also afterwards; Enter past RecursionLimit panics
// with *RecursionError. Waiters queue first come, first served; acquiring,
// releasing and handing the lock on are O(1) in the number of waiters
// (except in deterministic mode), and a thread of Go starts its goroutine
// only once the lock is granted to it.
// docs/gil.md describes the algorithm, the monitor and the modes.
//
// Every method of Lock is safe for concurrent use. A Thread belongs to one
// goroutine at a time and its methods must not be called concurrently,
// except ID, Tag, Lock, Done, Holding and Unbind; it may move to another
// goroutine if the hand-off synchronises (then Bind or Adopt it there).
// A stopped Trace is immutable.
package gil
