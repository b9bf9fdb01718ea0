// Package rt is the part of the compiled tier that both the worker and
// every compiled cell plugin link: it holds the process's current GIL
// (SetLock), output streams (SetOutput) and cell packages (SetPackages),
// so that a plugin and interpreted code reach the same instances. Package
// gil and this package must therefore be compiled from byte-identical
// source on both sides; every edit to either invalidates plugins built
// before it, so keep this package small and stable.
//
// Generated cell code calls C at function entry and loop bodies (it panics
// with gil.ErrInterrupted after an interrupt, and with *gil.RecursionError
// when a sample requested by RequestSample finds a runaway recursion: see
// MaxDepth and StackBudget); Sleep, Go, Recv, RecvOK, Send, Chan,
// SelectBegin/SelectEnd, Block and Acquire instead of the waits and go
// statements they name, releasing the lock while they wait; Print,
// Println, Printf, Stdout and Stderr for the cell's streams; Exit, which
// panics, for os.Exit. The shims of cell packages call Sym when their
// plugin opens. Without a lock (the default) C does nothing, Sleep is
// time.Sleep and Go is a go statement. docs/compiled.md has the details.
//
// Every function is safe for concurrent use. SetLock and SetOutput are
// meant to be called once by the session that owns the lock (tests call
// them and restore); SetPackages by the compiler around plugin.Open.
package rt
