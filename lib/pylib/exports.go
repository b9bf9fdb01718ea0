package pylib

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/coroutine"
	"github.com/gilgo/gilgo/refcount"
)

// ErrInterrupted is the cause of a refcount wait that the session's
// Interrupt ended.
var ErrInterrupted = errors.New("interrupted")

// Import paths of the cell packages, as keys of interp.Exports.
const (
	CoroutineKey = "coroutine/coroutine"
	InspectKey   = "inspect/inspect"
	RefcountKey  = "refcount/refcount"
	SysKey       = "sys/sys"
)

// Exports returns the yaegi symbol tables of the cell packages
// "coroutine", "inspect", "refcount" and "sys" (GetRefCount only; other
// contributors add to "sys/sys" with their own Exports: yaegi merges Use
// calls symbol by symbol). The functions are bound to env.
func Exports(env Env) interp.Exports {
	p := newPackages(env)
	return interp.Exports{
		CoroutineKey: coroutineSymbols(),
		InspectKey: {
			"GetGeneratorState": reflect.ValueOf(coroutine.GetGeneratorState),
			"GetCoroutineState": reflect.ValueOf(coroutine.GetCoroutineState),
		},
		RefcountKey: p.refcountSymbols(),
		SysKey: {
			"GetRefCount": reflect.ValueOf(p.GetRefCount),
		},
	}
}

func coroutineSymbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		// functions
		"New":               reflect.ValueOf(coroutine.New),
		"Primed":            reflect.ValueOf(coroutine.Primed),
		"Prime":             reflect.ValueOf(coroutine.Prime),
		"PrimedFunc":        reflect.ValueOf(coroutine.PrimedFunc),
		"Try":               reflect.ValueOf(coroutine.Try),
		"Recovered":         reflect.ValueOf(coroutine.Recovered),
		"GetGeneratorState": reflect.ValueOf(coroutine.GetGeneratorState),
		"GetCoroutineState": reflect.ValueOf(coroutine.GetCoroutineState),
		"LiveBodies":        reflect.ValueOf(coroutine.LiveBodies),

		// errors (variables: exported by address, never reassigned)
		"StopIteration":           reflect.ValueOf(&coroutine.StopIteration).Elem(),
		"GeneratorExit":           reflect.ValueOf(&coroutine.GeneratorExit).Elem(),
		"ErrNonNoneToJustStarted": reflect.ValueOf(&coroutine.ErrNonNoneToJustStarted).Elem(),
		"ErrAlreadyExecuting":     reflect.ValueOf(&coroutine.ErrAlreadyExecuting).Elem(),
		"ErrIgnoredGeneratorExit": reflect.ValueOf(&coroutine.ErrIgnoredGeneratorExit).Elem(),
		"ErrRaisedStopIteration":  reflect.ValueOf(&coroutine.ErrRaisedStopIteration).Elem(),

		// types
		"Generator":                reflect.ValueOf((*coroutine.Generator)(nil)),
		"Co":                       reflect.ValueOf((*coroutine.Co)(nil)),
		"Iterator":                 reflect.ValueOf((*coroutine.Iterator)(nil)),
		"Error":                    reflect.ValueOf((*coroutine.Error)(nil)),
		"StopIterationError":       reflect.ValueOf((*coroutine.StopIterationError)(nil)),
		"RaisedStopIterationError": reflect.ValueOf((*coroutine.RaisedStopIterationError)(nil)),
		"PanicError":               reflect.ValueOf((*coroutine.PanicError)(nil)),
	}
}

// packages holds the per-session state of the cell packages.
type packages struct {
	env Env
	mu  sync.Mutex
	out io.Writer // default output of refcount objects; nil: the cell's stdout
}

func newPackages(env Env) *packages { return &packages{env: env} }

