package coroutine

import (
	"errors"
	"fmt"
)

// Error is an error the generator machinery itself raises. Kind is the
// Python exception it stands for ("TypeError", "ValueError",
// "RuntimeError", "GeneratorExit"), Msg its message, verbatim CPython's.
// Compare with errors.Is against the sentinels below.
//
//	_, err := g.Send(1) // on a new generator
//	errors.Is(err, coroutine.ErrNonNoneToJustStarted) // true
type Error struct {
	Kind string
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// The errors the state machine raises, with CPython 3.11's messages.
var (
	// ErrNonNoneToJustStarted: Send with a non-nil value before the first
	// Next.
	//
	//	_, err := coroutine.New(body).Send(42)
	//	err.Error() // "can't send non-None value to a just-started generator"
	ErrNonNoneToJustStarted = &Error{Kind: "TypeError", Msg: "can't send non-None value to a just-started generator"}

	// ErrAlreadyExecuting: Next, Send, Throw or Close while the body runs
	// (from inside it, or from another goroutine).
	//
	//	_, err := g.Next() // inside g's own body
	//	err.Error()        // "generator already executing"
	ErrAlreadyExecuting = &Error{Kind: "ValueError", Msg: "generator already executing"}

	// ErrIgnoredGeneratorExit: Close made the body yield again.
	//
	//	err := g.Close() // the body recovered GeneratorExit and yielded
	//	err.Error()      // "generator ignored GeneratorExit"
	ErrIgnoredGeneratorExit = &Error{Kind: "RuntimeError", Msg: "generator ignored GeneratorExit"}

	// GeneratorExit is raised at the Yield of a generator being closed.
	// Let it through (or return) to close cleanly.
	//
	//	defer func() {
	//		if errors.Is(coroutine.Recovered(recover()), coroutine.GeneratorExit) {
	//			fmt.Println("closing")
	//		}
	//	}()
	GeneratorExit = &Error{Kind: "GeneratorExit", Msg: "GeneratorExit"}

	// StopIteration matches, with errors.Is, every *StopIterationError: the
	// end of a generator.
	//
	//	_, err := g.Next()
	//	errors.Is(err, coroutine.StopIteration) // true when g is exhausted
	StopIteration error = &StopIterationError{}

	errThrowNil     = &Error{Kind: "TypeError", Msg: "throw: nil error"}
	errYieldOutside = &Error{Kind: "RuntimeError", Msg: "yield outside the generator's running body"}
)

// StopIterationError ends a generator; Value is what the body returned.
//
//	var stop *coroutine.StopIterationError
//	if errors.As(err, &stop) {
//		fmt.Println(stop.Value) // the body's return value
//	}
type StopIterationError struct {
	Value any
}

func (e *StopIterationError) Error() string {
	if e.Value == nil {
		return "StopIteration"
	}
	return fmt.Sprintf("StopIteration: %v", e.Value)
}

// Is makes every StopIterationError match StopIteration.
func (e *StopIterationError) Is(target error) bool {
	_, ok := target.(*StopIterationError)
	return ok
}

// RaisedStopIterationError is PEP 479's RuntimeError: the body itself raised
// a StopIteration. It deliberately does not match StopIteration; Cause holds
// the original.
//
//	_, err := g.Next() // the body did panic(&coroutine.StopIterationError{})
//	err.Error()        // "generator raised StopIteration"
type RaisedStopIterationError struct {
	Cause *StopIterationError
}

func (e *RaisedStopIterationError) Error() string { return "generator raised StopIteration" }

// ErrRaisedStopIteration matches any *RaisedStopIterationError with
// errors.Is.
//
//	errors.Is(err, coroutine.ErrRaisedStopIteration)
var ErrRaisedStopIteration error = &RaisedStopIterationError{}

// Is makes every RaisedStopIterationError match ErrRaisedStopIteration.
func (e *RaisedStopIterationError) Is(target error) bool {
	_, ok := target.(*RaisedStopIterationError)
	return ok
}

// PanicError carries a body's panic value that is not an error, such as
// panic("boom").
//
//	_, err := g.Next() // the body did panic("boom")
//	err.Error()        // "panic: boom"
type PanicError struct {
	Value any
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

func isStop(err error) bool {
	var s *StopIterationError
	return errors.As(err, &s)
}
