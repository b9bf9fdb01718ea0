package session

import (
	"errors"
	"io"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/gil"
)

// Scheduler puts every goroutine that runs interpreted code under one lock
// (the GIL). Options.Scheduler plugs one in; runtime/gilrt implements it
// on package gil. A nil Scheduler leaves goroutines free, as plain Go.
//
// The session calls BeginCell on Execute's goroutine before a cell runs
// and the returned end func after it (the cell waits for the lock like any
// goroutine); Go for every go statement of a cell; Blocking around the
// blocking calls the session itself implements (time.Sleep, stdin reads);
// Interrupt from Session.Interrupt. Go, Blocking and Interrupt must be safe
// for concurrent use.
type Scheduler interface {
	// Attach is called once by New, before the first interpreter is built.
	Attach(h Host) (Attachment, error)
	// BeginCell waits for the lock on behalf of cell n and clears a
	// pending interrupt; end releases it.
	BeginCell(n int) (end func())
	// Go runs f on a new goroutine under the lock, as a thread of cell n.
	// f recovers its own panics.
	Go(n int, f func())
	// Blocking runs f with the calling goroutine's lock released.
	Blocking(f func())
	// Interrupt makes interpreted code stop at its next check point.
	Interrupt()
	// Magic runs a %%name cell magic of the scheduler's (name without the
	// %% prefix); run runs the rest of the cell. handled is false for
	// magics the scheduler does not know.
	Magic(name, args string, run func() error) (handled bool, err error)
}

// Attachment is what a Scheduler adds to the session.
type Attachment struct {
	// Exports are packages cells may import (e.g. "gil", "sys") and the
	// helpers the passes call; they are used after the standard library,
	// so they may override its symbols (sync, time).
	Exports []interp.Exports
	// Passes run after Options.Passes, before go statements become spawns.
	Passes []Pass
	// Prelude is compiled into every interpreter after the session's own
	// prelude, e.g. the import of the helpers the passes call.
	Prelude string
	// Magics are the cell magics Magic handles, for %lsmagic-like help.
	Magics []string
}

// Host is what a Scheduler may ask the session. Session implements it.
type Host interface {
	// CurrentOutput is the Output of the calling goroutine's cell.
	CurrentOutput() engine.Output
	// CurrentCell is the execution count of the calling goroutine's cell.
	CurrentCell() int
	// Spawn starts f as a go statement of the calling goroutine's cell
	// would (for wrappers such as sync.WaitGroup.Go).
	Spawn(f func())
}

// Spawn implements Host: f runs like a go statement of the calling
// goroutine's cell. Safe for concurrent use.
func (s *Session) Spawn(f func()) { s.spawn(f) }

// attach connects the scheduler, if any, to a new session.
func (s *Session) attach() error {
	if s.opts.Scheduler == nil {
		return nil
	}
	a, err := s.opts.Scheduler.Attach(s)
	if err != nil {
		return err
	}
	s.sched = a
	s.opts.Passes = append(append([]Pass(nil), s.opts.Passes...), a.Passes...)
	return nil
}

// beginCell takes the lock for a cell; the result ends the hold.
func (s *Session) beginCell(n int) func() {
	if s.opts.Scheduler == nil {
		return func() {}
	}
	return s.opts.Scheduler.BeginCell(n)
}

// blocking runs f with the lock released.
func (s *Session) blocking(f func()) {
	if s.opts.Scheduler == nil {
		f()
		return
	}
	s.opts.Scheduler.Blocking(f)
}

// goUnder starts run under the scheduler, or as a plain goroutine.
func (s *Session) goUnder(cell int, run func()) {
	if s.opts.Scheduler == nil {
		go run()
		return
	}
	s.opts.Scheduler.Go(cell, run)
}

// isInterrupt reports whether a recovered value is the lock's interrupt.
func isInterrupt(r any) bool {
	err, ok := r.(error)
	return ok && errors.Is(err, gil.ErrInterrupted)
}

// schedError names failures that come from the lock: an interrupt at a
// check point, and runaway recursion. It returns nil for other errors.
func schedError(err error) *engine.Error {
	var p interp.Panic
	var v any = err
	if errors.As(err, &p) {
		v = p.Value
	}
	if isInterrupt(v) {
		return &engine.Error{Name: engine.ErrInterrupted, Value: "the cell was interrupted",
			Traceback: []string{"Interrupted: the cell was interrupted"}}
	}
	if e, ok := v.(error); ok {
		var re *gil.RecursionError
		if errors.As(e, &re) {
			return &engine.Error{Name: "RecursionError", Value: re.Error(),
				Traceback: []string{"RecursionError: " + re.Error()}}
		}
	}
	return nil
}

// schedMagic runs a cell magic of the scheduler (e.g. %%gil trace).
func (c *cell) schedMagic() (bool, error) {
	if c.s.opts.Scheduler == nil {
		return false, nil
	}
	m, ok := parseMagic(c.src)
	if !ok || !strings.HasPrefix(m.name, "%") {
		return false, nil
	}
	name := strings.TrimPrefix(m.name, "%")
	known := false
	for _, k := range c.s.sched.Magics {
		known = known || k == name
	}
	if !known {
		return false, nil
	}
	pad := strings.Repeat("\n", m.line-1)
	return c.s.opts.Scheduler.Magic(name, m.args, func() error { return c.runGo(pad + m.body) })
}

// blockingReader releases the lock while a read waits (stdin).
type blockingReader struct {
	s *Session
	r io.Reader
}

func (b blockingReader) Read(p []byte) (n int, err error) {
	b.s.blocking(func() { n, err = b.r.Read(p) })
	return n, err
}
