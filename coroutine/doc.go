// Package coroutine gives Go code Python-style generators and coroutines
// (PEP 342 and PEP 380) with CPython 3.11's states, values and errors.
// Cells import it as "coroutine" and its GetGeneratorState and
// GetCoroutineState as "inspect" (lib/coroutine, lib/inspect).
//
// A Generator's body is a func(co *Co) any. The first Next or Send runs it
// to its first co.Yield(v) and returns v; each later Send(x) makes that
// Yield return x and runs to the next Yield. When the body returns r, the
// caller gets a *StopIterationError with Value r (errors.Is(err,
// StopIteration)) and the generator is closed. Throw(e) and Close raise e
// and GeneratorExit at the pending Yield, as panics inside the body; what
// the body panics with or returns as an error reaches the caller of
// Next/Send/Throw as an error value, never as a panic (a non-error value v
// as *PanicError). Use Recovered, not a bare type assertion, on recover()
// in a body. The body runs on its own goroutine but only inside its
// caller's turn; Hooks (SetHooks) let a GIL follow control across. A
// suspended generator dropped without Close is closed once the collector
// finds it unreachable. docs/cell-packages.md has the state machine.
//
// Next, Send, Throw, Close, State and the inspect functions are safe for
// concurrent use: a second caller while the body runs gets
// ErrAlreadyExecuting. Co's methods may be used only by the body, on its
// own goroutine, while it runs. Iterator is not safe for concurrent use.
// SetHooks is safe for concurrent use and affects generators created
// afterwards.
package coroutine