func (p *packages) refcountSymbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		// functions
		"New":             reflect.ValueOf(p.New),
		"Name":            reflect.ValueOf(refcount.Name),
		"OnFree":          reflect.ValueOf(refcount.OnFree),
		"Output":          reflect.ValueOf(refcount.Output),
		"SetOutput":       reflect.ValueOf(p.SetOutput),
		"Race":            reflect.ValueOf(refcount.Race),
		"Transfer":        reflect.ValueOf(p.Transfer),
		"TransferContext": reflect.ValueOf(p.TransferContext),

		// constants
		"Plain":  reflect.ValueOf(refcount.Plain),
		"Atomic": reflect.ValueOf(refcount.Atomic),
		"Locked": reflect.ValueOf(refcount.Locked),

		// errors
		"ErrUseAfterFree": reflect.ValueOf(&refcount.ErrUseAfterFree).Elem(),
		"ErrDoubleFree":   reflect.ValueOf(&refcount.ErrDoubleFree).Elem(),
		"ErrDeadlock":     reflect.ValueOf(&refcount.ErrDeadlock).Elem(),
		"ErrInterrupted":  reflect.ValueOf(&ErrInterrupted).Elem(),

		// types
		"Kind":          reflect.ValueOf((*refcount.Kind)(nil)),
		"Option":        reflect.ValueOf((*refcount.Option)(nil)),
		"Object":        reflect.ValueOf((*refcount.Object)(nil)),
		"Stats":         reflect.ValueOf((*refcount.Stats)(nil)),
		"RaceResult":    reflect.ValueOf((*refcount.RaceResult)(nil)),
		"DeadlockError": reflect.ValueOf((*refcount.DeadlockError)(nil)),
		"Wait":          reflect.ValueOf((*refcount.Wait)(nil)),
	}
}

// New returns an object holding v with count 1, like refcount.New, whose
// free messages go to the cell's stdout (or where SetOutput says).
// Options choose the Kind (Plain by default), a Name, OnFree and Output.
//
//	a := refcount.New([]int{}, refcount.Name("a"))
//	a.IncRef()           // count 2
//	a.DecRef()           // count 1
//	a.DecRef()           // prints "refcount: freed a"
//	err := a.IncRef()    // refcount: use after free
func (p *packages) New(v any, opts ...refcount.Option) *refcount.Object {
	p.mu.Lock()
	out := p.out
	p.mu.Unlock()
	if out == nil {
		out = cellStdout{p.env}
	}
	return refcount.New(v, append([]refcount.Option{refcount.Output(out)}, opts...)...)
}

// SetOutput sets where objects created afterwards report frees (nil: the
// running cell's stdout, the default) and returns the previous writer.
//
//	prev := refcount.SetOutput(io.Discard) // silence frees
//	defer refcount.SetOutput(prev)
func (p *packages) SetOutput(w io.Writer) io.Writer {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.out
	p.out = w
	return old
}

// Transfer moves one reference from from to to while holding both
// objects' locks (from's first, then to's, with between called in the
// middle). Two goroutines transferring in opposite directions deadlock;
// the deadlock is detected and one of them gets the error. Interrupting
// the cell ends any wait with ErrInterrupted. Both objects must be Locked.
//
//	a := refcount.New("A", refcount.Locked, refcount.Name("a"))
//	b := refcount.New("B", refcount.Locked, refcount.Name("b"))
//	pause := func() { time.Sleep(10 * time.Millisecond) }
//	go refcount.Transfer(a, b, pause)
//	err := refcount.Transfer(b, a, pause)
//	fmt.Println(err) // deadlock detected: goroutine 7 holds b and waits for a; ...
func (p *packages) Transfer(from, to *refcount.Object, between func()) error {
	return p.TransferContext(context.Background(), from, to, between)
}

// TransferContext is Transfer that also stops waiting when ctx ends.
//
//	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
//	defer cancel()
//	err := refcount.TransferContext(ctx, a, b, nil)
func (p *packages) TransferContext(ctx context.Context, from, to *refcount.Object, between func()) error {
	ictx, cancel := interruptContext(p.env)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	err := refcount.Transfer(ictx, from, to, between)
	if err != nil && context.Cause(ictx) == ErrInterrupted {
		return fmt.Errorf("%w: %w", ErrInterrupted, err)
	}
	return err
}

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
func (p *packages) GetRefCount(v any) int {
	id, ok := identityOf(reflect.ValueOf(v))
	if !ok {
		return 1
	}
	n, _ := countRefs(id, p.env.Globals())
	return n + 1
}
