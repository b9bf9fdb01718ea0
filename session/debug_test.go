package session

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// dapClient drives a session's debugger as JupyterLab does.
type dapClient struct {
	t      *testing.T
	s      *Session
	seq    int
	events chan map[string]any
}

func newDAPClient(t *testing.T, s *Session) *dapClient {
	c := &dapClient{t: t, s: s, events: make(chan map[string]any, 100)}
	s.DebugEvents(func(ev json.RawMessage) {
		var m map[string]any
		if err := json.Unmarshal(ev, &m); err != nil {
			t.Errorf("event %s: %v", ev, err)
		}
		c.events <- m
	})
	return c
}

// do sends a request and returns its body; it fails the test unless the
// response says success.
func (c *dapClient) do(command string, args any) map[string]any {
	c.t.Helper()
	body, err := c.try(command, args)
	if err != nil {
		c.t.Fatal(err)
	}
	return body
}

func (c *dapClient) try(command string, args any) (map[string]any, error) {
	c.seq++
	req, _ := json.Marshal(map[string]any{"type": "request", "seq": c.seq, "command": command, "arguments": args})
	raw, err := c.s.Debug(context.Background(), req)
	if err != nil {
		return nil, err
	}
	var resp map[string]any
	if err := json.Unmarshal(raw, &resp); err != nil {
		return nil, err
	}
	if resp["request_seq"] != float64(c.seq) || resp["command"] != command || resp["type"] != "response" {
		return nil, fmt.Errorf("%s: response %s does not answer request %d", command, raw, c.seq)
	}
	if resp["success"] != true {
		return nil, fmt.Errorf("%s: %v", command, resp["message"])
	}
	body, _ := resp["body"].(map[string]any)
	return body, nil
}

// waitEvent returns the next event named name.
func (c *dapClient) waitEvent(name string) map[string]any {
	c.t.Helper()
	deadline := time.After(hangGuard)
	for {
		select {
		case ev := <-c.events:
			if ev["event"] == name {
				body, _ := ev["body"].(map[string]any)
				return body
			}
		case <-deadline:
			c.t.Fatalf("no %s event", name)
		}
	}
}

// top returns the name, line and source path of the stopped goroutine's
// innermost frame.
func (c *dapClient) top() (name string, line int, path string) {
	c.t.Helper()
	st := c.do("stackTrace", map[string]any{"threadId": 1})
	frames := st["stackFrames"].([]any)
	if len(frames) == 0 {
		c.t.Fatal("stackTrace: no frames")
	}
	f := frames[0].(map[string]any)
	if src, ok := f["source"].(map[string]any); ok {
		path, _ = src["path"].(string)
	}
	return f["name"].(string), int(f["line"].(float64)), path
}

// locals returns the stopped frame's local variables as name → value.
func (c *dapClient) locals() map[string]string {
	c.t.Helper()
	sc := c.do("scopes", map[string]any{"frameId": 1})["scopes"].([]any)
	ref := sc[0].(map[string]any)["variablesReference"]
	vars := c.do("variables", map[string]any{"variablesReference": ref})["variables"].([]any)
	out := map[string]string{}
	for _, v := range vars {
		m := v.(map[string]any)
		out[m["name"].(string)] = m["value"].(string)
	}
	return out
}

const debugCell = `import "fmt"

func half(n int) int {
	x := n / 2
	y := x + 1
	return y
}
fmt.Println(half(40))`

