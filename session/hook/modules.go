package hook

import (
	"context"

	"github.com/gilgo/gilgo/engine"
)

// Modules makes the packages of Go modules importable in cells (package
// modules implements it). The session asks it about every import path of
// a cell that is not already importable, before the cell compiles.
//
// Import and Command are called from one cell at a time; Wants and GoPath
// must be safe for concurrent use.
type Modules interface {
	// Wants reports whether Import should be asked for path: it looks
	// like a module's package (not the standard library's).
	Wants(path string) bool
	// Import resolves, downloads and builds the packages at paths and
	// returns the symbol tables of those that run compiled; those
	// interpreted from source it places under GoPath. out shows its
	// progress (a display it updates in place, never the cell's
	// streams). ctx ends when the cell is interrupted.
	Import(ctx context.Context, paths []string, out engine.Output) (Exports, error)
	// GoPath is the GOPATH the interpreter loads source packages from.
	GoPath() string
	// Command runs the line magic %go ARGS (get, mod, ...), writing
	// what it prints to out.
	Command(ctx context.Context, args string, out engine.Output) error
}

// CommHost is what a cell package with comms (widgets) asks of the
// session. Every method is safe for concurrent use.
type CommHost interface {
	// RegisterCommTarget makes comm messages of target reach h: a
	// frontend's comm_open to it, and comm_msg and comm_close of the
	// comms open on it (opened by either side). h runs on a goroutine
	// outside the GIL; interpreted code it calls goes through
	// RunCallback. out is where what the message causes is shown.
	RegisterCommTarget(target string, h func(c engine.Comm, out engine.Output) error)
	// CommOutput returns the calling goroutine's cell output if it can
	// carry comm messages, else nil.
	CommOutput() engine.CommOutput
	// SendComm sends c to the frontend through out (a comm_open
	// registers the comm as open, a comm_close forgets it).
	SendComm(out engine.CommOutput, c engine.Comm)
	// RunCallback runs f, interpreted code a comm message triggers, as a
	// thread of the session under the GIL, writing to out; a panic in f
	// is reported to out as a goroutine's, an interrupt ends f quietly.
	RunCallback(out engine.Output, f func())
	// Redirect runs f on the calling goroutine with its output going to
	// out (and that of the goroutines f starts).
	Redirect(out engine.Output, f func())
}
