package kernel

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// commInterp is a fakeInterp with one comm target, "echo": a comm_msg
// is answered with a comm_msg carrying the same data and buffers, and a
// line on stdout.
type commInterp struct {
	*fakeInterp
	mu   sync.Mutex
	open map[string]string
	got  []engine.Comm
}

func (c *commInterp) HandleComm(_ context.Context, m engine.Comm, out engine.Output) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, m)
	switch m.Type {
	case engine.CommOpen:
		if m.Target != "echo" {
			return engine.ErrNoCommTarget
		}
		c.open[m.ID] = m.Target
	case engine.CommMsg:
		out.(engine.CommOutput).Comm(engine.Comm{Type: engine.CommMsg, ID: m.ID, Data: m.Data, Metadata: map[string]any{"version": "2.1.0"}, Buffers: m.Buffers})
		out.Stream("stdout", "echoed\n")
	case engine.CommClose:
		delete(c.open, m.ID)
	}
	return nil
}

func (c *commInterp) CommInfo(_ context.Context, target string) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := map[string]string{}
	for id, t := range c.open {
		if target == "" || t == target {
			res[id] = t
		}
	}
	return res, nil
}

// sendFull sends a shell message with metadata and buffers.
func (c *client) sendFull(msgType string, content, metadata any, buffers [][]byte) msgHeader {
	c.t.Helper()
	h := newHeader(msgType, c.session, time.Now())
	frames, err := encode(&outMsg{Identities: [][]byte{c.ident}, Header: h, Content: content, Metadata: metadata, Buffers: buffers}, c.sign)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.shell.Send(frames); err != nil {
		c.t.Fatal(err)
	}
	return h
}

// TestComms: comm_open, comm_msg and comm_close reach the interpreter with
// their data, metadata and buffers; what its handler publishes has the
// message as parent, buffers included; comm_info lists the open comms;
// a comm_open to an unknown target is closed.
func TestComms(t *testing.T) {
	ci := &commInterp{fakeInterp: newFake(), open: map[string]string{}}
	c := startKernel(t, ci, Options{})

	h := c.sendFull("comm_open", map[string]any{"comm_id": "c1", "target_name": "echo", "data": map[string]any{"a": 1.0}}, map[string]any{"version": "2.1.0"}, nil)
	if got := c.kinds(c.untilIdle(h.MsgID)); len(got) != 2 {
		t.Errorf("comm_open to a known target published %v, want only busy and idle", got)
	}
	h = c.sendFull("comm_msg", map[string]any{"comm_id": "c1", "data": map[string]any{"method": "update"}}, nil, [][]byte{[]byte("buf0"), {0, 1, 2}})
	msgs := c.untilIdle(h.MsgID)
	if got, want := c.kinds(msgs), []string{"status:busy", "comm_msg", "stream:stdout", "status:idle"}; !slices.Equal(got, want) {
		t.Fatalf("comm_msg published %v, want %v", got, want)
	}
	echo := msgs[1]
	if string(echo.Buffers[0]) != "buf0" || len(echo.Buffers) != 2 || echo.Buffers[1][2] != 2 {
		t.Errorf("echoed buffers %q", echo.Buffers)
	}
	var md map[string]any
	_ = json.Unmarshal(echo.Metadata, &md)
	if md["version"] != "2.1.0" || c.content(echo)["comm_id"] != "c1" || c.content(echo)["data"].(map[string]any)["method"] != "update" {
		t.Errorf("echo: metadata %v content %v", md, c.content(echo))
	}

	h = c.send(c.shell, "comm_info_request", map[string]any{"target_name": "echo"})
	r := c.recv(c.shell)
	c.untilIdle(h.MsgID)
	if comms := c.content(r)["comms"].(map[string]any); len(comms) != 1 || comms["c1"].(map[string]any)["target_name"] != "echo" {
		t.Errorf("comm_info_reply: %v", c.content(r))
	}

	h = c.send(c.shell, "comm_open", map[string]any{"comm_id": "c2", "target_name": "nosuch", "data": map[string]any{}})
	if got := c.kinds(c.untilIdle(h.MsgID)); !slices.Equal(got, []string{"status:busy", "comm_close", "status:idle"}) {
		t.Errorf("comm_open to an unknown target published %v, want a comm_close", got)
	}
	h = c.send(c.shell, "comm_close", map[string]any{"comm_id": "c1", "data": map[string]any{}})
	c.untilIdle(h.MsgID)
	ci.mu.Lock()
	defer ci.mu.Unlock()
	if len(ci.open) != 0 || len(ci.got) != 4 || ci.got[0].Metadata["version"] != "2.1.0" || len(ci.got[1].Buffers) != 2 || ci.got[0].Data["a"] != 1.0 {
		t.Errorf("the interpreter got %+v; open %v", ci.got, ci.open)
	}
}
