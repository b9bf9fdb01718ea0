package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gilgo/gilgo/engine"
)

// The Jupyter debugger across the process boundary: a debug request
// (kernel → child: ID, Debug) carries a DAP request to the child's
// engine.Debugger and its reply (ID, Debug, Err) the DAP response; a
// debug_event (child → kernel: Debug) carries a DAP event. The payloads
// stay raw JSON: the worker does not decode them.
const (
	kindDebug      = "debug"       // ID, Debug: a DAP request
	kindDebugEvent = "debug_event" // Debug: a DAP event
)

var _ engine.Debugger = (*Client)(nil)

// errNoDebugger is the child's answer when its interpreter has no
// engine.Debugger.
var errNoDebugger = errors.New("the worker's interpreter has no debugger")

// DebugEvents implements engine.Debugger: the child's debug events go to
// sink, from every child the Client starts. Safe for concurrent use.
func (c *Client) DebugEvents(sink func(event json.RawMessage)) {
	c.debugSink.Store(&sink)
}

// Debug implements engine.Debugger by forwarding the request to the
// child. It does not wait for a running cell: the child answers it on a
// goroutine of its own. While no child runs (a restart), it fails.
func (c *Client) Debug(ctx context.Context, request json.RawMessage) (json.RawMessage, error) {
	r, err := c.call(ctx, &msg{Kind: kindDebug, Debug: request})
	if err != nil {
		return nil, fmt.Errorf("debug: %w", err)
	}
	return r.Debug, nil
}

// debugEvent hands an event from the child to the sink, if any.
func (c *Client) debugEvent(m *msg) {
	if p := c.debugSink.Load(); p != nil && len(m.Debug) > 0 {
		(*p)(m.Debug)
	}
}

// attachDebugger sends the interpreter's debug events to the kernel, when
// it has a debugger.
func (s *server) attachDebugger() {
	if d, ok := s.interp.(engine.Debugger); ok {
		d.DebugEvents(func(ev json.RawMessage) {
			_ = s.send(&msg{Kind: kindDebugEvent, Debug: ev})
		})
	}
}

// debug answers a debug request on the request's own goroutine: a cell
// stopped at a breakpoint waits for a later request to continue it.
func (s *server) debug(ctx context.Context, m *msg) {
	reply := &msg{Kind: kindReply, ID: m.ID}
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("interpreter panicked in debug: %v", r)
			}
		}()
		d, ok := s.interp.(engine.Debugger)
		if !ok {
			err = errNoDebugger
			return
		}
		reply.Debug, err = d.Debug(ctx, m.Debug)
	}()
	if err != nil {
		reply.Err = err.Error()
	}
	_ = s.send(reply)
}
