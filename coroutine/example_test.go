package coroutine_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gilgo/gilgo/coroutine"
)

func ExampleNew() {
	g := coroutine.New(func(co *coroutine.Co) any {
		fmt.Println("-> coroutine started")
		x := co.Yield(nil)
		fmt.Println("-> coroutine received:", x)
		return nil
	})
	g.Next()
	_, err := g.Send(42)
	fmt.Println(err)
	// Output:
	// -> coroutine started
	// -> coroutine received: 42
	// StopIteration
}

func simpleCoro2(a int) *coroutine.Generator {
	return coroutine.New(func(co *coroutine.Co) any {
		b := co.Yield(a).(int)
		co.Yield(a + b)
		return nil
	})
}

func ExampleGenerator_Next() {
	g := simpleCoro2(14)
	v, err := g.Next()
	fmt.Println(v, err)
	// Output: 14 <nil>
}

func ExampleGenerator_Send() {
	g := simpleCoro2(14)
	g.Next()
	v, _ := g.Send(28)
	fmt.Println(v)
	_, err := g.Send(99)
	fmt.Println(errors.Is(err, coroutine.StopIteration))
	// Output:
	// 42
	// true
}

var ErrDemo = errors.New("DemoException")

func ExampleGenerator_Throw() {
	g := coroutine.New(func(co *coroutine.Co) any {
		for {
			co.Try(func() { co.Yield(nil) }, func(err error) bool {
				if !errors.Is(err, ErrDemo) {
					return false
				}
				fmt.Println("*** DemoException handled. Continuing...")
				return true
			})
		}
	})
	g.Next()
	g.Throw(ErrDemo)
	fmt.Println(g.State())
	_, err := g.Throw(errors.New("division by zero"))
	fmt.Println(err, g.State())
	// Output:
	// *** DemoException handled. Continuing...
	// GEN_SUSPENDED
	// division by zero GEN_CLOSED
}

func ExampleGenerator_Close() {
	g := coroutine.New(func(co *coroutine.Co) any {
		defer fmt.Println("-> coroutine ending")
		for {
			co.Yield(nil)
		}
	})
	g.Next()
	fmt.Println(g.Close(), g.State())
	// Output:
	// -> coroutine ending
	// <nil> GEN_CLOSED
}

func ExampleGenerator_State() {
	g := coroutine.New(func(co *coroutine.Co) any { co.Yield(1); return nil })
	fmt.Println(g.State())
	g.Next()
	fmt.Println(g.State())
	// Output:
	// GEN_CREATED
	// GEN_SUSPENDED
}

func ExampleGenerator_String() {
	g := coroutine.New(func(co *coroutine.Co) any { return nil })
	fmt.Println(strings.HasPrefix(g.String(), "<generator object at 0x"))
	// Output: true
}

func count(n int) *coroutine.Generator {
	return coroutine.New(func(co *coroutine.Co) any {
		for i := 0; i < n; i++ {
			co.Yield(i)
		}
		return nil
	})
}

func ExampleGenerator_All() {
	for v := range count(3).All() {
		fmt.Print(v, " ")
	}
	// Output: 0 1 2
}

func ExampleGenerator_Iter() {
	it := count(3).Iter()
	for it.Next() {
		fmt.Print(it.Value(), " ")
	}
	fmt.Println(it.Err())
	// Output: 0 1 2 <nil>
}

func ExampleGenerator_Collect() {
	vals, err := count(4).Collect()
	fmt.Println(vals, err)
	// Output: [0 1 2 3] <nil>
}

func ExampleIterator_Err() {
	g := coroutine.New(func(co *coroutine.Co) any {
		co.Yield(1)
		panic(errors.New("bad"))
	})
	it := g.Iter()
	for it.Next() {
		fmt.Println(it.Value())
	}
	fmt.Println(it.Err())
	// Output:
	// 1
	// bad
}

func ExampleCo_Yield() {
	g := coroutine.New(func(co *coroutine.Co) any {
		b := co.Yield(14)
		return b
	})
	g.Next()
	_, err := g.Send(28)
	var stop *coroutine.StopIterationError
	errors.As(err, &stop)
	fmt.Println(stop.Value)
	// Output: 28
}

// averager returns a running average's Result when it is sent nil.
func averager() *coroutine.Generator {
	return coroutine.New(func(co *coroutine.Co) any {
		total, n := 0.0, 0
		for {
			term := co.Yield(nil)
			if term == nil {
				return fmt.Sprintf("count=%d average=%.2f", n, total/float64(n))
			}
			total += term.(float64)
			n++
		}
	})
}

func ExampleCo_YieldFrom() {
	results := map[string]any{}
	grouper := coroutine.New(func(co *coroutine.Co) any {
		for {
			results["girls;kg"] = co.YieldFrom(averager())
		}
	})
	grouper.Next()
	for _, v := range []float64{40.9, 38.5, 44.3, 42.2, 45.2, 41.7, 44.5, 38.0, 40.6, 44.5} {
		grouper.Send(v)
	}
	grouper.Send(nil)
	grouper.Close()
	fmt.Println(results["girls;kg"])
	// Output: count=10 average=42.04
}

