package refcount

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"sync"

	"github.com/gilgo/gilgo/refcount"
	"github.com/gilgo/gilgo/session/hook"
)

// Package returns the cell package "refcount" bound to h: objects it
// makes report frees to the stdout of h's current cell, and Transfer's
// waits end when h's cell is interrupted (ErrInterrupted).
func Package(h hook.Host) hook.Package {
	p := &binding{h: h}
	return hook.Package{Path: "refcount", Symbols: p.symbols(), Docs: docs()}
}

// binding is the package bound to one session: the output of frees and
// the interrupt of waits.
type binding struct {
	h   hook.Host
	mu  sync.Mutex
	out io.Writer // default output of refcount objects; nil: the cell's stdout
}

func (p *binding) symbols() map[string]reflect.Value {
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
		"ErrInterrupted":  reflect.ValueOf(&hook.ErrInterrupted).Elem(),

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
func (p *binding) New(v any, opts ...refcount.Option) *refcount.Object {
	p.mu.Lock()
	out := p.out
	p.mu.Unlock()
	if out == nil {
		out = cellStdout{p.h}
	}
	return refcount.New(v, append([]refcount.Option{refcount.Output(out)}, opts...)...)
}

// SetOutput sets where objects created afterwards report frees (nil: the
// running cell's stdout, the default) and returns the previous writer.
//
//	prev := refcount.SetOutput(io.Discard) // silence frees
//	defer refcount.SetOutput(prev)
func (p *binding) SetOutput(w io.Writer) io.Writer {
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
func (p *binding) Transfer(from, to *refcount.Object, between func()) error {
	return p.TransferContext(context.Background(), from, to, between)
}

// TransferContext is Transfer that also stops waiting when ctx ends.
//
//	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
//	defer cancel()
//	err := refcount.TransferContext(ctx, a, b, nil)
func (p *binding) TransferContext(ctx context.Context, from, to *refcount.Object, between func()) error {
	ictx, cancel := hook.InterruptContext(p.h.Interrupted())
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	err := refcount.Transfer(ictx, from, to, between)
	if err != nil && context.Cause(ictx) == hook.ErrInterrupted {
		return fmt.Errorf("%w: %w", hook.ErrInterrupted, err)
	}
	return err
}

// cellStdout is an io.Writer to the stdout of the calling goroutine's cell,
// looked up at every write (so a goroutine's late write reaches its cell).
type cellStdout struct{ h hook.Host }

func (w cellStdout) Write(p []byte) (int, error) {
	if out := w.h.CurrentOutput(); out != nil {
		out.Stream("stdout", string(p))
	}
	return len(p), nil
}
