package worker

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

// commRecorder is a recorder that also keeps the comm messages it gets.
type commRecorder struct {
	*recorder
	mu    sync.Mutex
	comms []engine.Comm
}

func (r *commRecorder) Comm(c engine.Comm) {
	r.mu.Lock()
	r.comms = append(r.comms, c)
	r.mu.Unlock()
}

// TestComms: comm messages cross the process boundary both ways, with
// their buffers; comm_info and an unknown target's error come back.
func TestComms(t *testing.T) {
	c := startClient(t, testOptions(t))
	ctx := context.Background()
	if err := c.HandleComm(ctx, engine.Comm{Type: engine.CommOpen, ID: "c1", Target: "echo"}, newRecorder()); err != nil {
		t.Fatal(err)
	}
	if err := c.HandleComm(ctx, engine.Comm{Type: engine.CommOpen, ID: "c2", Target: "nosuch"}, newRecorder()); !errors.Is(err, engine.ErrNoCommTarget) {
		t.Errorf("comm_open to an unknown target: %v, want ErrNoCommTarget", err)
	}
	out := &commRecorder{recorder: newRecorder()}
	if err := c.HandleComm(ctx, engine.Comm{Type: engine.CommMsg, ID: "c1", Data: map[string]any{"method": "update"}, Buffers: [][]byte{{1, 2, 3}}}, out); err != nil {
		t.Fatal(err)
	}
	// The comm event and the stream precede the reply on the one pipe.
	if got := out.stream("stdout"); got != "comm c1\n" {
		t.Errorf("stdout %q", got)
	}
	out.mu.Lock()
	if len(out.comms) != 1 || out.comms[0].Data["method"] != "update" || len(out.comms[0].Buffers) != 1 || out.comms[0].Buffers[0][2] != 3 {
		t.Errorf("comms sent back: %+v", out.comms)
	}
	out.mu.Unlock()
	info, err := c.CommInfo(ctx, "echo")
	if err != nil || len(info) != 1 || info["c1"] != "echo" {
		t.Errorf("CommInfo: %v %v", info, err)
	}
}

// TestCommOutOnlyWhereTheKernelHasIt: a request whose Output carries no
// comms (gilgo run's) gets a child Output that does not claim to, so the
// session keeps widgets kernel-side instead of sending into the void.
func TestCommOutOnlyWhereTheKernelHasIt(t *testing.T) {
	c := startClient(t, testOptions(t))
	ctx := context.Background()
	for _, tc := range []struct {
		out  engine.Output
		want string
	}{{&commRecorder{recorder: newRecorder()}, "comms\n"}, {newRecorder(), "no comms\n"}} {
		res := c.Execute(ctx, engine.ExecuteRequest{Code: "commout"}, tc.out)
		if res.Error != nil {
			t.Fatal(res.Error)
		}
		var got string
		switch o := tc.out.(type) {
		case *commRecorder:
			got = o.stream("stdout")
		case *recorder:
			got = o.stream("stdout")
		}
		if got != tc.want {
			t.Errorf("%T: the child's Output says %q, want %q", tc.out, got, tc.want)
		}
	}
}
