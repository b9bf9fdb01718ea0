package engine

import (
	"context"
	"encoding/json"
)

// Debugger is implemented by interpreters that serve the Jupyter debugger
// (JupyterLab's debugger panel): the Debug Adapter Protocol carried in
// debug_request, debug_reply and debug_event messages, with the
// protocol's additions (debugInfo, dumpCell, inspectVariables,
// richInspectVariables). The kernel advertises the debugger in
// kernel_info_reply ("debugger": true) when its interpreter implements
// Debugger, and answers debug_request on the control channel only.
//
// Requests and events are passed as raw JSON: the interpreter owns the
// DAP, the kernel only carries it (and worker.Client carries it across
// the process boundary without decoding it).
type Debugger interface {
	// DebugEvents sets where the interpreter sends the content of each
	// debug_event (a DAP event: {"type": "event", "event": ..., "body":
	// ...}), also while a cell runs or is stopped at a breakpoint. The
	// kernel calls it once, before serving; sink is safe for concurrent
	// use.
	DebugEvents(sink func(event json.RawMessage))

	// Debug answers one debug_request: request is its content (a DAP
	// request), the result is the debug_reply's content (a DAP response,
	// also for a failed request: "success": false with a "message"). An
	// error means the interpreter could not answer at all; the kernel
	// then replies with success false itself. Debug is called from the
	// control handler concurrently with Execute: it must not wait for a
	// running cell, since the cell may be stopped at a breakpoint until a
	// later debug_request continues it. Safe for concurrent use with
	// everything but itself.
	Debug(ctx context.Context, request json.RawMessage) (json.RawMessage, error)
}
