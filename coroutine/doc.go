// Package coroutine gives Go code Python-style generators and coroutines
// (PEP 342 and PEP 380), so that Fluent Python's chapter 16 runs cell for
// cell: the same states, values and errors. Cells import it as "coroutine"
// and its GetGeneratorState/GetCoroutineState as "inspect".
//
// # Model
//
// A Generator's body is a closure func(co *Co) any. It starts on the first
// Next or Send and runs to its first co.Yield(v); the caller gets v. Each
// later Send(x) makes that Yield return x and runs the body to the next
// Yield. When the body returns r, the caller gets a *StopIterationError with
// Value r (errors.Is(err, StopIteration)), and the generator is GEN_CLOSED.
// The body runs on its own goroutine (iter.Pull's coroutine switch), but only
// one side ever runs: Send blocks until the body yields, so the body runs
// inside its caller's turn and a GIL need not be released (see Hooks).
//
// # Raising, try/except/finally
//
// Raising is panicking: Throw(e) makes the pending Yield panic with e,
// Close makes it panic with GeneratorExit, and a body that panics (or
// co.Raise(err)s, or returns a non-nil error value) ends with that error,
// which reaches the caller of Next/Send/Throw as an error value, never as a
// panic. A runtime panic in the body, such as the failed type assertion of
// term.(float64) when "spam" is sent, comes back as the runtime error. A
// non-error panic value v comes back as *PanicError{Value: v}. So Go's own
// constructs play Python's:
//
//	try/finally   defer cleanup()
//	except E      co.Try(func() { ... co.Yield(x) ... }, func(err error) bool { return errors.Is(err, E) })
//	              or: defer func() { err := coroutine.Recovered(recover()); ... }()
//
// Recovered unwraps the interpreter's panic values (yaegi panics with a
// reflect.Value); use it rather than a bare type assertion on recover().
//
// # State machine (CPython 3.11), every row tested
//
//	Send(non-nil) on GEN_CREATED        ErrNonNoneToJustStarted, state unchanged
//	Next/Send on GEN_CREATED/SUSPENDED  runs to the next Yield, GEN_SUSPENDED
//	body returns r                      *StopIterationError{Value: r}, GEN_CLOSED
//	body panics / returns an error      that error, GEN_CLOSED
//	body raises StopIteration           ErrRaisedStopIteration (PEP 479), GEN_CLOSED
//	Next/Send on GEN_CLOSED             *StopIterationError{} (no value)
//	any call while the body runs        ErrAlreadyExecuting, stays GEN_RUNNING
//	Throw(e) on GEN_CREATED/GEN_CLOSED  e, GEN_CLOSED
//	Throw(e) on GEN_SUSPENDED           e raised at the Yield
//	Close on GEN_CREATED/GEN_CLOSED     nil, GEN_CLOSED
//	Close on GEN_SUSPENDED              GeneratorExit at the Yield; nil, or
//	                                    ErrIgnoredGeneratorExit if the body yields
//	                                    again, or the body's other error; GEN_CLOSED
//
// A body that ignored GeneratorExit is then unwound: every further Yield
// panics with an internal value until the body returns (a body that
// recovers that value and loops forever without returning hangs Close, as
// it would hang CPython).
//
// # Goroutines and leaks
//
// A body's goroutine exists from its first resume until it returns. Close
// ends it. A Generator dropped while suspended, without Close, is closed by
// a runtime.AddCleanup cleanup once the garbage collector finds the handle
// unreachable (GeneratorExit runs the body's defers then, on the runtime's
// cleanup goroutine, or wherever Hooks.Abandoned runs it). A body that
// refers to its own Generator keeps it reachable: close such generators.
// LiveBodies reports how many bodies are alive.
//
// # Concurrency
//
// Next, Send, Throw, Close, State and the inspect functions are safe for
// concurrent use: a second caller while the body runs gets
// ErrAlreadyExecuting rather than a race. Co's methods may be used only by
// the body, on its own goroutine, while it runs. Iterator is not safe for
// concurrent use. SetHooks is safe for concurrent use and affects
// generators created afterwards.
package coroutine
