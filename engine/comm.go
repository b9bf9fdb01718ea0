package engine

import (
	"context"
	"errors"
)

// The comm message types of the Jupyter protocol (widgets use them).
const (
	CommOpen  = "comm_open"
	CommMsg   = "comm_msg"
	CommClose = "comm_close"
)

// Comm is one comm message, from the frontend (Comms.HandleComm) or to it
// (CommOutput.Comm).
type Comm struct {
	Type     string         // CommOpen, CommMsg or CommClose
	ID       string         // comm_id
	Target   string         // target_name, of a CommOpen
	Data     map[string]any // the content's data
	Metadata map[string]any // the message's metadata (ipywidgets: {"version": "2.1.0"})
	Buffers  [][]byte       // binary frames
}

// CommOutput is an Output that can send comm messages to the frontend.
// The kernel's outputs are; an Output that is not drops comms.
type CommOutput interface {
	Comm(c Comm)
}

// Comms is implemented by interpreters that have comm targets
// (ipywidgets' "jupyter.widget"). The kernel calls HandleComm and
// CommInfo from its shell handler, one at a time, like Execute.
type Comms interface {
	// HandleComm delivers a comm message from the frontend. What its
	// handler shows goes to out, whose parent is that message. A
	// CommOpen to a target the interpreter does not have returns
	// ErrNoCommTarget; the kernel then closes the comm.
	HandleComm(ctx context.Context, c Comm, out Output) error
	// CommInfo returns the open comms, by id, with their target names;
	// those of target only, unless target is "".
	CommInfo(ctx context.Context, target string) (map[string]string, error)
}

// ErrNoCommTarget is HandleComm's error for a comm_open to an unknown
// target.
var ErrNoCommTarget = errors.New("no such comm target")
