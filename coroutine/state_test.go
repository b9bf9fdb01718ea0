package coroutine

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// One case per row of the state table in the spec (CPython 3.11).
func TestStateMachine(t *testing.T) {
	errE := &namedError{"E", "e"}
	errOther := errors.New("other")
	counter := func(log *transcript) func(co *Co) any {
		return func(co *Co) any {
			defer log.println("finally")
			for i := 1; i <= 2; i++ {
				got := co.Yield(i)
				log.printf("got %s\n", repr(got))
			}
			return "r"
		}
	}
	tests := []struct {
		name string
		body func(log *transcript) func(co *Co) any
		run  func(g *Generator, log *transcript)
		want string
	}{{
		name: "send non-nil to created",
		body: counter,
		run: func(g *Generator, log *transcript) {
			log.result("send(1)")(g.Send(1))
		},
		want: ">>> send(1)\nTypeError: can't send non-None value to a just-started generator\nstate GEN_CREATED\n",
	}, {
		name: "next on created runs to first yield",
		body: counter,
		run: func(g *Generator, log *transcript) {
			log.result("next")(g.Next())
		},
		want: ">>> next\n1\nstate GEN_SUSPENDED\n",
	}, {
		name: "send(nil) on created is next",
		body: counter,
		run: func(g *Generator, log *transcript) {
			log.result("send(None)")(g.Send(nil))
		},
		want: ">>> send(None)\n1\nstate GEN_SUSPENDED\n",
	}, {
		name: "send on suspended resumes the yield",
		body: counter,
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("send(7)")(g.Send(7))
		},
		want: ">>> send(7)\ngot 7\n2\nstate GEN_SUSPENDED\n",
	}, {
		name: "body returns: StopIteration with value",
		body: counter,
		run: func(g *Generator, log *transcript) {
			g.Next()
			g.Next()
			log.result("send(8)")(g.Send(8))
		},
		want: "got None\n>>> send(8)\ngot 8\nfinally\nStopIteration: 'r'\nstate GEN_CLOSED\n",
	}, {
		name: "body panics with an error",
		body: func(*transcript) func(co *Co) any {
			return func(co *Co) any { co.Yield(1); panic(errE) }
		},
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("next")(g.Next())
		},
		want: ">>> next\nE: e\nstate GEN_CLOSED\n",
	}, {
		name: "body raises with co.Raise",
		body: func(*transcript) func(co *Co) any {
			return func(co *Co) any { co.Raise(errE); return nil }
		},
		run: func(g *Generator, log *transcript) {
			log.result("next")(g.Next())
		},
		want: ">>> next\nE: e\nstate GEN_CLOSED\n",
	}, {
		name: "body returns an error: raised",
		body: func(*transcript) func(co *Co) any {
			return func(co *Co) any { return errE }
		},
		run: func(g *Generator, log *transcript) {
			log.result("next")(g.Next())
		},
		want: ">>> next\nE: e\nstate GEN_CLOSED\n",
	}, {
		name: "body panics with a non-error",
		body: func(*transcript) func(co *Co) any {
			return func(co *Co) any { panic("boom") }
		},
		run: func(g *Generator, log *transcript) {
			log.result("next")(g.Next())
		},
		want: ">>> next\n*coroutine.PanicError: panic: boom\nstate GEN_CLOSED\n",
	}, {
		name: "body runtime error",
		body: func(*transcript) func(co *Co) any {
			return func(co *Co) any {
				var m map[string]int
				m["x"] = 1
				return nil
			}
		},
		run: func(g *Generator, log *transcript) {
			log.result("next")(g.Next())
		},
		want: ">>> next\nruntime.Error: assignment to entry in nil map\nstate GEN_CLOSED\n",
	}, {
		name: "body raises StopIteration (PEP 479)",
		body: func(*transcript) func(co *Co) any {
			return func(co *Co) any { panic(&StopIterationError{Value: 1}) }
		},
		run: func(g *Generator, log *transcript) {
			_, err := g.Next()
			log.result("next")(nil, err)
			log.printf("is StopIteration: %v\n", errors.Is(err, StopIteration))
		},
		want: ">>> next\nRuntimeError: generator raised StopIteration\nis StopIteration: false\nstate GEN_CLOSED\n",
	}, {
		name: "next on closed",
		body: counter,
		run: func(g *Generator, log *transcript) {
			g.Close()
			log.result("next")(g.Next())
			log.result("send(1)")(g.Send(1))
		},
		want: ">>> next\nStopIteration\n>>> send(1)\nStopIteration\nstate GEN_CLOSED\n",
	}, {
		name: "send from inside the body",
		body: func(log *transcript) func(co *Co) any {
			return func(co *Co) any {
				self := co.Generator()
				log.printf("inside: %s %s\n", GetGeneratorState(self), GetCoroutineState(self))
				log.result("send(None) inside")(self.Send(nil))
				log.result("throw inside")(self.Throw(errE))
				log.result("close inside")(nil, self.Close())
				return nil
			}
		},
		run: func(g *Generator, log *transcript) {
			log.result("next")(g.Next())
		},
		want: ">>> next\ninside: GEN_RUNNING CORO_RUNNING\n>>> send(None) inside\nValueError: generator already executing\n>>> throw inside\nValueError: generator already executing\n>>> close inside\nValueError: generator already executing\nStopIteration\nstate GEN_CLOSED\n",
	}, {
		name: "throw on created closes it",
		body: counter,
		run: func(g *Generator, log *transcript) {
			log.result("throw(E)")(g.Throw(errE))
		},
		want: ">>> throw(E)\nE: e\nstate GEN_CLOSED\n",
	}, {
		name: "throw nil",
		body: counter,
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("throw(nil)")(g.Throw(nil))
		},
		want: ">>> throw(nil)\nTypeError: throw: nil error\nstate GEN_SUSPENDED\n",
	}, {
		name: "throw handled, body yields",
		body: func(log *transcript) func(co *Co) any {
			return func(co *Co) any {
				for i := 0; ; i++ {
					co.Try(func() { co.Yield(i) }, func(err error) bool {
						log.printf("handled %v\n", err)
						return true
					})
				}
			}
		},
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("throw(E)")(g.Throw(errE))
		},
		want: ">>> throw(E)\nhandled e\n1\nstate GEN_SUSPENDED\n",
	}, {
		name: "throw handled, body returns",
		body: func(log *transcript) func(co *Co) any {
			return func(co *Co) any {
				err := co.Try(func() { co.Yield(1) }, func(error) bool { return true })
				return fmt.Sprintf("caught %v", err)
			}
		},
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("throw(E)")(g.Throw(errE))
		},
		want: ">>> throw(E)\nStopIteration: 'caught e'\nstate GEN_CLOSED\n",
	}, {
		name: "throw handled with defer/recover",
		body: func(log *transcript) func(co *Co) any {
			return func(co *Co) (res any) {
				defer func() {
					if err := Recovered(recover()); err != nil {
						res = "recovered " + err.Error()
					}
				}()
				co.Yield(1)
				return "no"
			}
		},
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("throw(E)")(g.Throw(errE))
		},
		want: ">>> throw(E)\nStopIteration: 'recovered e'\nstate GEN_CLOSED\n",
	}, {
		name: "throw unhandled comes back",
		body: counter,
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("throw(E)")(g.Throw(errE))
		},
		want: ">>> throw(E)\nfinally\nE: e\nstate GEN_CLOSED\n",
	}, {
		name: "throw on closed",
		body: counter,
		run: func(g *Generator, log *transcript) {
			g.Close()
			log.result("throw(E)")(g.Throw(errE))
		},
		want: ">>> throw(E)\nE: e\nstate GEN_CLOSED\n",
	}, {
		name: "close created",
		body: counter,
		run: func(g *Generator, log *transcript) {
			log.result("close")(nil, g.Close())
			log.result("close again")(nil, g.Close())
		},
		want: ">>> close\n>>> close again\nstate GEN_CLOSED\n",
	}, {
		name: "close suspended runs defers",
		body: counter,
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("close")(nil, g.Close())
		},
		want: ">>> close\nfinally\nstate GEN_CLOSED\n",
	}, {
		name: "close: body returns on GeneratorExit",
		body: func(log *transcript) func(co *Co) any {
			return func(co *Co) any {
				err := co.Try(func() { co.Yield(1) }, func(err error) bool { return errors.Is(err, GeneratorExit) })
				log.printf("caught %v\n", err)
				return "done"
			}
		},
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("close")(nil, g.Close())
		},
		want: ">>> close\ncaught GeneratorExit\nstate GEN_CLOSED\n",
	}, {
		name: "close: body ignores GeneratorExit",
		body: func(log *transcript) func(co *Co) any {
			return func(co *Co) any {
				defer log.println("finally")
				for {
					co.Try(func() { co.Yield(1) }, func(err error) bool {
						log.printf("ignoring %v\n", err)
						return true
					})
				}
			}
		},
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("close")(nil, g.Close())
		},
		want: ">>> close\nignoring GeneratorExit\nfinally\nRuntimeError: generator ignored GeneratorExit\nstate GEN_CLOSED\n",
	}, {
		name: "close: body raises another error",
		body: func(log *transcript) func(co *Co) any {
			return func(co *Co) any {
				defer func() {
					if Recovered(recover()) != nil {
						panic(errOther)
					}
				}()
				co.Yield(1)
				return nil
			}
		},
		run: func(g *Generator, log *transcript) {
			g.Next()
			log.result("close")(nil, g.Close())
		},
		want: ">>> close\n*errors.errorString: other\nstate GEN_CLOSED\n",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log transcript
			g := New(tc.body(&log))
			tc.run(g, &log)
			log.printf("state %s\n", g.State())
			got := log.String()
			g.Close()
			if got != tc.want {
				t.Errorf("transcript:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// Send from another goroutine while the body runs.
func TestSendWhileRunningFromAnotherGoroutine(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	g := New(func(co *Co) any {
		close(started)
		<-release
		co.Yield(1)
		return nil
	})
	done := make(chan error)
	go func() {
		_, err := g.Next()
		done <- err
	}()
	<-started
	if _, err := g.Send(nil); err != ErrAlreadyExecuting {
		t.Errorf("send while running: got %v, want %v", err, ErrAlreadyExecuting)
	}
	if got := g.State(); got != "GEN_RUNNING" {
		t.Errorf("state while running = %s, want GEN_RUNNING", got)
	}
	if err := g.Close(); err != ErrAlreadyExecuting {
		t.Errorf("close while running: got %v, want %v", err, ErrAlreadyExecuting)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("next: %v", err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// Many goroutines hammer one generator: each call either runs it or gets
// ErrAlreadyExecuting; go test -race checks the hand-off.
func TestConcurrentSends(t *testing.T) {
	var sum int
	g := New(func(co *Co) any {
		for {
			v := co.Yield(sum)
			if v != nil {
				sum += v.(int)
			}
		}
	})
	var ok, busy atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				_, err := g.Send(1)
				switch {
				case err == nil:
					ok.Add(1)
				case err == ErrAlreadyExecuting:
					busy.Add(1)
				case errors.Is(err, ErrNonNoneToJustStarted):
					g.Next()
				default:
					t.Errorf("send: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	g.Next()
	if int64(sum) != ok.Load() {
		t.Errorf("body summed %d sends, callers saw %d succeed (%d busy)", sum, ok.Load(), busy.Load())
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestYieldFrom(t *testing.T) {
	errE := &namedError{"E", "e"}
	var log transcript
	sub := func() *Generator {
		return New(func(co *Co) any {
			defer log.println("sub finally")
			for i := 0; i < 3; i++ {
				co.Try(func() {
					v := co.Yield(fmt.Sprint("sub", i))
					log.printf("sub got %s\n", repr(v))
				}, func(err error) bool {
					if errors.Is(err, errE) {
						log.println("sub handled", err)
						return true
					}
					return false
				})
			}
			return "sub result"
		})
	}
	outer := func() *Generator {
		return New(func(co *Co) any {
			defer log.println("outer finally")
			r := co.YieldFrom(sub())
			log.printf("yield from returned %s\n", repr(r))
			return co.Yield("outer")
		})
	}
	g := outer()
	log.result("next")(g.Next())
	log.result("send(1)")(g.Send(1))
	log.result("throw(E)")(g.Throw(errE))
	log.result("next")(g.Next())
	log.result("send(2)")(g.Send(2))
	log.println("# close closes sub first")
	g = outer()
	g.Next()
	log.result("close")(nil, g.Close())
	log.println("# an unhandled throw passes through")
	g = outer()
	g.Next()
	log.result("throw(other)")(g.Throw(errors.New("other")))
	want := strings.Join([]string{
		">>> next", "'sub0'",
		">>> send(1)", "sub got 1", "'sub1'",
		">>> throw(E)", "sub handled e", "'sub2'",
		">>> next", "sub got None", "sub finally", "yield from returned 'sub result'", "'outer'",
		">>> send(2)", "outer finally", "StopIteration: 2",
		"# close closes sub first",
		">>> close", "sub finally", "outer finally",
		"# an unhandled throw passes through",
		">>> throw(other)", "sub finally", "outer finally", "*errors.errorString: other", "",
	}, "\n")
	if got := log.String(); got != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, want)
	}
}

func TestIteration(t *testing.T) {
	count := func(n int) *Generator {
		return New(func(co *Co) any {
			for i := 0; i < n; i++ {
				co.Yield(i)
			}
			return nil
		})
	}
	var got []any
	for v := range count(3).All() {
		got = append(got, v)
	}
	if fmt.Sprint(got) != "[0 1 2]" {
		t.Errorf("All: %v", got)
	}
	// Breaking out of All leaves the generator suspended; close it.
	g := count(5)
	for v := range g.All() {
		if v == 1 {
			break
		}
	}
	if g.State() != "GEN_SUSPENDED" {
		t.Errorf("after break: %s", g.State())
	}
	g.Close()
	vals, err := count(4).Collect()
	if fmt.Sprint(vals) != "[0 1 2 3]" || err != nil {
		t.Errorf("Collect = %v, %v", vals, err)
	}
	failing := New(func(co *Co) any {
		co.Yield(1)
		panic(errors.New("bad"))
	})
	it := failing.Iter()
	n := 0
	for it.Next() {
		n++
	}
	if n != 1 || it.Err() == nil || it.Err().Error() != "bad" || it.Next() {
		t.Errorf("Iter over a failing body: %d values, err %v", n, it.Err())
	}
}

func TestPrime(t *testing.T) {
	g, err := Prime(New(func(co *Co) any { return 5 }))
	if !errors.Is(err, StopIteration) || g.State() != "GEN_CLOSED" {
		t.Errorf("Prime on a body without yield: %v", err)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("Primed did not panic on a body that failed")
		}
	}()
	Primed(New(func(co *Co) any { panic("x") }))
}

func TestHooks(t *testing.T) {
	var log transcript
	side := "caller"
	prev := SetHooks(Hooks{
		Leave: func() any {
			log.printf("%s leaves\n", side)
			return side
		},
		Enter: func(tok any) {
			if tok == "caller" {
				side = "body"
			} else {
				side = "caller"
			}
			log.printf("%s enters from %v\n", side, tok)
		},
	})
	defer SetHooks(prev)
	g := New(func(co *Co) any {
		co.Yield(1)
		return nil
	})
	SetHooks(prev)
	g.Next()
	log.println("--")
	g.Next()
	want := "caller leaves\nbody enters from caller\nbody leaves\ncaller enters from body\n--\n" +
		"caller leaves\nbody enters from caller\nbody leaves\ncaller enters from body\n"
	if got := log.String(); got != want {
		t.Errorf("hook calls:\n%s\nwant:\n%s", got, want)
	}
}

// An abandoned suspended generator is closed by its cleanup: its deferred
// code runs and its goroutine ends.
func TestAbandonedGeneratorIsClosed(t *testing.T) {
	before := LiveBodies()
	var finalized atomic.Bool
	var ranOn atomic.Bool
	prev := SetHooks(Hooks{Abandoned: func(closeGen func()) {
		ranOn.Store(true)
		closeGen()
	}})
	func() {
		g := New(func(co *Co) any {
			defer finalized.Store(true)
			for {
				co.Yield(nil)
			}
		})
		g.Next()
	}()
	SetHooks(prev)
	if !waitNoLiveBodies(before) {
		t.Fatalf("abandoned generator still alive: %d bodies, want %d", LiveBodies(), before)
	}
	if !finalized.Load() || !ranOn.Load() {
		t.Errorf("abandoned generator: defer ran %v, Abandoned hook ran %v", finalized.Load(), ranOn.Load())
	}
}
