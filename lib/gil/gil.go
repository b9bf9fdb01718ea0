package gil

import (
	"reflect"

	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/lib/multiprocessing"
	"github.com/gilgo/gilgo/session/hook"
)

// Scheduler is what the package needs of the session's GIL scheduler
// (*gilrt.Scheduler).
type Scheduler interface {
	Lock() *gil.Lock
	Enable()
	SetRecursionLimit(n int) error
	Trace(f func())
}

// Package returns the cell package "gil" of a session: sched's lock as
// cells see it, and Process, which runs a func in a worker of its own
// through procs.
func Package(sched Scheduler, procs *multiprocessing.Procs) hook.Package {
	l := sched.Lock()
	sc := scope{lock: l, enable: sched.Enable}
	return hook.Package{Path: "gil", Symbols: map[string]reflect.Value{
		"Without":           reflect.ValueOf(sc.Without),
		"Enabled":           reflect.ValueOf(l.Enabled),
		"Enable":            reflect.ValueOf(sched.Enable),
		"Disable":           reflect.ValueOf(l.Disable),
		"SetSwitchInterval": reflect.ValueOf(l.SetSwitchInterval),
		"SwitchInterval":    reflect.ValueOf(l.SwitchInterval),
		"Stats":             reflect.ValueOf(l.Stats),
		"ResetStats":        reflect.ValueOf(l.ResetStats),
		"SetDeterministic":  reflect.ValueOf(l.SetDeterministic),
		"SetWallClock":      reflect.ValueOf(l.SetWallClock),
		"Deterministic":     reflect.ValueOf(l.Deterministic),
		"SetRecursionLimit": reflect.ValueOf(sched.SetRecursionLimit),
		"RecursionLimit":    reflect.ValueOf(l.RecursionLimit),
		"Trace":             reflect.ValueOf(sched.Trace),
		"Record":            reflect.ValueOf(l.Trace),
		"Process":           reflect.ValueOf(procs.Run),
		"ThreadStats":       reflect.ValueOf((*gil.ThreadStats)(nil)),
		"TraceEvent":        reflect.ValueOf((*gil.Event)(nil)),
	}, Docs: docs()}
}

// scope holds what Without needs of the session's lock.
type scope struct {
	lock   *gil.Lock
	enable func() // the scheduler's Enable
}

// Without runs f with the GIL off (free-threaded: goroutines run in
// parallel) and then puts the lock back as it was, also when f panics or
// the cell is interrupted (where gil.Disable and gil.Enable in sequence
// left the lock off for the rest of the session; now a cell that fails
// with the lock off, having found it on, turns it on again and says so).
//
//	gil.Without(func() {
//		// ... goroutines run in parallel
//	})
func (s scope) Without(f func()) {
	if !s.lock.Enabled() {
		f()
		return
	}
	s.lock.Disable()
	defer s.enable()
	f()
}
