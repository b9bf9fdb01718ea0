package kernel

import (
	"context"
	"errors"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

func inputFake() *fakeInterp {
	fi := newFake()
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		out.Stream("stdout", "before\n")
		v, err := out.Input(ctx, "name? ", req.Code == "password")
		if err != nil {
			return engine.ExecuteResult{Error: &engine.Error{Name: "InputError", Value: err.Error()}}
		}
		out.Stream("stdout", "hello "+v+"\n")
		return engine.ExecuteResult{}
	}
	return fi
}

func TestInput(t *testing.T) {
	c := startKernel(t, inputFake(), Options{})
	h := c.send(c.shell, "execute_request", map[string]any{"code": "password", "allow_stdin": true})
	req := c.recv(c.stdin)
	ct := c.content(req)
	if req.Header.MsgType != "input_request" || ct["prompt"] != "name? " || ct["password"] != true || parentID(req) != h.MsgID || string(req.Identities[0]) != "client-1" {
		t.Fatalf("input_request: got %s %s parent %s", req.Header.MsgType, req.Content, parentID(req))
	}
	// A stale reply to some other request is ignored.
	stale, _ := encode(&outMsg{Identities: [][]byte{c.ident}, Header: newHeader("input_reply", c.session, nowForTest()),
		Parent: []byte(`{"msg_id":"other"}`), Content: map[string]any{"value": "stale"}}, c.sign)
	if err := c.stdin.Send(stale); err != nil {
		t.Fatal(err)
	}
	hdr := newHeader("input_reply", c.session, nowForTest())
	frames, _ := encode(&outMsg{Identities: [][]byte{c.ident}, Header: hdr, Parent: req.RawHeader, Content: map[string]any{"value": "gopher"}}, c.sign)
	if err := c.stdin.Send(frames); err != nil {
		t.Fatal(err)
	}
	if r := c.recv(c.shell); c.content(r)["status"] != "ok" {
		t.Fatalf("reply: got %s", r.Content)
	}
	var text string
	for _, m := range c.untilIdle(h.MsgID) {
		if m.Header.MsgType == "stream" {
			text += c.content(m)["text"].(string)
		}
	}
	if text != "before\nhello gopher\n" {
		t.Errorf("output: got %q", text)
	}
}

func TestInputNotAllowed(t *testing.T) {
	c := startKernel(t, inputFake(), Options{})
	r, _ := c.execute(map[string]any{"code": "x", "allow_stdin": false})
	if ct := c.content(r); ct["status"] != "error" || ct["evalue"] != errStdinNotAllowed.Error() {
		t.Errorf("reply: got %v", ct)
	}
}

func TestInputInterrupted(t *testing.T) {
	c := startKernel(t, inputFake(), Options{})
	h := c.send(c.shell, "execute_request", map[string]any{"code": "x"})
	c.recv(c.stdin) // the prompt is out: the cell waits
	c.send(c.control, "interrupt_request", nil)
	c.recv(c.control)
	r := c.recv(c.shell)
	if ct := c.content(r); parentID(r) != h.MsgID || ct["status"] != "error" || ct["evalue"] != "input: interrupted" {
		t.Errorf("reply: got %v", ct)
	}
}

func TestInputAfterShutdown(t *testing.T) {
	c := startKernel(t, newFake(), Options{})
	out := &cellOutput{k: c.k, req: &message{}, allowStdin: true}
	c.stop()
	if _, err := out.Input(context.Background(), "", false); err == nil || errors.Is(err, errStdinNotAllowed) {
		t.Errorf("input after shutdown: got %v", err)
	}
	out.Stream("stdout", "dropped") // publishing after shutdown is a no-op
	out.Result(nil, nil)
}
