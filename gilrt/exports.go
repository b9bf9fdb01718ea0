package gilrt

import (
	"errors"
	"reflect"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/gil"
)

// gilExports is the cell package "gil".
func (s *Scheduler) gilExports() interp.Exports {
	l := s.lock
	return interp.Exports{"gil/gil": {
		"Enabled": reflect.ValueOf(l.Enabled),
		"Enable": reflect.ValueOf(func() {
			s.thread() // bind the cell's goroutine: it takes the lock first
			l.Enable()
		}),
		"Disable":           reflect.ValueOf(l.Disable),
		"SetSwitchInterval": reflect.ValueOf(l.SetSwitchInterval),
		"SwitchInterval":    reflect.ValueOf(l.SwitchInterval),
		"Stats":             reflect.ValueOf(l.Stats),
		"ResetStats":        reflect.ValueOf(l.ResetStats),
		"SetDeterministic":  reflect.ValueOf(l.SetDeterministic),
		"SetWallClock":      reflect.ValueOf(l.SetWallClock),
		"Deterministic":     reflect.ValueOf(l.Deterministic),
		"SetRecursionLimit": reflect.ValueOf(s.setRecursionLimit),
		"RecursionLimit":    reflect.ValueOf(l.RecursionLimit),
		// Trace runs f under the tracer and shows the timeline.
		"Trace": reflect.ValueOf(func(f func()) { s.display(l.Trace(f).SVG()) }),
		// Record runs f under the tracer and returns the trace.
		"Record":      reflect.ValueOf(l.Trace),
		"ThreadStats": reflect.ValueOf((*gil.ThreadStats)(nil)),
		"TraceEvent":  reflect.ValueOf((*gil.Event)(nil)),
	}}
}

// errInterval is CPython's ValueError text for setswitchinterval.
var errInterval = errors.New("switch interval must be strictly positive")

// sysExports is the cell package "sys": Python's names and units.
func (s *Scheduler) sysExports() interp.Exports {
	l := s.lock
	return interp.Exports{"sys/sys": {
		"SetSwitchInterval": reflect.ValueOf(func(seconds float64) error {
			d := time.Duration(seconds * float64(time.Second))
			if !(seconds > 0) || d <= 0 {
				return errInterval
			}
			return l.SetSwitchInterval(d)
		}),
		"GetSwitchInterval": reflect.ValueOf(func() float64 { return l.SwitchInterval().Seconds() }),
		"SetRecursionLimit": reflect.ValueOf(s.setRecursionLimit),
		"GetRecursionLimit": reflect.ValueOf(l.RecursionLimit),
	}}
}

// setRecursionLimit sets the limit and samples the depth at the next
// check point.
func (s *Scheduler) setRecursionLimit(n int) error {
	if err := s.lock.SetRecursionLimit(n); err != nil {
		return err
	}
	s.entries.Store(0)
	s.setSample()
	return nil
}
