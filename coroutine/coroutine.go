package coroutine

import (
	"errors"
	"fmt"
	"iter"
	"reflect"
	"runtime"
	"sync/atomic"
)

// States of a generator, as inspect.getgeneratorstate names them.
const (
	stateCreated int32 = iota
	stateRunning
	stateSuspended
	stateClosed
)

var genStateNames = [...]string{"GEN_CREATED", "GEN_RUNNING", "GEN_SUSPENDED", "GEN_CLOSED"}
var coroStateNames = [...]string{"CORO_CREATED", "CORO_RUNNING", "CORO_SUSPENDED", "CORO_CLOSED"}

// Generator is a Python-style generator whose body is a Go closure. Create
// one with New; drive it with Next, Send, Throw and Close.
//
//	g := coroutine.New(func(co *coroutine.Co) any {
//		x := co.Yield(1) // x is what the next Send passes in
//		return x         // becomes StopIteration's Value
//	})
//	v, _ := g.Next()       // v == 1
//	_, err := g.Send("hi") // err is *StopIterationError{Value: "hi"}
//
// A Generator is safe for concurrent use in the sense that a second caller
// gets "generator already executing" instead of a data race; it is not a
// queue.
type Generator struct {
	st *genState
}

// genState is everything the body's goroutine may reach. It never points
// back at the Generator handle, so an abandoned handle can be collected
// while the body is parked at a Yield (see New).
type genState struct {
	state atomic.Int32
	body  func(co *Co) any
	hooks Hooks
	co    Co

	handle atomic.Pointer[Generator] // weak in spirit: set while running

	next  func() (any, bool) // iter.Pull's next, set on first resume
	stop  func()
	yield func(any) bool // iter.Pull's yield, used by the body

	// Handed from the caller to the body before a switch.
	sent   any
	thrown error
	// Handed from the body to the caller at a Yield or at the end.
	token  any // Hooks.Leave result travelling with control
	result any
	err    error
}

// Co is the body's side of a generator: it yields values and receives what
// the caller sends. Use it only on the body's own goroutine, only while the
// body runs.
//
//	coroutine.New(func(co *coroutine.Co) any {
//		for i := 0; ; i++ {
//			co.Yield(i)
//		}
//	})
type Co struct {
	st *genState
}

// killed is the panic value Yield uses to unwind a body whose generator was
// closed for good (after it ignored GeneratorExit, or was abandoned).
type killedPanic struct{}

// New returns a generator that runs body on the first Next or Send, up to its
// first Yield. The body's return value becomes the Value of the
// StopIteration that ends the generator; a returned non-nil error, or a
// panic, is raised to the caller instead (see the package documentation).
//
//	g := coroutine.New(func(co *coroutine.Co) any {
//		fmt.Println("-> coroutine started")
//		x := co.Yield(nil)
//		fmt.Println("-> coroutine received:", x)
//		return nil
//	})
//
// Hooks set with SetHooks are captured here. A generator that is dropped
// while suspended, without Close, is closed by a cleanup after the garbage
// collector finds it unreachable (Hooks.Abandoned decides where that runs),
// so its goroutine does not leak; a body that captures its own Generator
// keeps itself reachable and must be closed explicitly.
func New(body func(co *Co) any) *Generator {
	st := &genState{body: body, hooks: currentHooks()}
	st.co.st = st
	g := &Generator{st: st}
	runtime.AddCleanup(g, (*genState).abandon, st)
	return g
}

// State returns the generator's state: "GEN_CREATED", "GEN_RUNNING",
// "GEN_SUSPENDED" or "GEN_CLOSED".
//
//	g := coroutine.New(func(co *coroutine.Co) any { return nil })
//	g.State() // "GEN_CREATED"
func (g *Generator) State() string {
	return genStateNames[g.st.state.Load()]
}

// String describes the generator like Python's repr.
//
//	fmt.Println(g) // <generator object at 0xc000010000>
func (g *Generator) String() string {
	return fmt.Sprintf("<generator object at %p>", g)
}

// Next resumes the generator with no value, like Python's next(g); it is
// Send(nil).
//
//	v, err := g.Next()
//	if errors.Is(err, coroutine.StopIteration) { /* exhausted */ }
func (g *Generator) Next() (any, error) {
	return g.Send(nil)
}