// TestDebuggerBreakpointStepContinue drives the session's debugger
// through what JupyterLab does: a breakpoint in a cell's func stops
// there with its locals, next steps one line, continue finishes the
// cell, and a later cell calling the func stops again; the session stays
// usable after disconnect.
func TestDebuggerBreakpointStepContinue(t *testing.T) {
	s := newTestSession(t)
	c := newDAPClient(t, s)
	c.do("initialize", map[string]any{"clientID": "jupyterlab", "adapterID": "gilgo", "linesStartAt1": true})
	c.waitEvent("initialized")
	c.do("attach", map[string]any{})
	info := c.do("debugInfo", nil)
	if info["isStarted"] != true || info["hashMethod"] != "Murmur2" || info["tmpFileSuffix"] != ".go" {
		t.Fatalf("debugInfo: %v", info)
	}
	path := c.do("dumpCell", map[string]any{"code": debugCell})["sourcePath"].(string)
	if want := fmt.Sprintf("%s%d.go", info["tmpFilePrefix"], murmur2([]byte(debugCell), debugHashSeed)); path != want {
		t.Fatalf("dumpCell: sourcePath %s, want %s", path, want)
	}
	c.do("setBreakpoints", map[string]any{"source": map[string]any{"path": path}, "breakpoints": []any{map[string]any{"line": 4}}})
	c.do("configurationDone", nil)

	out := &recorder{}
	done := startCell(s, 1, debugCell, out)
	if ev := c.waitEvent("stopped"); ev["reason"] != "breakpoint" || ev["threadId"] != float64(1) {
		t.Fatalf("stopped: %v", ev)
	}
	if name, line, p := c.top(); name != "half" || line != 4 || p != path {
		t.Errorf("stopped at %s line %d in %s, want half line 4 in %s", name, line, p, path)
	}
	if got := c.locals(); got["n"] != "40" {
		t.Errorf("locals at the breakpoint: %v, want n 40", got)
	}
	threads := c.do("threads", nil)["threads"].([]any)
	if name := threads[0].(map[string]any)["name"].(string); !strings.Contains(name, "holds the GIL") {
		t.Errorf("thread 1: %q, want it marked as the GIL's holder", name)
	}
	if info := c.do("debugInfo", nil); len(info["stoppedThreads"].([]any)) != 1 {
		t.Errorf("debugInfo while stopped: stoppedThreads %v", info["stoppedThreads"])
	}
	if r := c.do("evaluate", map[string]any{"expression": "n", "frameId": 1, "context": "hover"}); r["result"] != "40" {
		t.Errorf("evaluate n: %v", r)
	}

	c.do("next", map[string]any{"threadId": 1})
	c.waitEvent("stopped")
	if _, line, _ := c.top(); line != 5 {
		t.Errorf("after next: line %d, want 5", line)
	}
	if got := c.locals(); got["x"] != "20" {
		t.Errorf("locals after next: %v, want x 20", got)
	}
	c.do("continue", map[string]any{"threadId": 1})
	if res := waitResult(t, "cell 1", done); res.Error != nil {
		t.Fatalf("cell 1: %v", res.Error)
	}
	if got := out.String(); got != "[stdout]\n21\n" {
		t.Errorf("cell 1 printed %q, want 21", got)
	}

	// A later cell calling half stops at the same breakpoint.
	done = startCell(s, 2, "half(10)", &recorder{})
	c.waitEvent("stopped")
	if name, line, p := c.top(); name != "half" || line != 4 || p != path {
		t.Errorf("cell 2 stopped at %s line %d in %s, want half line 4 in %s", name, line, p, path)
	}
	c.do("continue", map[string]any{"threadId": 1})
	if res := waitResult(t, "cell 2", done); res.Error != nil {
		t.Fatalf("cell 2: %v", res.Error)
	}

	// Without breakpoints, cells run as before; after disconnect too.
	c.do("setBreakpoints", map[string]any{"source": map[string]any{"path": path}, "breakpoints": []any{}})
	if got := runCell(s, 3, "half(6)", nil); !strings.Contains(got, "4") {
		t.Errorf("cell 3: %q", got)
	}
	c.do("disconnect", map[string]any{"restart": false, "terminateDebuggee": false})
	if got := runCell(s, 4, "half(8)", nil); !strings.Contains(got, "5") {
		t.Errorf("cell 4 after disconnect: %q", got)
	}
}

// BenchmarkDebuggerIdle: a trivial cell with the debugger started and no
// breakpoint, against the same cell in a session whose debugger was never
// used, measured in the same run (target: ratio ≤ 1.2). bp-ratio is the
// same cell while a breakpoint is set in another cell, so that cells run
// under yaegi's debugger.
func BenchmarkDebuggerIdle(b *testing.B) {
	const cell = "1 + 1"
	plain := newTestSession(b)
	started := newTestSession(b)
	withBP := newTestSession(b)
	for _, s := range []*Session{started, withBP} {
		for _, cmd := range []string{"initialize", "attach"} {
			req, _ := json.Marshal(map[string]any{"type": "request", "seq": 1, "command": cmd})
			if _, err := s.Debug(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	}
	req, _ := json.Marshal(map[string]any{"type": "request", "seq": 2, "command": "setBreakpoints", "arguments": map[string]any{
		"source": map[string]any{"path": "/elsewhere.go"}, "breakpoints": []any{map[string]any{"line": 1}}}})
	if _, err := withBP.Debug(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	n := 0
	run := func(s *Session) func() {
		return func() {
			n++
			if res := s.Execute(context.Background(), engine.ExecuteRequest{Code: cell, ExecutionCount: n}, captureOutput{}); res.Error != nil {
				b.Fatal(res.Error)
			}
		}
	}
	var tPlain, tStarted, tBP time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tPlain += timePer(1, run(plain))
		tStarted += timePer(1, run(started))
		tBP += timePer(1, run(withBP))
	}
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(b.N), "plain-ns/op")
	b.ReportMetric(float64(tStarted.Nanoseconds())/float64(b.N), "started-ns/op")
	b.ReportMetric(float64(tStarted)/float64(tPlain), "ratio")
	b.ReportMetric(float64(tBP)/float64(tPlain), "bp-ratio")
}
