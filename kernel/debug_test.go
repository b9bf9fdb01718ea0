package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

// fakeDebugger is a fakeInterp with an engine.Debugger whose cell stops
// "at a breakpoint" until a continue request arrives.
type fakeDebugger struct {
	*fakeInterp
	sink      func(json.RawMessage)
	stopped   chan struct{} // closed when the cell stopped
	continued chan struct{} // closed by the continue request
}

func newFakeDebugger() *fakeDebugger {
	d := &fakeDebugger{fakeInterp: newFake(), stopped: make(chan struct{}), continued: make(chan struct{})}
	d.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		d.sink(json.RawMessage(`{"type":"event","seq":1,"event":"stopped","body":{"reason":"breakpoint","threadId":1}}`))
		close(d.stopped)
		<-d.continued
		out.Stream("stdout", "finished\n")
		return engine.ExecuteResult{}
	}
	return d
}

func (d *fakeDebugger) DebugEvents(sink func(json.RawMessage)) { d.sink = sink }

func (d *fakeDebugger) Debug(_ context.Context, req json.RawMessage) (json.RawMessage, error) {
	var r dapRequest
	_ = json.Unmarshal(req, &r)
	switch r.Command {
	case "continue":
		close(d.continued)
	case "broken":
		return nil, errors.New("worker gone")
	}
	return json.Marshal(map[string]any{"type": "response", "request_seq": r.Seq, "command": r.Command, "success": true, "body": map[string]any{}})
}

func TestKernelInfoDebugger(t *testing.T) {
	for _, tc := range []struct {
		name   string
		interp engine.Interpreter
		want   bool
	}{
		{"without engine.Debugger", newFake(), false},
		{"with engine.Debugger", newFakeDebugger(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startKernel(t, tc.interp, Options{})
			c.send(c.shell, "kernel_info_request", nil)
			if got := c.content(c.recv(c.shell))["debugger"]; got != tc.want {
				t.Errorf("kernel_info_reply debugger: got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDebugRequestWhileStopped: a cell stopped at a breakpoint holds the
// shell; debug_requests on control are still answered, the stopped event
// reaches IOPub as a debug_event, and continue lets the cell finish.
func TestDebugRequestWhileStopped(t *testing.T) {
	d := newFakeDebugger()
	c := startKernel(t, d, Options{})
	hi := c.send(c.control, "debug_request", map[string]any{"type": "request", "seq": 1, "command": "debugInfo"})
	if r := c.recv(c.control); r.Header.MsgType != "debug_reply" || c.content(r)["success"] != true {
		t.Fatalf("debugInfo: got %s %s", r.Header.MsgType, r.Content)
	}
	c.untilIdle(hi.MsgID)
	he := c.send(c.shell, "execute_request", map[string]any{"code": "f()"})
	<-d.stopped
	// The stopped event, parented by the latest debug_request.
	for {
		m := c.recv(c.iopub)
		if m.Header.MsgType != "debug_event" {
			continue
		}
		if ev := c.content(m); ev["event"] != "stopped" || parentID(m) != hi.MsgID {
			t.Fatalf("debug_event: got %s (parent %s), want stopped (parent %s)", m.Content, parentID(m), hi.MsgID)
		}
		break
	}
	for i, tc := range []struct {
		command string
		success bool
	}{
		{"stackTrace", true},
		{"broken", false},
		{"continue", true},
	} {
		c.send(c.control, "debug_request", map[string]any{"type": "request", "seq": i + 2, "command": tc.command})
		r := c.recv(c.control)
		got := c.content(r)
		if r.Header.MsgType != "debug_reply" || got["success"] != tc.success || got["command"] != tc.command || got["request_seq"] != float64(i+2) {
			t.Errorf("%s: got %s %s, want debug_reply success %v", tc.command, r.Header.MsgType, r.Content, tc.success)
		}
	}
	if r := c.recv(c.shell); c.content(r)["status"] != "ok" {
		t.Errorf("execute_reply after continue: %s", r.Content)
	}
	kinds := c.kinds(c.untilIdle(he.MsgID))
	if kinds[len(kinds)-2] != "stream:stdout" {
		t.Errorf("cell's IOPub: got %v, want its output before idle", kinds)
	}
}

func TestDebugRequestWithoutDebugger(t *testing.T) {
	c := startKernel(t, newFake(), Options{})
	c.send(c.control, "debug_request", map[string]any{"type": "request", "seq": 7, "command": "initialize"})
	r := c.content(c.recv(c.control))
	if r["success"] != false || r["request_seq"] != float64(7) || r["command"] != "initialize" {
		t.Errorf("debug_reply: got %v, want success false for seq 7", r)
	}
}
