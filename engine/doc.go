// Package engine is the contract between the Jupyter kernel and an interpreter.
//
// The kernel (package kernel) speaks the Jupyter messaging protocol and owns all
// of its bookkeeping: execution counts, execute_input, busy/idle, error
// messages, history, stop_on_error. An interpreter only runs code and answers
// questions about it through the Interpreter interface below. Neither side
// imports the other: the kernel knows the Go session on yaegi (package
// session) only through this package, and the worker process boundary
// (package worker) implements Interpreter on the kernel's side by forwarding
// every call to a child process that serves a real Interpreter.
//
// Optional interfaces: Comms (comm messages) and Debugger (the Jupyter
// debugger, docs/debugger.md).
//
// A cell's stdout and stderr belong to the cell's program. What gilgo itself
// has to say about a cell goes out as display_data marked NoteMetadata:
// Note for a line, Progress for a slow step updated in place (its methods
// are safe for concurrent use).
//
// Positions (cursors, ranges) in this package are byte offsets into UTF-8
// code; the kernel converts from and to the protocol's Unicode code points.
//
// This package has no package-level mutable state and imports only the
// standard library.
package engine
