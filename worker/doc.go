// Package worker is the process boundary between the Jupyter kernel and the
// interpreter: a fatal Go error in a cell (a stack overflow from runaway
// recursion, "concurrent map writes", running out of memory, an unrecovered
// panic in a goroutine) costs the session, never the kernel.
//
// # Two sides
//
// On the kernel's side, Start runs a child process (Options.Command, the same
// binary as `gilgo worker`), waits until it is ready and returns a *Client,
// which implements engine.Interpreter by forwarding each call to the child.
// StartAsync returns the Client at once and brings the child up in the
// background (what `gilgo kernel` uses, so that kernel_info is answered
// within milliseconds): Execute, Complete, Inspect and IsComplete wait for
// that first child or their ctx; if it cannot be started (3 attempts),
// Execute fails with a "WorkerUnavailable" error and the next one tries
// again, while introspection answers empty. In the child,
// ServeProcess (or Serve with explicit pipes) serves a real
// engine.Interpreter until the kernel closes the request pipe or asks it to
// shut down; the caller then exits.
//
// # Processes and pipes
//
// The child gets four pipes and /dev/null:
//
//	fd 0  /dev/null: cells read stdin through engine.Output.Input
//	fd 1  raw stdout: read by the Client, forwarded as "stdout" Stream output
//	fd 2  raw stderr: read by the Client, forwarded as "stderr" Stream output,
//	      except the runtime's fatal dump (below)
//	fd 3  requests, kernel → child (RequestFD)
//	fd 4  events, child → kernel (EventFD)
//
// Raw bytes on fd 1 and fd 2 (compiled code writing to os.Stdout, the
// runtime's own messages) never reach the kernel's terminal. They go to the
// latest cell (the running one, or the most recent if none runs), and since
// they travel on their own pipes, they may arrive after that cell's reply.
//
// The child runs in its own process group (Setpgid), so a SIGINT that
// Jupyter's signal_kernel sends to the kernel's group does not reach it;
// ServeProcess also ignores SIGINT, for a child started some other way.
// Interrupts travel as messages. Pdeathsig = SIGKILL makes the kernel's
// death kill the child (Linux delivers it when the thread that started the
// child exits; the Go runtime does not end threads of ordinary goroutines);
// the child also exits when its request pipe reaches EOF. ServeProcess marks
// fds 3 and 4 close-on-exec so that processes a cell starts do not inherit
// them. When a child dies, its whole process group is killed.
//
// # Wire format
//
// Both message pipes carry frames: a 4-byte big-endian length, then that
// many bytes of JSON, at most 64 MiB. One envelope type serves every
// message; its "k" field names the kind:
//
//	kernel → child: execute {id, cell, exec}, complete {id, code, cursor},
//	  inspect {id, code, cursor, detail}, is_complete {id, code},
//	  interrupt {}, input_reply {id, text | err}, shutdown {id, restart}
//	child → kernel: ready {pid}, stream {cell, name, text},
//	  result {cell, data, metadata}, display {cell, data, metadata,
//	  display_id, update}, clear_output {cell, wait},
//	  input {id, cell, text (the prompt), password}, input_cancel {id},
//	  done {id, cell, result}, reply {id, completion | inspection |
//	  completeness | err}
//
// The child sends ready first. Every Execute gets a fresh cell id, and every
// output event carries it: the Client maps cell ids to the engine.Output
// given to Execute, so output from goroutines after the reply still reaches
// the cell that started them. The map keeps the last 1000 cells; output for
// older ones goes to the latest cell. A frame whose JSON is malformed is
// logged and skipped; a bad length ends the connection. JSON numbers in
// MIME bundles and user expressions arrive as float64.
//
// # Crashes and restarts
//
// When the child dies unexpectedly, every pending call ends. A pending
// Execute returns an engine.ErrInterpreterCrashed error whose Value is the
// runtime's message taken from the child's stderr ("fatal error: stack
// overflow", "fatal error: concurrent map writes", "panic: ...", else
// "worker process exited: exit status N") and whose Traceback explains that
// a fresh session was started and shows the first lines of the dump. A
// crash while no Execute is pending (a goroutine of an earlier cell) is
// written as "stderr" Stream output to the latest cell. Either way a fresh
// child is already starting before the caller learns of the crash; Execute
// waits for it, while Complete, Inspect and IsComplete answer empty
// ("unknown" for IsComplete) until it is ready. A restart tries at most 3
// times and then fails with an error; the next Execute tries again.
//
// A cell whose result has Restart set (engine.ExecuteResult.Restart:
// %reset while compiled plugins are loaded, which only a new process
// frees) is not a crash: once its done event arrives, Execute replaces the
// child as Restart does and returns the result after the fresh child is
// ready (Stats: a restart, no crash). If no fresh child can be started,
// the cell's stderr says so and the next Execute tries again.
//
// To keep the fatal dump out of the cell's stderr, the Client holds back
// stderr from the first line that starts like one ("fatal error: ",
// "panic: ", "runtime: ", "SIGSEGV", ...). If the child is still alive 2 s
// later, the held bytes were ordinary output and are forwarded late.
//
// # Debugging memory
//
// With GILGO_HEAP_PROFILE=DIR in the environment (HeapProfileEnv), a worker
// process (and `gilgo kernel`, whose environment the worker inherits)
// writes DIR/worker-PID-N.heap after a GC each time it gets SIGUSR1; compare
// two with `go tool pprof -base`. Unset, no signal handler is installed.
//
// # Concurrency
//
// Execute, Complete, Inspect and IsComplete may be called from one goroutine
// at a time, as engine.Interpreter says (the Client tolerates more, but the
// child runs what it is sent concurrently). Interrupt, Shutdown, Restart and
// Stats are safe for concurrent use with everything. Output methods are
// called from the Client's event reader (one goroutine per child) and from
// its raw stdout and stderr readers; Output.Input runs on a goroutine of its
// own so that the reader never waits for the user. Shutdown returns only
// when the child is gone and every goroutine of the Client has ended.
//
// # Stream batching
//
// In the child, a cell's Output.Stream text is not sent one event per
// write: it is coalesced per cell and stream name and sent 5 ms after the
// first buffered write, once 64 KiB are buffered, or before any other event
// the child sends (result, display, clear_output, input, done, reply), so a
// cell's output keeps its order relative to everything but the other
// stream (stdout and stderr buffered together go out in the order of their
// first write). The kernel's IOPub batches with the same code
// (internal/streambatch); here the delay is fixed and the limit counts all
// buffered text. A 100,000-line print is about ten events instead of
// 100,000. Done events carry the time the interpreter took, which the
// Client logs at debug level with the round trip ("worker: cell done").
//
// In the child, Serve reads requests on one goroutine and runs each execute
// and introspection request on a goroutine of its own; interrupt and
// input_reply are handled at once by the reader. Event writes are
// serialised. A panic in the interpreter is recovered and answered as an
// error ("InterpreterPanic" for Execute).
package worker
