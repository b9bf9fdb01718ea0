// Package gilrt puts the goroutines of a runtime.Session under the global
// interpreter lock of package gil. It implements runtime.Scheduler:
//
//	sched := gilrt.New(gilrt.Options{})
//	s, err := runtime.New(runtime.Options{Scheduler: sched})
//
// # What it adds to the session
//
//   - Each cell takes the lock for its duration (BeginCell); each go
//     statement becomes a gil thread (Lock.Go) that waits for the lock,
//     runs, and releases it at its end, also on panic (the session reports
//     the panic to the cell's stderr).
//   - Rewrite passes: a check point at every function entry, at the top
//     of every loop body and after calls through selectors:
//     `if __gilF { __gil.C() }`, one plain load of an interpreted bool
//     global that the lock keeps equal to its eval breaker
//     (gil.Lock.MirrorBreaker, see breaker.go; a compiled call under
//     -race and in top-level var initializers). The call depth is
//     sampled on the slow path: a ticker sets a sample bit in that word
//     every millisecond while a cell or its goroutines live (recursion.go).
//     Channel sends and receives that are statements, select statements
//     and range over known channels release the lock while they wait
//     (__gil.B()/__gil.U(t) around them; a select's case bodies start with
//     U, so they run with the lock held).
//   - Overridden symbols: sync.Mutex, RWMutex, WaitGroup (also Go), Once,
//     Cond/NewCond are wrappers that release the lock while they wait;
//     time.Sleep and stdin reads release it through the session's
//     Scheduler.Blocking; io.ReadAll, ReadFull, ReadAtLeast, Copy and CopyN
//     release it when every reader/writer is an OS object (syscall.Conn);
//     time.AfterFunc callbacks run as goroutines of the cell, under the
//     lock. Anything else that parks (f.Read, network I/O, channel
//     operations inside expressions) is covered by the lock's monitor,
//     which hands the lock on after gil.Options.MonitorDelay — but only
//     from a parked holder: Busy (a scan of all goroutines' stacks) keeps
//     it off a holder that compiles or computes. A check point follows
//     every statement that calls through a selector or receives inside an
//     expression, and the passes re-take the lock before each unit of a
//     cell compiles, which bounds how long a displaced holder runs on.
//   - Generators (package coroutine): hooks move the caller's gil.Thread
//     to the body's goroutine and back, so a body runs in its caller's
//     turn without a release; abandoned generators close under the lock.
//     Neither a hop nor a blocking wrapper looks the goroutine up (1-90 µs
//     on yaegi's stacks): the thread is the lock's holder (gil.Lock.Current)
//     and is adopted lazily (gil.Thread.Adopt); while the GIL is off they
//     skip the thread bookkeeping (Scheduler.free). Measured with
//     BenchmarkGeneratorSend: 1.1-2.1 µs per Send (was 73 µs), a channel
//     round trip between two goroutines 4-6 µs (was 88 µs).
//   - Cell packages "gil" (Enabled, Enable, Disable, SetSwitchInterval,
//     SwitchInterval, Stats, ResetStats, Trace, Record, SetDeterministic,
//     SetWallClock, Deterministic, SetRecursionLimit, RecursionLimit) and
//     "sys" (SetSwitchInterval(seconds float64) error, GetSwitchInterval,
//     SetRecursionLimit, GetRecursionLimit: Python's names and units), and
//     the cell magic %%gil trace.
//   - Interrupt sets the lock's interrupt: every check point panics with
//     gil.ErrInterrupted, goroutines end, the lock is free; the next cell
//     clears it.
//   - Recursion: past the lock's RecursionLimit (counted in interpreted
//     frames, sampled) a check point panics with *gil.RecursionError,
//     which cells can recover; the session reports it as RecursionError.
//     Sampling is time-driven, so a runaway recursion is caught where the
//     first tick finds it (measured 1,700-5,400 frames with limit 1000:
//     yaegi recurses ~1 frame/µs and ticks come every 1-10 ms here), then
//     within 64 calls of the limit once a tick found it deeper than a
//     quarter of it. A deferred call that handles the error gets 50
//     frames of headroom (10x the limit while a panic unwinds: yaegi
//     re-panics in every frame and keeps them all on the stack).
//
// # Limits
//
// The inline check point reads gil.Lock.Breaker. A cell's code runs on
// goroutines yaegi starts; they are bound to the cell's thread on their
// first slow-path lookup. Compiled code that calls interpreted callbacks
// on goroutines of its own (net/http handlers, sort with goroutines) runs
// them without the lock; time.AfterFunc is covered. A monitor hand-off has
// no happens-before edge the race detector sees from what the parked
// holder wrote before it parked, so cells that rely on the monitor are
// kept out of -race runs (testdata/gil/*_monitor.txtar). fib(27) with
// check points costs 1.03-1.12x its rewrite without them (CPU time
// 1.02-1.11x; BenchmarkFib27Ratio, 3 runs); the compiled-call form,
// __gil.C at every check point (used under -race), 1.18-1.38x. A stale
// plain load of __gilF delays a drop
// request or an interrupt by one check point at most. Function literals
// in top-level var initializers (`f := func() {...}` in a cell) call
// __gil.C: yaegi cannot order a var initializer that reads a global of
// an earlier compile.
//
// # Concurrency
//
// A Scheduler is safe for concurrent use; the session calls BeginCell
// from one goroutine at a time. The sync wrappers are as safe as the
// standard types. Close may be called once, when the session is done.
package gilrt
