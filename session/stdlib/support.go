package stdlib

import (
	"iter"
	"reflect"
	"unique"
)

// supportPath is the import path of the compiled helpers that the
// interpreted generic packages (gensrc/*.go.txt) call. It is not a Go
// package: it exists only as a binary package inside the interpreter.
const supportPath = "github.com/gilgo/gilgo/session/stdlib/support"

func init() {
	Symbols[supportPath+"/support"] = map[string]reflect.Value{
		"Pull":   reflect.ValueOf(pullAny),
		"Pull2":  reflect.ValueOf(pull2Any),
		"Intern": reflect.ValueOf(internAny),
		"Value":  reflect.ValueOf(handleValue),
	}
}

// pullAny is iter.Pull for interpreted iterators, whose element type is
// erased to any at the boundary and restored by the interpreted iter.Pull.
func pullAny(seq func(yield func(any) bool)) (func() (any, bool), func()) {
	return iter.Pull(iter.Seq[any](seq))
}

// pull2Any is iter.Pull2 for interpreted iterators.
func pull2Any(seq func(yield func(any, any) bool)) (func() (any, any, bool), func()) {
	return iter.Pull2(iter.Seq2[any, any](seq))
}

// internAny returns a unique.Handle[any] for v, boxed in an interface so
// that two handles compare equal exactly when their values are equal. It
// panics, like a map key, if v's dynamic type is not comparable.
func internAny(v any) any {
	return unique.Make(v)
}

// handleValue returns the value interned by internAny.
func handleValue(h any) any {
	hh, ok := h.(unique.Handle[any])
	if !ok {
		return nil
	}
	return hh.Value()
}
