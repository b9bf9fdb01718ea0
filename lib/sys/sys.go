package sys

import (
	"errors"
	"go/ast"
	"reflect"
	"strings"
	"time"

	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/session/cellast"
	"github.com/gilgo/gilgo/session/hook"
)

// Package returns the cell package "sys" of a session: the switch
// interval and recursion limit of sched's GIL, and GetRefCount over h's
// variables. It adds the pass that gives every empty slice literal an
// identity of its own (RewriteEmptySlices).
func Package(sched Scheduler, h hook.Host) hook.Package {
	p := &binding{sched: sched, h: h}
	return hook.Package{
		Path: "sys",
		Symbols: map[string]reflect.Value{
			"GetRefCount":       reflect.ValueOf(p.GetRefCount),
			"SetSwitchInterval": reflect.ValueOf(p.SetSwitchInterval),
			"GetSwitchInterval": reflect.ValueOf(p.GetSwitchInterval),
			"SetRecursionLimit": reflect.ValueOf(p.SetRecursionLimit),
			"GetRecursionLimit": reflect.ValueOf(p.GetRecursionLimit),
		},
		Docs: docs(),
		Passes: []cellast.Pass{{Name: "emptyslices", Apply: func(_ cellast.Env, f *ast.File) error {
			return RewriteEmptySlices(f)
		}}},
	}
}

// Scheduler is what the package needs of the session's GIL scheduler
// (*gilrt.Scheduler).
type Scheduler interface {
	Lock() *gil.Lock
	SetRecursionLimit(n int) error
}

// binding is the package bound to one session.
type binding struct {
	sched Scheduler
	h     hook.Host
}

// errInterval is CPython's ValueError text for setswitchinterval.
var errInterval = errors.New("switch interval must be strictly positive")

// SetSwitchInterval is sys.setswitchinterval: how long, in seconds, a
// goroutine may hold the GIL while others wait for it before it is asked
// to let go (5 ms by default).
//
//	sys.SetSwitchInterval(0.001) // hand the lock on every millisecond
func (p *binding) SetSwitchInterval(seconds float64) error {
	d := time.Duration(seconds * float64(time.Second))
	if !(seconds > 0) || d <= 0 {
		return errInterval
	}
	return p.sched.Lock().SetSwitchInterval(d)
}

// GetSwitchInterval is sys.getswitchinterval: the switch interval in
// seconds.
//
//	fmt.Println(sys.GetSwitchInterval()) // 0.005
func (p *binding) GetSwitchInterval() float64 { return p.sched.Lock().SwitchInterval().Seconds() }

// SetRecursionLimit is sys.setrecursionlimit: the deepest call nesting
// interpreted code may reach before a RecursionError (1000 by default).
//
//	sys.SetRecursionLimit(200)
func (p *binding) SetRecursionLimit(n int) error { return p.sched.SetRecursionLimit(n) }

// GetRecursionLimit is sys.getrecursionlimit.
//
//	fmt.Println(sys.GetRecursionLimit()) // 1000
func (p *binding) GetRecursionLimit() int { return p.sched.Lock().RecursionLimit() }

// GetRefCount is sys.getrefcount: the number of places in the session that
// refer to the same object as v, plus one for the argument itself. Objects
// are what Go shares: a slice's backing array, a map, a channel, a
// pointer's target, a func value. A value without identity (a number, a
// string, a struct or array held by value, nil) gives 1.
//
//	a := []int{}
//	b := a
//	sys.GetRefCount(a) // 3: a, b and the argument
//	b = nil
//	sys.GetRefCount(a) // 2
func (p *binding) GetRefCount(v any) int {
	id, ok := identityOf(reflect.ValueOf(v))
	if !ok {
		return 1
	}
	n, _ := countRefs(id, p.h.Globals())
	return n + 1
}

// sessionPkg is the import path of gilgo's session package.
const sessionPkg = "github.com/gilgo/gilgo/session"

// isSessionType reports whether t is one of the session's own types (the
// Session, what it keeps of cells, outputs, frames): a value of a cell
// package reaches them through its host (hook.Host), and the walk counts
// the places cells refer to an object from, not the session's
// bookkeeping, which holds every variable's value again.
func isSessionType(t reflect.Type) bool {
	p := t.PkgPath()
	return p == sessionPkg || strings.HasPrefix(p, sessionPkg+"/")
}

// isYaegiType reports whether t is one of yaegi's internal types (its AST
// nodes, frames, wrappers): the walk does not follow them, except for the
// reflect.Value fields that hold cell data.
func isYaegiType(t reflect.Type) bool {
	return strings.HasPrefix(t.PkgPath(), "github.com/traefik/yaegi/")
}
