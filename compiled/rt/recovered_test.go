package rt

import (
	"errors"
	"runtime"
	"testing"
)

type fakeRuntimeError struct{ msg string }

func (e fakeRuntimeError) Error() string { return e.msg }
func (e fakeRuntimeError) RuntimeError() {}

func TestRecovered(t *testing.T) {
	plain := errors.New("value method gilgo_g0123456789ab/c0001.T.F called using nil *T pointer")
	got, ok := Recovered(plain).(error)
	if !ok || got.Error() != "value method main.T.F called using nil *T pointer" {
		t.Errorf("Recovered(plain) = %v", got)
	}
	if !errors.Is(got, plain) {
		t.Errorf("Recovered(plain) does not unwrap to the original error")
	}
	rte := fakeRuntimeError{"runtime error: gilgo_gab/c0012.f failed"}
	if r, ok := Recovered(rte).(runtime.Error); !ok || r.Error() != "runtime error: main.f failed" {
		t.Errorf("Recovered(runtime error) = %#v, want a runtime.Error naming main.f", Recovered(rte))
	}
	for _, v := range []any{nil, "gilgo_g01/c0001.x", 3, errors.New("no path")} {
		if got := Recovered(v); got != v {
			t.Errorf("Recovered(%#v) = %#v, want it unchanged", v, got)
		}
	}
}
