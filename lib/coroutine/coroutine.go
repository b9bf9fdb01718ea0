package coroutine

import (
	"reflect"

	"github.com/gilgo/gilgo/coroutine"
	"github.com/gilgo/gilgo/session/hook"
)

// Package returns the cell package "coroutine": the Python-style
// generators of package github.com/gilgo/gilgo/coroutine.
func Package() hook.Package {
	return hook.Package{Path: "coroutine", Symbols: symbols(), Docs: docs()}
}

func symbols() map[string]reflect.Value {
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
