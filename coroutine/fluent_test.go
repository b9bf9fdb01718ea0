package coroutine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// The examples of Fluent Python, chapter 16, sections 16.2-16.7 (and the
// yield-from averager of 16.11), as transcripts of the book's REPL sessions.

func simpleCoroutine(w *transcript) *Generator {
	return New(func(co *Co) any {
		w.println("-> coroutine started")
		x := co.Yield(nil)
		w.println("-> coroutine received:", repr(x))
		return nil
	})
}

func TestFluentSimpleCoroutine(t *testing.T) {
	var w transcript
	myCoro := simpleCoroutine(&w)
	w.result("next(my_coro)")(myCoro.Next())
	w.result("my_coro.send(42)")(myCoro.Send(42))
	golden(t, "simple_coroutine", w.String())
}

func simpleCoro2(w *transcript, a int) *Generator {
	return New(func(co *Co) any {
		w.println("-> Started: a =", a)
		b := co.Yield(a).(int)
		w.println("-> Received: b =", b)
		c := co.Yield(a + b).(int)
		w.println("-> Received: c =", c)
		return nil
	})
}

func TestFluentSimpleCoro2(t *testing.T) {
	var w transcript
	myCoro2 := simpleCoro2(&w, 14)
	w.result("getgeneratorstate(my_coro2)")(GetGeneratorState(myCoro2), nil)
	w.result("next(my_coro2)")(myCoro2.Next())
	w.result("getgeneratorstate(my_coro2)")(GetGeneratorState(myCoro2), nil)
	w.result("my_coro2.send(28)")(myCoro2.Send(28))
	w.result("my_coro2.send(99)")(myCoro2.Send(99))
	w.result("getgeneratorstate(my_coro2)")(GetGeneratorState(myCoro2), nil)
	golden(t, "simple_coro2", w.String())
}

// averager is coroaverager1.py: a running average, primed by Primed (the
// @coroutine decorator).
func averager() *Generator {
	return Primed(New(func(co *Co) any {
		total, count := 0.0, 0
		var average any
		for {
			term := co.Yield(average)
			total += term.(float64) // "spam" fails here: a TypeError
			count++
			average = total / float64(count)
		}
	}))
}

func TestFluentAveragerPrimed(t *testing.T) {
	var w transcript
	coroAvg := averager()
	w.result("getgeneratorstate(coro_avg)")(GetGeneratorState(coroAvg), nil)
	w.result("coro_avg.send(40)")(coroAvg.Send(40.0))
	w.result("coro_avg.send(50)")(coroAvg.Send(50.0))
	show := w.result("coro_avg.send('spam')")
	v, err := coroAvg.Send("spam")
	show(v, err)
	w.result("coro_avg.send(60)")(coroAvg.Send(60.0))
	w.result("getgeneratorstate(coro_avg)")(GetGeneratorState(coroAvg), nil)
	golden(t, "averager_primed", w.String())

	var te interface{ RuntimeError() }
	if !errors.As(err, &te) {
		t.Errorf("send('spam'): got %T %v, want a runtime type-assertion error", err, err)
	}
}

// Result is coroaverager2.py's namedtuple.
type Result struct {
	Count   int
	Average float64
}

func (r Result) String() string {
	return fmt.Sprintf("Result(count=%d, average=%s)", r.Count, repr(r.Average))
}

// averager2 returns a Result when it is sent nil (coroaverager2.py); it is
// not primed.
func averager2() *Generator {
	return New(func(co *Co) any {
		total, count := 0.0, 0
		var average float64
		for {
			term := co.Yield(nil)
			if term == nil {
				break
			}
			total += term.(float64)
			count++
			average = total / float64(count)
		}
		return Result{Count: count, Average: average}
	})
}

func TestFluentAveragerResult(t *testing.T) {
	var w transcript
	coroAvg := averager2()
	w.result("next(coro_avg)")(coroAvg.Next())
	w.result("coro_avg.send(10)")(coroAvg.Send(10.0))
	w.result("coro_avg.send(30)")(coroAvg.Send(30.0))
	w.result("coro_avg.send(6.5)")(coroAvg.Send(6.5))
	show := w.result("coro_avg.send(None)")
	_, err := coroAvg.Send(nil)
	show(nil, err)
	golden(t, "averager_result", w.String())

	var stop *StopIterationError
	if !errors.As(err, &stop) {
		t.Fatalf("send(None): got %v, want StopIteration", err)
	}
	if got, want := stop.Value, (Result{Count: 3, Average: 15.5}); got != want {
		t.Errorf("StopIteration.Value = %v, want %v", got, want)
	}
}

var (
	errDemo          = &namedError{"DemoException", "DemoException"}
	errZeroDivision  = &namedError{"ZeroDivisionError", "division by zero"}
	errNeverReturned = errors.New("this line should never run")
)

