// Package session is the Go session on yaegi v0.16.1: a Session runs
// notebook cells in one interpreter and implements engine.Interpreter
// in-process. Package worker serves it across the process boundary;
// package tiers assembles the one a worker runs.
//
// A cell mixes imports, declarations, statements and a trailing
// expression, whose value is shown with Output.Result. Output and input
// follow the writing goroutine's cell, also after Execute returned:
// os.Stdout and os.Stderr are *StdStream (not *os.File), os.Stdin is a
// *StdinReader whose reads fail unless ExecuteRequest.AllowStdin. A failed
// cell comes back in ExecuteResult.Error with positions cell[N]:LINE:COL;
// its ename is SyntaxError, CompileError, runtime.Error, error, panic,
// Exit, RecursionError, Interrupted, InterpreterError, UsageError or
// ShutDown, or the dynamic type of an error value (*fs.PathError).
//
// New takes Options (Passes, a hook.Scheduler, CellMagics, OnShutdown);
// Import adds cell packages (hook.Package) and Use raw yaegi symbol tables;
// both survive %reset. docs/session.md has the rules for cells, rewrites,
// redefinition, errors, magics and yaegi's known gaps.
//
// Execute, Complete, Inspect, Import and Use take one lock, so each waits
// for a running cell and code running in a cell must not call them.
// The Session is an engine.Debugger (docs/debugger.md): Debug never takes
// the execution lock, so it answers while a cell is stopped at a
// breakpoint.
//
// IsComplete, Interrupt, Shutdown, DebugEvents, Debug, Input, Stdout, Stderr and the hook.Host
// methods are safe for concurrent use; of these, Globals and Declarations
// read the session without its lock and are meant for code in a cell.
package session
