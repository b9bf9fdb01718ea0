package kernel

import (
	"context"
	"encoding/json"

	"github.com/gilgo/gilgo/engine"
)

// The Jupyter debugger: debug_request on control, debug_reply, debug_event
// on IOPub, for an interpreter that implements engine.Debugger. The kernel
// carries the DAP messages and never looks inside them beyond a
// request's seq and command (for the reply it writes itself when the
// interpreter cannot answer).

// debugger returns the interpreter's engine.Debugger, or nil.
func (k *Kernel) debugger() engine.Debugger {
	d, _ := k.interp.(engine.Debugger)
	return d
}

// attachDebugger points the interpreter's debug events at IOPub. Each
// debug_event's parent is the latest debug_request, as ipykernel does.
func (k *Kernel) attachDebugger() {
	d := k.debugger()
	if d == nil {
		return
	}
	d.DebugEvents(func(event json.RawMessage) {
		var parent json.RawMessage
		if p := k.debugParent.Load(); p != nil {
			parent = *p
		}
		k.pub.publish(parent, "debug_event", event)
	})
}

// dapRequest is what the kernel reads of a DAP request.
type dapRequest struct {
	Seq     int    `json:"seq"`
	Command string `json:"command"`
}

// handleDebug answers a debug_request. It runs on control's goroutine:
// engine.Debugger.Debug never waits for a running cell, so control stays
// responsive while a cell is stopped at a breakpoint.
func (k *Kernel) handleDebug(sock Socket, m *message) {
	var req dapRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.log.Warn("bad debug_request", "err", err)
		k.reply(sock, m, "debug_reply", dapFailure(req, "bad debug_request: "+err.Error()), nil)
		return
	}
	d := k.debugger()
	if d == nil {
		k.reply(sock, m, "debug_reply", dapFailure(req, "the interpreter has no debugger"), nil)
		return
	}
	parent := append(json.RawMessage(nil), m.RawHeader...)
	k.debugParent.Store(&parent)
	resp, err := d.Debug(context.Background(), m.Content)
	if err != nil {
		k.log.Warn("debug_request failed", "command", req.Command, "err", err)
		k.reply(sock, m, "debug_reply", dapFailure(req, err.Error()), nil)
		return
	}
	k.reply(sock, m, "debug_reply", resp, nil)
}

// dapFailure is the DAP response of a request that failed.
func dapFailure(req dapRequest, msg string) map[string]any {
	return map[string]any{
		"type": "response", "seq": 0, "request_seq": req.Seq, "command": req.Command,
		"success": false, "message": msg, "body": map[string]any{},
	}
}
