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
