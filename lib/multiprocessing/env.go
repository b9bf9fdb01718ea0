package multiprocessing

import (
	"github.com/gilgo/gilgo/engine"
)

// Env is what the package needs from the session that calls it.
// runtime.Session provides CurrentOutput and Interrupted; Declarations is a
// small accessor the session must add (see the package documentation);
// Blocking is the scheduler's (gilrt.Scheduler.Blocking). EnvFuncs adapts
// plain functions.
type Env interface {
	// Declarations returns the imports and top-level declarations of the
	// cells run so far as the source of one declaration cell: import lines
	// first, then every current declaration (as redefined last), each
	// with its /*line cell[N]...*/ directive. It is called from cells.
	Declarations() string
	// CurrentOutput returns the output of the calling goroutine's cell, or
	// nil.
	CurrentOutput() engine.Output
	// Interrupted returns a channel that the session's next Interrupt
	// closes; nil means calls cannot be interrupted.
	Interrupted() <-chan struct{}
	// Blocking runs f with the calling goroutine's GIL released.
	Blocking(f func())
}

// EnvFuncs adapts functions to Env. A nil field means: no declarations
// (only calls by name of a func the child already has fail), no output,
// no interrupt, and f runs without releasing anything.
type EnvFuncs struct {
	DeclarationsFunc func() string
	OutputFunc       func() engine.Output
	InterruptedFunc  func() <-chan struct{}
	BlockingFunc     func(f func())
}

// Declarations implements Env.
func (e EnvFuncs) Declarations() string {
	if e.DeclarationsFunc == nil {
		return ""
	}
	return e.DeclarationsFunc()
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

// Blocking implements Env.
func (e EnvFuncs) Blocking(f func()) {
	if e.BlockingFunc == nil {
		f()
		return
	}
	e.BlockingFunc(f)
}
