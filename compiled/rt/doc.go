// Package rt is the part of the compiled tier that both the worker and
// every compiled cell plugin link: it holds the process's current GIL, so
// that code in a plugin and interpreted code reach the SAME gil.Lock
// instance. Package gil and this package must therefore be compiled from
// byte-identical source on both sides (see package compiled).
//
// Generated cell code calls:
//
//   - C at function entry and at the top of every loop body: one atomic
//     pointer load and one atomic load of this package's mirror of the
//     lock's eval breaker on the fast path. It panics with
//     gil.ErrInterrupted after gil.Lock.Interrupt, and with a
//     *gil.RecursionError when a sample (RequestSample) finds a runaway
//     recursion (MaxDepth, StackBudget).
//   - Sleep instead of time.Sleep: the lock is released while sleeping and
//     an interrupt wakes it.
//   - Go instead of a go statement: the goroutine becomes a gil thread.
//   - Recv, RecvOK and Send instead of channel operations outside select,
//     Chan for range over a channel, SelectBegin and SelectEnd around a
//     select, Block and Acquire for sync waits: the lock is released while
//     they wait.
//   - Print, Println, Printf, Stdout and Stderr instead of fmt's prints and
//     os.Stdout/os.Stderr passed to a call: the session's streams
//     (SetOutput), so compiled output reaches the cell in order.
//
// The shims of cell packages (package compiled, cellpkg.go) call Sym when
// their plugin opens: it returns the worker's own symbol, which the
// compiler registers with SetPackages before opening the plugin.
//
// Without a lock (SetLock(nil), the default) C does nothing, Sleep is
// time.Sleep and Go is a go statement.
//
// # Concurrency
//
// Every function is safe for concurrent use. SetLock is meant to be called
// once by the session that owns the lock (tests call it and restore);
// SetPackages by the compiler around plugin.Open.
// This package must stay small and stable: every edit to it (or to gil)
// invalidates plugins built before it.
package rt
