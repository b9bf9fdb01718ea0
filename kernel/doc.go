// Package kernel serves the Jupyter messaging protocol (5.3) for one
// engine.Interpreter.
//
// It owns the protocol's bookkeeping so that an interpreter cannot get it
// wrong: the wire codec (identities, <IDS|MSG>, HMAC signature checked in
// constant time, replayed digests rejected, bounded frame scan and sizes),
// the five sockets, busy/idle around every shell and control request,
// execute_input, execution counts, error messages, stop_on_error, stream
// batching, stdin, history and the introspection replies. It never imports
// yaegi, the runtime or the worker: the interpreter is reached only through
// package engine, and ZeroMQ (zmq4) only in transport_zmq.go.
//
// # Goroutines
//
// Run starts one goroutine per socket reader: heartbeat (echoes every frame,
// never waits on a cell), control (serves kernel_info, interrupt, shutdown,
// history, comm_info and, on a side goroutine, complete/inspect/is_complete
// so that control answers while a cell runs), shell (a reader feeding a
// queue, and a worker that serves requests one at a time in order), stdin
// (routes input_reply to the waiting Input). One publisher goroutine owns
// IOPub; everyone else hands it messages through an unbounded queue, so
// publishing never blocks a cell. Replies go out on the socket the request
// came in on.
//
// # Transports
//
// New binds ZeroMQ sockets (zmq4, pure Go) on tcp://IP:PORT or, for the ipc
// transport, ipc://IP-PORT as jupyter_client spells it. The kernel's
// connections coalesce zmq4's writes (one per frame header and one per
// frame body) into one write per ZMTP message. The listeners are
// guarded: zmq4 v0.17.0 performs each ZMTP handshake inside its accept loop
// with no deadline, so a peer that connects and says nothing would make a
// socket unreachable; the kernel's listeners pass on a connection only once
// its peer has sent the ZMTP signature, and bound the rest of the handshake
// to 5 s. NewWithSockets serves any Socket implementation, such as the
// in-memory pairs of NewMemPair that the tests use.
//
// # Choices where the protocol is silent
//
//   - Unknown request types are logged and get busy/idle but no reply, as in
//     ipykernel 6. Malformed or wrongly signed messages are logged and
//     dropped without busy/idle.
//   - stop_on_error: after a failed (non-silent) cell, the execute requests
//     queued on shell (and, with Options.StopOnErrorTimeout, ipykernel's
//     stop_on_error_timeout, those arriving within that window; none by
//     default) are answered status "aborted" with busy/idle; other requests
//     are served normally. Nothing is remembered past it.
//   - whitespace-only code is run (frontends query user_expressions that
//     way) but takes no execution count and is not stored.
//   - silent cells publish nothing but busy/idle (no execute_input, no
//     output, no error message) and do not bump the execution count;
//     store_history false does not bump it either. Such a cell's
//     execute_input/reply show the current count.
//   - Stream text is buffered per (request, stream name) and published after
//     50 ms (growing to 200 ms while output keeps coming), at 256 KiB, and
//     before every other message the kernel sends.
//   - History is a JSON-lines file (history.jsonl in Options.HistoryDir);
//     each kernel (New) is a new session numbered after the highest in the
//     file, reserved at once with a line-0 marker. Only this session's
//     inputs are kept in memory; history_request reads the file again.
//     The file stays open for appending while the kernel runs.
//     Unreadable lines are skipped.
//   - shutdown_request is answered on its socket and also published on
//     IOPub, as ipykernel does; Run then returns nil. Run also returns nil
//     when its ctx ends.
//
// # Concurrency
//
// New, NewWithSockets and Run must be called from one goroutine; Run may be
// called once. Interrupt, RestartRequested and Session are safe for
// concurrent use, also while Run runs. The engine.Output given to each
// Execute is safe for concurrent use and stays valid after the reply.
// Execute, Complete, Inspect and IsComplete are never called concurrently.
package kernel