func ExampleCo_Raise() {
	g := coroutine.New(func(co *coroutine.Co) any {
		co.Raise(fmt.Errorf("negative: %d", -1))
		return nil
	})
	_, err := g.Next()
	fmt.Println(err, g.State())
	// Output: negative: -1 GEN_CLOSED
}

func ExampleCo_Try() {
	g := coroutine.New(func(co *coroutine.Co) any {
		err := co.Try(func() { co.Yield(1) }, func(err error) bool { return errors.Is(err, ErrDemo) })
		return "handled: " + err.Error()
	})
	g.Next()
	_, err := g.Throw(ErrDemo)
	fmt.Println(err)
	// Output: StopIteration: handled: DemoException
}

func ExampleTry() {
	err := coroutine.Try(func() { panic(ErrDemo) }, func(err error) bool { return errors.Is(err, ErrDemo) })
	fmt.Println(err)
	// Output: DemoException
}

func ExampleRecovered() {
	g := coroutine.New(func(co *coroutine.Co) any {
		defer func() {
			if errors.Is(coroutine.Recovered(recover()), coroutine.GeneratorExit) {
				fmt.Println("closing")
			}
		}()
		co.Yield(1)
		return nil
	})
	g.Next()
	fmt.Println(g.Close())
	// Output:
	// closing
	// <nil>
}

func runningAverage() *coroutine.Generator {
	return coroutine.New(func(co *coroutine.Co) any {
		total, n := 0.0, 0.0
		var avg any
		for {
			total += co.Yield(avg).(float64)
			n++
			avg = total / n
		}
	})
}

func ExamplePrimed() {
	avg := coroutine.Primed(runningAverage())
	v, _ := avg.Send(40.0)
	fmt.Println(v)
	v, _ = avg.Send(50.0)
	fmt.Println(v)
	_, err := avg.Send("spam")
	fmt.Println(err != nil, avg.State())
	// Output:
	// 40
	// 45
	// true GEN_CLOSED
}

func ExamplePrime() {
	_, err := coroutine.Prime(coroutine.New(func(co *coroutine.Co) any { return "no yield" }))
	fmt.Println(err)
	// Output: prime generator: StopIteration: no yield
}

func ExamplePrimedFunc() {
	newAverager := coroutine.PrimedFunc(func(args ...any) *coroutine.Generator {
		return runningAverage()
	})
	v, _ := newAverager().Send(10.0)
	fmt.Println(v)
	// Output: 10
}

func ExampleGetGeneratorState() {
	g := coroutine.New(func(co *coroutine.Co) any {
		fmt.Println("inside:", coroutine.GetGeneratorState(co.Generator()))
		return nil
	})
	g.Next()
	fmt.Println(coroutine.GetGeneratorState(g))
	// Output:
	// inside: GEN_RUNNING
	// GEN_CLOSED
}

func ExampleGetCoroutineState() {
	g := coroutine.New(func(co *coroutine.Co) any { return nil })
	fmt.Println(coroutine.GetCoroutineState(g))
	// Output: CORO_CREATED
}

func ExampleLiveBodies() {
	before := coroutine.LiveBodies()
	g := count(2)
	g.Next()
	fmt.Println(coroutine.LiveBodies() - before)
	g.Close()
	fmt.Println(coroutine.LiveBodies() - before)
	// Output:
	// 1
	// 0
}

func ExampleSetHooks() {
	switches := 0
	prev := coroutine.SetHooks(coroutine.Hooks{Enter: func(any) { switches++ }})
	g := count(1)
	coroutine.SetHooks(prev)
	g.Next()
	g.Next()
	fmt.Println(switches)
	// Output: 4
}

func ExampleStopIterationError() {
	_, err := coroutine.New(func(co *coroutine.Co) any { return 15.5 }).Next()
	var stop *coroutine.StopIterationError
	if errors.As(err, &stop) {
		fmt.Println(stop.Value, err)
	}
	// Output: 15.5 StopIteration: 15.5
}

func ExampleRaisedStopIterationError() {
	_, err := coroutine.New(func(co *coroutine.Co) any {
		panic(&coroutine.StopIterationError{})
	}).Next()
	fmt.Println(err, errors.Is(err, coroutine.ErrRaisedStopIteration), errors.Is(err, coroutine.StopIteration))
	// Output: generator raised StopIteration true false
}

func ExamplePanicError() {
	_, err := coroutine.New(func(co *coroutine.Co) any { panic("boom") }).Next()
	var pe *coroutine.PanicError
	fmt.Println(errors.As(err, &pe), pe.Value, err)
	// Output: true boom panic: boom
}

func ExampleError() {
	_, err := coroutine.New(func(co *coroutine.Co) any { return nil }).Send(42)
	var e *coroutine.Error
	errors.As(err, &e)
	fmt.Println(e.Kind+":", e.Msg, errors.Is(err, coroutine.ErrNonNoneToJustStarted))
	// Output: TypeError: can't send non-None value to a just-started generator true
}
