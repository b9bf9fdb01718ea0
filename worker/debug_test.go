package worker

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// The fake worker's debugger: every request is answered with its command
// echoed; "event" first sends an event named by its arguments.
func (f *fakeInterp) DebugEvents(sink func(json.RawMessage)) {
	f.mu.Lock()
	f.debugSink = sink
	f.mu.Unlock()
}

func (f *fakeInterp) Debug(_ context.Context, req json.RawMessage) (json.RawMessage, error) {
	var r struct {
		Seq       int            `json:"seq"`
		Command   string         `json:"command"`
		Arguments map[string]any `json:"arguments"`
	}
	if err := json.Unmarshal(req, &r); err != nil {
		return nil, err
	}
	if r.Command == "event" {
		f.mu.Lock()
		sink := f.debugSink
		f.mu.Unlock()
		ev, _ := json.Marshal(map[string]any{"type": "event", "event": r.Arguments["name"], "body": map[string]any{}})
		sink(ev)
	}
	return json.Marshal(map[string]any{"type": "response", "request_seq": r.Seq, "command": r.Command, "success": true})
}

// TestDebugAcrossTheBoundary: debug requests reach the child's
// engine.Debugger and come back while a cell blocks the child's
// interpreter, and the child's debug events reach the Client's sink
// before the reply of the request that caused them.
func TestDebugAcrossTheBoundary(t *testing.T) {
	c := startClient(t, testOptions(t))
	events := make(chan string, 10)
	c.DebugEvents(func(ev json.RawMessage) { events <- string(ev) })
	ctx := context.Background()
	out := newRecorder()
	done := make(chan engine.ExecuteResult, 1)
	go func() { done <- c.Execute(ctx, engine.ExecuteRequest{Code: "block"}, out) }()
	waitUntil(t, func() bool { return out.stream("stdout") == "blocking\n" })
	for i, tc := range []struct {
		req, wantReply, wantEvent string
	}{
		{`{"seq":1,"type":"request","command":"threads"}`, `"command":"threads"`, ""},
		{`{"seq":2,"type":"request","command":"event","arguments":{"name":"stopped"}}`, `"command":"event"`, `"event":"stopped"`},
	} {
		r, err := c.Debug(ctx, json.RawMessage(tc.req))
		if err != nil || !strings.Contains(string(r), tc.wantReply) {
			t.Errorf("request %d: got %s, %v; want a reply with %s", i, r, err, tc.wantReply)
		}
		if tc.wantEvent == "" {
			continue
		}
		select {
		case ev := <-events:
			if !strings.Contains(ev, tc.wantEvent) {
				t.Errorf("event: got %s, want %s", ev, tc.wantEvent)
			}
		default:
			t.Errorf("request %d: no event before its reply", i)
		}
	}
	c.Interrupt()
	if res := <-done; res.Error == nil || res.Error.Name != engine.ErrInterrupted {
		t.Errorf("blocked cell: got %+v, want interrupted", res.Error)
	}
}

// waitUntil polls cond; the deadline only turns a hang into a failure.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}
