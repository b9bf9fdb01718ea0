package pylib

import (
	"context"
	"reflect"
	"strings"

	"github.com/gilgo/gilgo/engine"
)

// Env is what the cell packages need from the session. runtime.Session
// provides CurrentOutput; Globals and Interrupted are small additions (see
// the package documentation), or main adapts them with EnvFuncs.
type Env interface {
	// Globals returns the session's variables of all cells, like yaegi's
	// (*interp.Interpreter).Globals. Values may be yaegi's internal
	// representations (unnamed struct types, reflect.MakeFunc closures).
	Globals() map[string]reflect.Value
	// CurrentOutput returns the output of the cell the calling goroutine
	// belongs to, or nil before the first cell.
	CurrentOutput() engine.Output
	// Interrupted returns a channel that the session's next Interrupt
	// closes. Nil means the session cannot interrupt compiled waits.
	Interrupted() <-chan struct{}
}

// EnvFuncs adapts three functions to Env; a nil field behaves as "nothing":
// no globals, no output, no interrupt.
//
//	env := pylib.EnvFuncs{GlobalsFunc: it.Globals, OutputFunc: s.CurrentOutput}
type EnvFuncs struct {
	GlobalsFunc     func() map[string]reflect.Value
	OutputFunc      func() engine.Output
	InterruptedFunc func() <-chan struct{}
}

// Globals implements Env.
func (e EnvFuncs) Globals() map[string]reflect.Value {
	if e.GlobalsFunc == nil {
		return nil
	}
	return e.GlobalsFunc()
}

// CurrentOutput implements Env.
func (e EnvFuncs) CurrentOutput() engine.Output {
	if e.OutputFunc == nil {
		return nil
	}
	return e.OutputFunc()
}

// Interrupted implements Env.
func (e EnvFuncs) Interrupted() <-chan struct{} {
	if e.InterruptedFunc == nil {
		return nil
	}
	return e.InterruptedFunc()
}

// cellStdout is an io.Writer to the stdout of the calling goroutine's cell,
// looked up at every write (so a goroutine's late write reaches its cell).
type cellStdout struct{ env Env }

func (w cellStdout) Write(p []byte) (int, error) {
	if out := w.env.CurrentOutput(); out != nil {
		out.Stream("stdout", string(p))
	}
	return len(p), nil
}

// interruptContext returns a context that ends when env's Interrupted
// channel closes or when the returned cancel func is called (always call
// it: it ends the watcher goroutine).
func interruptContext(env Env) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := env.Interrupted()
	if ch == nil {
		return ctx, func() { cancel(nil) }
	}
	go func() {
		select {
		case <-ch:
			cancel(ErrInterrupted)
		case <-ctx.Done():
		}
	}()
	return ctx, func() { cancel(nil) }
}

// isYaegiType reports whether t is one of yaegi's internal types (its AST
// nodes, frames, wrappers): the walk does not follow them, except for the
// reflect.Value fields that hold cell data.
func isYaegiType(t reflect.Type) bool {
	return strings.HasPrefix(t.PkgPath(), "github.com/traefik/yaegi/")
}