// Send resumes the generator: the pending Yield returns v and the body runs
// to its next Yield, whose argument Send returns. On a just-created
// generator v must be nil (the body has no Yield waiting yet).
//
//	avg := coroutine.Primed(averager())
//	v, err := avg.Send(40.0) // 40.0, nil
func (g *Generator) Send(v any) (any, error) {
	st := g.st
	for {
		s := st.state.Load()
		switch s {
		case stateRunning:
			return nil, ErrAlreadyExecuting
		case stateClosed:
			return nil, &StopIterationError{}
		case stateCreated:
			if v != nil {
				return nil, ErrNonNoneToJustStarted
			}
		}
		if st.state.CompareAndSwap(s, stateRunning) {
			break
		}
	}
	st.handle.Store(g)
	res, err := st.resume(v, nil)
	runtime.KeepAlive(g)
	return res, err
}

// Throw raises err at the Yield where the generator is suspended. If the
// body handles it and yields again, Throw returns that value; if the body
// returns, a StopIteration; if it does not handle it, err itself comes back.
// On a generator that has not started, or has finished, Throw closes it and
// returns err.
//
//	_, err := g.Throw(ErrDemo) // raised at the body's co.Yield
func (g *Generator) Throw(err error) (any, error) {
	if err == nil {
		return nil, errThrowNil
	}
	st := g.st
	for {
		s := st.state.Load()
		switch s {
		case stateRunning:
			return nil, ErrAlreadyExecuting
		case stateClosed:
			return nil, err
		case stateCreated:
			if st.state.CompareAndSwap(s, stateClosed) {
				return nil, err
			}
			continue
		}
		if st.state.CompareAndSwap(s, stateRunning) {
			break
		}
	}
	st.handle.Store(g)
	res, e := st.resume(nil, err)
	runtime.KeepAlive(g)
	return res, e
}

// Close raises GeneratorExit at the Yield where the generator is suspended,
// so the body's deferred code runs, and leaves the generator GEN_CLOSED. It
// returns nil when the body lets GeneratorExit through or returns, the
// error "generator ignored GeneratorExit" when the body yields again, and
// any other error the body raises. Closing a created or closed generator
// does nothing.
//
//	g := coroutine.Primed(demoFinally())
//	err := g.Close() // the body's defer prints "-> coroutine ending"
func (g *Generator) Close() error {
	err := g.st.close(g)
	runtime.KeepAlive(g)
	return err
}

func (st *genState) close(g *Generator) error {
	for {
		s := st.state.Load()
		switch s {
		case stateRunning:
			return ErrAlreadyExecuting
		case stateClosed:
			return nil
		case stateCreated:
			if st.state.CompareAndSwap(s, stateClosed) {
				return nil
			}
			continue
		}
		if st.state.CompareAndSwap(s, stateRunning) {
			break
		}
	}
	st.handle.Store(g)
	_, err := st.resume(nil, GeneratorExit)
	switch {
	case err == nil:
		// The body yielded again: unwind it for good.
		st.kill()
		return ErrIgnoredGeneratorExit
	case errors.Is(err, GeneratorExit), isStop(err):
		return nil
	}
	return err
}

// abandon is the cleanup for a Generator handle the collector found
// unreachable.
func (st *genState) abandon() {
	if st.state.Load() != stateSuspended {
		return
	}
	run := func() { _ = st.close(nil) }
	if st.hooks.Abandoned != nil {
		st.hooks.Abandoned(run)
		return
	}
	run()
}

// kill stops a body that ignored GeneratorExit: every Yield from now on
// panics with killedPanic until the body returns.
func (st *genState) kill() {
	st.state.Store(stateRunning)
	st.token = st.hooks.leave()
	st.stop()
	st.hooks.enter(st.token)
	st.token = nil
	st.result, st.err = nil, nil
	st.state.Store(stateClosed)
}

// resume hands control to the body; the caller has set the state to
// running. It returns what the body yielded, or the end of the generator.
func (st *genState) resume(v any, thrown error) (any, error) {
	if st.next == nil {
		st.next, st.stop = iter.Pull(iter.Seq[any](st.run))
		liveBodies.Add(1)
	}
	st.sent, st.thrown = v, thrown
	st.token = st.hooks.leave()
	out, ok := st.next()
	st.hooks.enter(st.token)
	st.token = nil
	st.handle.Store(nil)
	if ok {
		st.state.Store(stateSuspended)
		return out, nil
	}
	res, err := st.result, st.err
	st.result, st.err = nil, nil
	st.state.Store(stateClosed)
	if err != nil {
		return nil, err
	}
	return nil, &StopIterationError{Value: res}
}

