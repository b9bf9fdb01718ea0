package refcount

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// Kind is how an Object updates its count; it is also an Option.
//
//	o := refcount.New(v, refcount.Locked)
type Kind int

const (
	// Plain uses non-atomic ++ and --, as CPython does: correct only when
	// something else (the GIL) serialises every operation. Racy by design.
	Plain Kind = iota
	// Atomic uses atomic adds: correct without a GIL, slower.
	Atomic
	// Locked takes a mutex per object for each operation: correct, slower
	// still, and open to deadlock when two objects are locked at once (see
	// Transfer).
	Locked
)

func (k Kind) String() string {
	switch k {
	case Plain:
		return "Plain"
	case Atomic:
		return "Atomic"
	case Locked:
		return "Locked"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

func (k Kind) apply(c *config) { c.kind = k }

// Option configures New. A Kind is an Option.
//
//	refcount.New(v, refcount.Atomic, refcount.Name("a"))
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	kind   Kind
	name   string
	onFree func(v any)
	out    io.Writer
}

// Name names the object in messages (default: the payload's Go type).
//
//	o := refcount.New([]int{}, refcount.Name("a"))
func Name(name string) Option {
	return optionFunc(func(c *config) { c.name = name })
}

// OnFree registers fn, called with the payload when the count reaches zero.
//
//	o := refcount.New(buf, refcount.OnFree(func(v any) { fmt.Println("freed", v) }))
func OnFree(fn func(v any)) Option {
	return optionFunc(func(c *config) { c.onFree = fn })
}

// Output sets where the object says "refcount: freed NAME" (default: the
// package output set with SetOutput, which is none at start).
//
//	o := refcount.New(v, refcount.Output(os.Stdout))
func Output(w io.Writer) Option {
	return optionFunc(func(c *config) { c.out = w })
}

// Errors reported instead of crashing.
var (
	// ErrUseAfterFree: IncRef or Value on an object whose count reached zero.
	//
	//	o.DecRef()        // count 1 -> 0: freed
	//	_, err := o.Value() // refcount: use after free
	ErrUseAfterFree = errors.New("refcount: use after free")
	// ErrDoubleFree: DecRef on an object already freed.
	//
	//	o.DecRef()       // freed
	//	err := o.DecRef() // refcount: double free
	ErrDoubleFree = errors.New("refcount: double free")
)

// Object is a payload with an explicit reference count, starting at 1 (the
// creator's reference). When DecRef brings the count to zero the payload is
// freed: dropped, reported to OnFree and to the output. Later use is an
// error, never a crash.
//
//	o := refcount.New([]int{1, 2}, refcount.Atomic)
//	o.IncRef()    // 2
//	o.DecRef()    // 1
//	o.DecRef()    // 0: "refcount: freed []int"
//	o.IncRef()    // refcount: use after free
type Object struct {
	n       int64 // Plain: plain ++/--; Atomic: atomic ops; Locked: under mu
	kind    Kind
	freed   atomic.Bool
	mu      sync.Mutex // Locked only
	payload atomic.Pointer[box]
	name    string
	onFree  func(any)
	out     io.Writer

	// Events, counted atomically (they are rare).
	frees, useAfterFree, doubleFree atomic.Int64

	// Transfer's lock bookkeeping, guarded by the waits-for graph's mutex.
	holder *txn
}

type box struct{ v any }

var defaultOut atomic.Pointer[io.Writer]

// SetOutput sets where objects created without Output report frees, and
// returns the previous writer (nil at start: silent). The session points it
// at the running cell's stdout. Safe for concurrent use.
//
//	prev := refcount.SetOutput(os.Stdout)
//	defer refcount.SetOutput(prev)
func SetOutput(w io.Writer) io.Writer {
	old := defaultOut.Swap(&w)
	if old == nil {
		return nil
	}
	return *old
}

// New returns an object holding v with count 1. Options choose the Kind
// (Plain by default), a name, an OnFree callback and an output.
//
//	a := refcount.New([]int{}, refcount.Locked, refcount.Name("a"))
func New(v any, opts ...Option) *Object {
	c := config{name: fmt.Sprintf("%T", v)}
	if w := defaultOut.Load(); w != nil {
		c.out = *w
	}
	for _, o := range opts {
		o.apply(&c)
	}
	o := &Object{n: 1, kind: c.kind, name: c.name, onFree: c.onFree, out: c.out}
	o.payload.Store(&box{v})
	return o
}

// Kind returns how the object counts.
//
//	refcount.New(1, refcount.Atomic).Kind() // Atomic
func (o *Object) Kind() Kind { return o.kind }

// Name returns the object's name.
//
//	refcount.New([]int{}).Name() // "[]int"
func (o *Object) Name() string { return o.name }

// IncRef adds a reference. On a freed object it changes nothing and returns
// ErrUseAfterFree.
//
//	if err := o.IncRef(); err != nil { /* o was freed */ }
func (o *Object) IncRef() error {
	if o.kind == Plain && !o.freed.Load() {
		o.n++ // racy by design: see the package documentation
		return nil
	}
	return o.incRef()
}

func (o *Object) incRef() error {
	if o.freed.Load() {
		o.useAfterFree.Add(1)
		return ErrUseAfterFree
	}
	switch o.kind {
	case Atomic:
		atomic.AddInt64(&o.n, 1)
	case Locked:
		o.mu.Lock()
		err := o.incLocked()
		o.mu.Unlock()
		return err
	default:
		o.n++
	}
	return nil
}

// DecRef drops a reference and frees the payload when the count reaches
// zero. On a freed object it returns ErrDoubleFree.
//
//	o.DecRef() // count 1 -> 0: the payload is freed
func (o *Object) DecRef() error {
	if o.kind == Plain && !o.freed.Load() {
		o.n-- // racy by design
		if o.n != 0 {
			return nil
		}
	}
	return o.decRef()
}

// decRef is DecRef's slow path; for a Plain object DecRef has already
// decremented the count (unless the object was freed).
func (o *Object) decRef() error {
	if o.freed.Load() {
		o.doubleFree.Add(1)
		return ErrDoubleFree
	}
	var n int64
	switch o.kind {
	case Atomic:
		n = atomic.AddInt64(&o.n, -1)
	case Locked:
		o.mu.Lock()
		err := o.decLocked()
		o.mu.Unlock()
		return err
	default:
		n = o.n
	}
	if n == 0 {
		return o.free()
	}
	return nil
}

func (o *Object) incLocked() error {
	if o.freed.Load() {
		o.useAfterFree.Add(1)
		return ErrUseAfterFree
	}
	o.n++
	return nil
}

func (o *Object) decLocked() error {
	if o.freed.Load() {
		o.doubleFree.Add(1)
		return ErrDoubleFree
	}
	o.n--
	if o.n == 0 {
		return o.free()
	}
	return nil
}

// free releases the payload once; a second free (two racing decrements that
// both saw zero) is a double free.
func (o *Object) free() error {
	if !o.freed.CompareAndSwap(false, true) {
		o.doubleFree.Add(1)
		return ErrDoubleFree
	}
	b := o.payload.Swap(nil)
	o.frees.Add(1)
	if o.out != nil {
		fmt.Fprintf(o.out, "refcount: freed %s\n", o.name)
	}
	if o.onFree != nil && b != nil {
		o.onFree(b.v)
	}
	return nil
}

// Count returns the current count (0 once freed). For a Plain object used
// by several goroutines without a GIL the value is whatever the race left.
//
//	refcount.New("x").Count() // 1
func (o *Object) Count() int {
	if o.freed.Load() {
		return 0
	}
	switch o.kind {
	case Atomic:
		return int(atomic.LoadInt64(&o.n))
	case Locked:
		o.mu.Lock()
		defer o.mu.Unlock()
		return int(o.n)
	}
	return int(o.n)
}

// RawCount returns the count field even after a free, so a demonstration
// can show how wrong a racy count went.
//
//	o.RawCount() // e.g. -101564 after a race
func (o *Object) RawCount() int64 {
	switch o.kind {
	case Atomic:
		return atomic.LoadInt64(&o.n)
	case Locked:
		o.mu.Lock()
		defer o.mu.Unlock()
		return o.n
	}
	return o.n
}

// Value returns the payload, or ErrUseAfterFree once it was freed.
//
//	v, err := o.Value()
func (o *Object) Value() (any, error) {
	b := o.payload.Load()
	if b == nil {
		o.useAfterFree.Add(1)
		return nil, ErrUseAfterFree
	}
	return b.v, nil
}

// Freed reports whether the payload was freed.
//
//	o.Freed() // false while the count is above zero
func (o *Object) Freed() bool { return o.freed.Load() }

// Stats counts the object's rare events.
//
//	o.Stats() // {Frees:1 UseAfterFree:0 DoubleFree:0}
type Stats struct {
	Frees        int64 // 1 once freed
	UseAfterFree int64 // IncRef or Value after the free
	DoubleFree   int64 // DecRef after the free, or a second free
}

// Stats returns the object's event counts.
//
//	s := o.Stats()
//	fmt.Println(s.Frees, s.UseAfterFree, s.DoubleFree)
func (o *Object) Stats() Stats {
	return Stats{Frees: o.frees.Load(), UseAfterFree: o.useAfterFree.Load(), DoubleFree: o.doubleFree.Load()}
}

// String describes the object.
//
//	fmt.Println(o) // <refcount.Object []int Plain count=1>
func (o *Object) String() string {
	if o.Freed() {
		return fmt.Sprintf("<refcount.Object %s %s freed>", o.name, o.kind)
	}
	return fmt.Sprintf("<refcount.Object %s %s count=%d>", o.name, o.kind, o.Count())
}
