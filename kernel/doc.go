// Package kernel serves the Jupyter messaging protocol (5.3) for one
// engine.Interpreter.
//
// It owns the protocol's bookkeeping so that an interpreter cannot get it
// wrong: the wire codec (HMAC signatures, replayed messages rejected, also
// after a restart with the same key, whose kernel loads the replay ring
// from the history directory; size limits), the five sockets (each IOPub
// subscriber with a bounded queue of its own), busy/idle around every
// shell and control request, execute_input, execution counts, error
// messages, stop_on_error, stream batching on IOPub, stdin, history and
// the introspection replies. debug_request is answered on control for an
// interpreter that is an engine.Debugger (kernel_info then says
// "debugger": true), its events published as debug_event.
// It never imports yaegi, package session or package worker: the
// interpreter is reached only through package engine, and ZeroMQ (zmq4)
// only in transport_zmq.go. New binds ZeroMQ sockets (tcp or ipc) from a
// ConnectionInfo (ReadConnectionFile); NewWithSockets serves any Socket,
// such as the in-memory pairs of NewMemPair. Run serves until a
// shutdown_request was answered or its ctx ends, then shuts the
// interpreter down, closes the sockets and returns nil. docs/kernel.md
// describes its goroutines, the choices it makes where the protocol is
// silent, IOPub batching, the replay check and the history file.
//
// New, NewWithSockets and Run must be called from one goroutine; Run may be
// called once. Interrupt, RestartRequested and Session are safe for
// concurrent use, also while Run runs. The kernel calls the interpreter's
// Execute, Complete, Inspect and IsComplete one at a time; the
// engine.Output it gives each Execute is safe for concurrent use and stays
// valid after the reply. TuneRuntime sets the process's Go runtime for a
// kernel: main calls it once, before Run.
package kernel
