package inspect

import (
	"reflect"

	"github.com/gilgo/gilgo/coroutine"
	"github.com/gilgo/gilgo/session/hook"
)

// Package returns the cell package "inspect": Python's
// inspect.getgeneratorstate and getcoroutinestate.
func Package() hook.Package {
	return hook.Package{Path: "inspect", Symbols: map[string]reflect.Value{
		"GetGeneratorState": reflect.ValueOf(coroutine.GetGeneratorState),
		"GetCoroutineState": reflect.ValueOf(coroutine.GetCoroutineState),
	}, Docs: docs()}
}