// demoExcHandling is coro_exc_demo.py.
func demoExcHandling(w *transcript) *Generator {
	return New(func(co *Co) any {
		w.println("-> coroutine started")
		for {
			co.Try(func() {
				x := co.Yield(nil)
				w.println("-> coroutine received:", repr(x))
			}, func(err error) bool {
				if !errors.Is(err, errDemo) {
					return false
				}
				w.println("*** DemoException handled. Continuing...")
				return true
			})
		}
	})
}

// demoFinally is coro_finally_demo.py: a finally clause is a defer.
func demoFinally(w *transcript) *Generator {
	return New(func(co *Co) any {
		w.println("-> coroutine started")
		defer w.println("-> coroutine ending")
		for {
			co.Try(func() {
				x := co.Yield(nil)
				w.println("-> coroutine received:", repr(x))
			}, func(err error) bool {
				if !errors.Is(err, errDemo) {
					return false
				}
				w.println("*** DemoException handled. Continuing...")
				return true
			})
		}
	})
}

func TestFluentExceptionHandling(t *testing.T) {
	for _, tc := range []struct {
		name string
		gen  func(*transcript) *Generator
	}{
		{"demo_exc_handling", demoExcHandling},
		{"demo_finally", demoFinally},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w transcript
			w.println("# close")
			excCoro := tc.gen(&w)
			w.result("next(exc_coro)")(excCoro.Next())
			w.result("exc_coro.send(11)")(excCoro.Send(11))
			w.result("exc_coro.send(22)")(excCoro.Send(22))
			w.result("exc_coro.close()")(nil, excCoro.Close())
			w.result("getgeneratorstate(exc_coro)")(GetGeneratorState(excCoro), nil)

			w.println("# throw DemoException")
			excCoro = tc.gen(&w)
			w.result("next(exc_coro)")(excCoro.Next())
			w.result("exc_coro.send(11)")(excCoro.Send(11))
			w.result("exc_coro.throw(DemoException)")(excCoro.Throw(errDemo))
			w.result("getgeneratorstate(exc_coro)")(GetGeneratorState(excCoro), nil)

			w.println("# throw ZeroDivisionError")
			excCoro = tc.gen(&w)
			w.result("next(exc_coro)")(excCoro.Next())
			w.result("exc_coro.send(11)")(excCoro.Send(11))
			show := w.result("exc_coro.throw(ZeroDivisionError)")
			_, err := excCoro.Throw(errZeroDivision)
			show(nil, err)
			w.result("getgeneratorstate(exc_coro)")(GetGeneratorState(excCoro), nil)
			golden(t, tc.name, w.String())
			if err != errZeroDivision {
				t.Errorf("throw(ZeroDivisionError): got %v, want it back", err)
			}
		})
	}
}

// The yield-from example: grouper delegates to averager2 (coroaverager3.py).
var bookData = map[string][]float64{
	"girls;kg": {40.9, 38.5, 44.3, 42.2, 45.2, 41.7, 44.5, 38.0, 40.6, 44.5},
	"girls;m":  {1.6, 1.51, 1.4, 1.3, 1.41, 1.39, 1.33, 1.46, 1.45, 1.43},
	"boys;kg":  {39.0, 40.8, 43.2, 40.8, 43.1, 38.6, 41.4, 40.6, 36.3},
	"boys;m":   {1.38, 1.5, 1.32, 1.25, 1.37, 1.48, 1.25, 1.49, 1.46},
}

func grouper(results map[string]Result, key string) *Generator {
	return New(func(co *Co) any {
		for {
			results[key] = co.YieldFrom(averager2()).(Result)
		}
	})
}

func report(w *transcript, results map[string]Result) {
	keys := make([]string, 0, len(results))
	for k := range results {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		group, unit, _ := strings.Cut(key, ";")
		r := results[key]
		w.printf("%2d %-5s averaging %.2f%s\n", r.Count, group, r.Average, unit)
	}
}

func TestFluentYieldFrom(t *testing.T) {
	var w transcript
	results := map[string]Result{}
	keys := []string{"girls;kg", "girls;m", "boys;kg", "boys;m"}
	for _, key := range keys {
		group := grouper(results, key)
		if _, err := group.Next(); err != nil {
			t.Fatalf("next(group): %v", err)
		}
		for _, value := range bookData[key] {
			if _, err := group.Send(value); err != nil {
				t.Fatalf("group.send(%v): %v", value, err)
			}
		}
		if _, err := group.Send(nil); err != nil {
			t.Fatalf("group.send(None): %v", err)
		}
		if err := group.Close(); err != nil {
			t.Fatalf("group.close(): %v", err)
		}
	}
	report(&w, results)
	got := w.String()
	golden(t, "yield_from_report", got)
	for _, line := range []string{
		"10 girls averaging 42.04kg", "10 girls averaging 1.43m",
		" 9 boys  averaging 40.42kg", " 9 boys  averaging 1.39m",
	} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("report lacks the book's line %q:\n%s", line, got)
		}
	}
}