// run is the iterator function iter.Pull drives: it runs the body and turns
// its end into st.result or st.err, so no panic crosses to the caller.
func (st *genState) run(yield func(any) bool) {
	st.yield = yield
	st.hooks.enter(st.token)
	finished := false
	defer func() {
		r := recover()
		liveBodies.Add(-1)
		st.yield = nil
		st.token = st.hooks.leave()
		if r == nil && !finished {
			return // runtime.Goexit: iter.Pull propagates it
		}
		if r != nil {
			st.err = raised(r)
		}
	}()
	res := st.body(&st.co)
	finished = true
	if err, ok := res.(error); ok && err != nil {
		st.err = raised(err)
		return
	}
	st.result = res
}

// raised turns what a body panicked with (or returned as an error) into the
// error its caller sees.
func raised(r any) error {
	switch r := unwrapPanic(r).(type) {
	case killedPanic:
		return nil
	case *StopIterationError:
		return &RaisedStopIterationError{Cause: r}
	case error:
		return r
	}
	return &PanicError{Value: r}
}

// Yield suspends the body and hands v to the caller of Next, Send or Throw.
// It returns the value of the next Send (nil for Next). If the caller uses
// Throw, Yield panics with the thrown error; Close makes it panic with
// GeneratorExit. Recover with defer (or use Try) to play Python's
// try/except/finally.
//
//	coroutine.New(func(co *coroutine.Co) any {
//		b := co.Yield(14) // b == 28 after g.Send(28)
//		return b
//	})
func (co *Co) Yield(v any) any {
	sent, thrown := co.yield(v)
	if thrown != nil {
		panic(thrown)
	}
	return sent
}

func (co *Co) yield(v any) (any, error) {
	st := co.st
	if st.yield == nil || st.state.Load() != stateRunning {
		panic(errYieldOutside)
	}
	st.token = st.hooks.leave()
	ok := st.yield(v)
	st.hooks.enter(st.token)
	if !ok {
		panic(killedPanic{})
	}
	sent, thrown := st.sent, st.thrown
	st.sent, st.thrown = nil, nil
	return sent, thrown
}

// YieldFrom delegates to sub until it ends (PEP 380, Python's "yield from"):
// values sub yields go to this generator's caller, Sends and Throws go to
// sub, Close closes sub first. It returns sub's return value; an error sub
// raises is raised here (YieldFrom panics with it).
//
//	coroutine.New(func(co *coroutine.Co) any {
//		result := co.YieldFrom(averager()) // runs averager to its end
//		return result
//	})
func (co *Co) YieldFrom(sub *Generator) any {
	v, err := sub.Next()
	for {
		if err != nil {
			var stop *StopIterationError
			if errors.As(err, &stop) {
				return stop.Value
			}
			panic(err)
		}
		sent, thrown := co.yield(v)
		switch {
		case thrown == nil && sent == nil:
			v, err = sub.Next()
		case thrown == nil:
			v, err = sub.Send(sent)
		case errors.Is(thrown, GeneratorExit):
			if cerr := sub.Close(); cerr != nil {
				panic(cerr)
			}
			panic(thrown)
		default:
			v, err = sub.Throw(thrown)
		}
	}
}

// Generator returns the generator this body belongs to. Holding it inside
// the body keeps the generator reachable, so close it explicitly.
//
//	coroutine.New(func(co *coroutine.Co) any {
//		fmt.Println(coroutine.GetGeneratorState(co.Generator())) // GEN_RUNNING
//		return nil
//	})
func (co *Co) Generator() *Generator { return co.st.handle.Load() }

// Raise raises err in the body, like Python's raise: the body unwinds
// (running its defers) and err reaches the caller of Next, Send or Throw.
// It is panic(err) with a clearer name.
//
//	if x < 0 {
//		co.Raise(fmt.Errorf("negative: %d", x))
//	}
func (co *Co) Raise(err error) {
	panic(err)
}

// Try runs fn and, if fn raises an error (panics with it, or a Yield inside
// it receives a Throw), calls except with it. When except returns true the
// error is handled and Try returns it; otherwise it is raised again. A
// panic that is not an error is raised as a *PanicError. Try is the
// try/except block of Python, usable from interpreted code.
//
//	for {
//		co.Try(func() {
//			x := co.Yield(nil)
//			fmt.Println("-> coroutine received:", x)
//		}, func(err error) bool {
//			if !errors.Is(err, ErrDemo) {
//				return false // not ours: propagate
//			}
//			fmt.Println("*** DemoException handled. Continuing...")
//			return true
//		})
//	}
func (co *Co) Try(fn func(), except func(err error) bool) (handled error) {
	return Try(fn, except)
}

