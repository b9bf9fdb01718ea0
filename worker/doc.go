// Package worker is the process boundary between the Jupyter kernel and the
// interpreter: a fatal Go error in a cell (a stack overflow, "concurrent map
// writes", running out of memory, an unrecovered panic in a goroutine)
// costs the session, never the kernel.
//
// In the kernel, Start runs a child process (Options.Command, normally
// `gilgo worker`) and returns a *Client once it is ready; StartAsync returns
// at once and brings the child up in the background. The Client implements
// engine.Interpreter by forwarding each call to the child, and keeps routing
// a cell's output to the engine.Output given to its Execute after the reply.
// When the child dies, the pending Execute returns an
// engine.ErrInterpreterCrashed error (its Value is the runtime's fatal
// message) and a fresh child is started; if none can be started (3
// attempts), Execute fails with WorkerUnavailable and the next one tries
// again, while introspection answers empty. Bytes on the event pipe that are
// not frames (compiled code writing to fd 4) are handled as a crash: the
// child is killed, the pending Execute gets an InterpreterCrashed error
// saying the pipe is out of sync, and a fresh child starts. A result with
// Restart set is honoured by replacing the child before Execute returns. A
// request whose encoding is over the pipe's 64 MiB frame limit is not sent:
// Execute answers engine.ErrInputTooLarge, introspection fails with that
// *engine.Error, and the child keeps its session. In the child, ServeProcess
// (or Serve with explicit pipes) serves an engine.Interpreter until the
// request pipe closes, a shutdown arrives or the kernel dies (SIGTERM); the
// processes the cells started, Setsid or double-forked ones included, are
// killed when a worker ends, by the worker or, after a crash, by the Client
// (see TreeEnv); a panic in the interpreter is answered as engine.Recovered
// for Execute. Once idle for a second after requests that allocated 32 MiB
// or more, the child returns its free heap to the system. The child logs to LogFD (LogWriter), never to its stderr,
// which is the cells'. The Client is an engine.Debugger: debug requests and
// events cross the pipes as raw JSON, each request answered on its own
// goroutine in the child (docs/debugger.md). docs/worker.md has the pipes,
// the wire format and the crash handling.
//
// Execute, Complete, Inspect and IsComplete are called from one goroutine
// at a time, as engine.Interpreter says. Interrupt, Shutdown, Restart,
// Stats, DebugEvents and Debug are safe for concurrent use with everything;
// Shutdown returns once the child is gone and every goroutine of the Client
// has ended.
package worker
