package refcount_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/gilgo/gilgo/refcount"
)

func ExampleNew() {
	o := refcount.New([]int{1, 2}, refcount.Atomic, refcount.Name("a"), refcount.Output(os.Stdout))
	o.IncRef()
	fmt.Println(o.Count())
	o.DecRef()
	o.DecRef()
	fmt.Println(o.IncRef())
	// Output:
	// 2
	// refcount: freed a
	// refcount: use after free
}

func ExampleObject_IncRef() {
	o := refcount.New("x")
	o.IncRef()
	fmt.Println(o.Count())
	// Output: 2
}

func ExampleObject_DecRef() {
	o := refcount.New("x", refcount.OnFree(func(v any) { fmt.Println("freed", v) }))
	fmt.Println(o.DecRef())
	fmt.Println(o.DecRef())
	// Output:
	// freed x
	// <nil>
	// refcount: double free
}

func ExampleObject_Value() {
	o := refcount.New(42)
	v, err := o.Value()
	fmt.Println(v, err)
	o.DecRef()
	_, err = o.Value()
	fmt.Println(errors.Is(err, refcount.ErrUseAfterFree))
	// Output:
	// 42 <nil>
	// true
}

func ExampleObject_Count() {
	fmt.Println(refcount.New("x").Count())
	// Output: 1
}

func ExampleObject_RawCount() {
	o := refcount.New("x")
	o.DecRef()
	fmt.Println(o.Count(), o.RawCount())
	// Output: 0 0
}

func ExampleObject_Freed() {
	o := refcount.New("x")
	fmt.Println(o.Freed())
	o.DecRef()
	fmt.Println(o.Freed())
	// Output:
	// false
	// true
}

func ExampleObject_Stats() {
	o := refcount.New("x")
	o.DecRef()
	o.IncRef()
	o.DecRef()
	fmt.Printf("%+v\n", o.Stats())
	// Output: {Frees:1 UseAfterFree:1 DoubleFree:1}
}

func ExampleObject_String() {
	fmt.Println(refcount.New([]int{}, refcount.Locked))
	// Output: <refcount.Object []int Locked count=1>
}

func ExampleObject_Kind() {
	fmt.Println(refcount.New(1, refcount.Atomic).Kind())
	// Output: Atomic
}

func ExampleObject_Name() {
	fmt.Println(refcount.New([]int{}).Name(), refcount.New(1, refcount.Name("one")).Name())
	// Output: []int one
}

func ExampleKind() {
	for _, k := range []refcount.Kind{refcount.Plain, refcount.Atomic, refcount.Locked} {
		fmt.Print(k, " ")
	}
	// Output: Plain Atomic Locked
}

func ExampleName() {
	o := refcount.New("payload", refcount.Name("a"), refcount.Output(os.Stdout))
	o.DecRef()
	// Output: refcount: freed a
}

func ExampleOnFree() {
	o := refcount.New("buf", refcount.OnFree(func(v any) { fmt.Println("released", v) }))
	o.DecRef()
	// Output: released buf
}

func ExampleOutput() {
	o := refcount.New(1.5, refcount.Output(os.Stdout))
	o.DecRef()
	// Output: refcount: freed float64
}

func ExampleSetOutput() {
	prev := refcount.SetOutput(os.Stdout)
	o := refcount.New("x", refcount.Name("b"))
	refcount.SetOutput(prev)
	o.DecRef()
	// Output: refcount: freed b
}

func ExampleRace() {
	var gil sync.Mutex
	r := refcount.Race(refcount.New("x"), 2, 100_000, &gil)
	fmt.Println(r.Final, r.Freed, r.Exact())
	// Output: 1 false true
}

func ExampleRaceResult_Exact() {
	r := refcount.Race(refcount.New("x", refcount.Atomic), 2, 1000, nil)
	fmt.Println(r.Exact())
	// Output: true
}

func ExampleTransfer() {
	a := refcount.New("A", refcount.Locked, refcount.Name("a"))
	b := refcount.New("B", refcount.Locked, refcount.Name("b"))
	a.IncRef()
	var barrier sync.WaitGroup
	barrier.Add(2)
	both := func() { barrier.Done(); barrier.Wait() } // each holds its first lock
	errs := make(chan error, 2)
	go func() { errs <- refcount.Transfer(context.Background(), a, b, both) }()
	go func() { errs <- refcount.Transfer(context.Background(), b, a, both) }()
	e1, e2 := <-errs, <-errs
	fmt.Println(errors.Is(errors.Join(e1, e2), refcount.ErrDeadlock), (e1 == nil) != (e2 == nil))
	// Output: true true
}

func ExampleDeadlockError() {
	err := &refcount.DeadlockError{Cycle: []refcount.Wait{
		{Goroutine: 7, Holds: "a", WaitsFor: "b"},
		{Goroutine: 8, Holds: "b", WaitsFor: "a"},
	}}
	fmt.Println(err, errors.Is(err, refcount.ErrDeadlock))
	// Output: deadlock detected: goroutine 7 holds a and waits for b; goroutine 8 holds b and waits for a true
}