// Try is Co.Try without a generator: it runs fn, hands a raised error to
// except and raises it again unless except returns true.
//
//	err := coroutine.Try(func() { panic(io.EOF) }, func(err error) bool {
//		return errors.Is(err, io.EOF)
//	}) // err == io.EOF
func Try(fn func(), except func(err error) bool) (handled error) {
	var raisedErr error
	func() {
		defer func() {
			if r := unwrapPanic(recover()); r != nil {
				if _, ok := r.(killedPanic); ok {
					panic(r)
				}
				raisedErr = raised(r)
				if raisedErr == nil {
					raisedErr = &PanicError{Value: r}
				}
				if pe, ok := raisedErr.(*RaisedStopIterationError); ok {
					raisedErr = pe.Cause
				}
			}
		}()
		fn()
	}()
	if raisedErr == nil {
		return nil
	}
	if except != nil && except(raisedErr) {
		return raisedErr
	}
	panic(raisedErr)
}

// Recovered converts a value returned by recover() into the error the body
// was given or raised: the thrown error, GeneratorExit, a runtime error, or
// a *PanicError for other values. It returns nil for nil.
//
//	defer func() {
//		if err := coroutine.Recovered(recover()); errors.Is(err, ErrDemo) {
//			fmt.Println("handled")
//		}
//	}()
func Recovered(r any) error {
	r = unwrapPanic(r)
	if r == nil {
		return nil
	}
	if _, ok := r.(killedPanic); ok {
		// Do not let user code swallow the kill silently.
		panic(r)
	}
	if err, ok := r.(error); ok {
		return err
	}
	return &PanicError{Value: r}
}

// Primed advances a new generator to its first Yield and returns it: the
// priming decorator of Fluent Python (@coroutine). Like regexp.MustCompile
// it panics if priming fails; Prime returns the error instead.
//
//	avg := coroutine.Primed(averager())
//	avg.Send(40.0) // 40.0: no Next needed
func Primed(g *Generator) *Generator {
	if _, err := g.Next(); err != nil {
		panic(err)
	}
	return g
}

// Prime advances a new generator to its first Yield, like Primed, and
// returns the error if the body ends or fails instead.
//
//	g, err := coroutine.Prime(averager())
func Prime(g *Generator) (*Generator, error) {
	if _, err := g.Next(); err != nil {
		return g, fmt.Errorf("prime generator: %w", err)
	}
	return g, nil
}

// PrimedFunc is the priming decorator for a generator constructor: the
// returned function calls ctor and primes the generator it makes.
//
//	averager := coroutine.PrimedFunc(func(args ...any) *coroutine.Generator {
//		return coroutine.New(averagerBody)
//	})
//	avg := averager()
func PrimedFunc(ctor func(args ...any) *Generator) func(args ...any) *Generator {
	return func(args ...any) *Generator {
		return Primed(ctor(args...))
	}
}

// GetGeneratorState is inspect.getgeneratorstate: "GEN_CREATED",
// "GEN_RUNNING", "GEN_SUSPENDED" or "GEN_CLOSED".
//
//	inspect.GetGeneratorState(g) // "GEN_SUSPENDED"
func GetGeneratorState(g *Generator) string {
	return genStateNames[g.st.state.Load()]
}

// GetCoroutineState is inspect.getcoroutinestate: "CORO_CREATED",
// "CORO_RUNNING", "CORO_SUSPENDED" or "CORO_CLOSED".
//
//	inspect.GetCoroutineState(g) // "CORO_CLOSED"
func GetCoroutineState(g *Generator) string {
	return coroStateNames[g.st.state.Load()]
}

// unwrapPanic returns the value an interpreted panic(v) carries: yaegi
// panics with v's reflect.Value.
func unwrapPanic(r any) any {
	for {
		rv, ok := r.(reflect.Value)
		if !ok {
			return r
		}
		if !rv.IsValid() || !rv.CanInterface() {
			return nil
		}
		r = rv.Interface()
	}
}

// liveBodies counts bodies that have started and not yet ended (for leak
// tests).
var liveBodies atomic.Int64

// LiveBodies returns how many generator bodies have started and not ended
// in this process: parked at a Yield or running. Tests use it to check that
// closed and abandoned generators release their goroutines.
//
//	n := coroutine.LiveBodies()
func LiveBodies() int64 {
	return liveBodies.Load()
}
