package session

import (
	"errors"
	"io"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/session/hook"
)

// Spawn implements hook.Host: f runs like a go statement of the calling
// goroutine's cell. Safe for concurrent use.
func (s *Session) Spawn(f func()) { s.spawn(f) }

var _ hook.Host = (*Session)(nil)

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
	return nil
}

// beginCell takes the lock for a cell; the result ends the hold, told
// whether the cell failed.
func (s *Session) beginCell(n int) func(failed bool) {
	if s.opts.Scheduler == nil {
		return func(bool) {}
	}
	return s.opts.Scheduler.BeginCell(n)
}

// Blocking implements hook.Host: it runs f with the calling goroutine's
// hold on the scheduler's lock released. Safe for concurrent use.
func (s *Session) Blocking(f func()) {
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
// recovered is __rt.Recovered: the value recover returned, which yaegi
// v0.16.1 hands out inside a reflect.Value.
// A panic of reflect's on the interpreter's behalf (an index out of
// range) becomes the runtime.Error Go would have raised.
func recovered(r any) any {
	if v, ok := r.(reflect.Value); ok {
		if !v.IsValid() || !v.CanInterface() {
			return nil
		}
		r = v.Interface()
	}
	if s, ok := r.(string); ok && strings.HasPrefix(s, "reflect") {
		if t := translate(s); strings.HasPrefix(t, "runtime error: ") {
			return runtimeError(t)
		}
	}
	return r
}

// runtimeError is a runtime.Error with the text of Go's.
type runtimeError string

func (e runtimeError) Error() string { return string(e) }

// RuntimeError marks e as a runtime.Error.
func (e runtimeError) RuntimeError() {}

func isInterrupt(r any) bool {
	err, ok := recovered(r).(error)
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
			return &engine.Error{Name: engine.ErrRecursion, Value: re.Error(),
				Traceback: []string{engine.ErrRecursion + ": " + re.Error()}}
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
	b.s.Blocking(func() { n, err = b.r.Read(p) })
	return n, err
}
