package kernel

import (
	"context"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

// TestKernelInfoWhileInterpreterStarts: kernel_info (shell and control) and
// the starting status never wait for the interpreter, which may still be
// coming up (worker.StartAsync); the first cell waits for it.
func TestKernelInfoWhileInterpreterStarts(t *testing.T) {
	fi := newFake()
	ready := make(chan struct{})
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		select {
		case <-ready:
		case <-ctx.Done():
			return engine.ExecuteResult{Error: &engine.Error{Name: "WorkerUnavailable", Value: ctx.Err().Error()}}
		}
		out.Stream("stdout", "up\n")
		return engine.ExecuteResult{}
	}
	c := startKernel(t, fi, Options{}) // has seen status starting
	for _, sock := range []Socket{c.shell, c.control} {
		h := c.send(sock, "kernel_info_request", map[string]any{})
		r := c.recv(sock)
		if r.Header.MsgType != "kernel_info_reply" || c.content(r)["status"] != "ok" {
			t.Fatalf("kernel_info while starting: got %s %s", r.Header.MsgType, r.Content)
		}
		c.untilIdle(h.MsgID)
	}
	h := c.send(c.shell, "execute_request", map[string]any{"code": "x"})
	close(ready)
	r := c.recv(c.shell)
	if got := c.content(r)["status"]; got != "ok" {
		t.Errorf("first cell: got status %v, want ok", got)
	}
	got := c.kinds(c.untilIdle(h.MsgID))
	want := []string{"status:busy", "execute_input", "stream:stdout", "status:idle"}
	if len(got) != len(want) {
		t.Fatalf("first cell iopub: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("first cell iopub: got %v, want %v", got, want)
			break
		}
	}
}
