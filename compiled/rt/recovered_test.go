package rt

import (
	"errors"
	"runtime"
	"strings"
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

func TestNamesWriter(t *testing.T) {
	var b strings.Builder
	w := namesWriter{&b}
	for _, s := range []string{"gilgo_g0123456789ab/c0001.main\n", "plain gilgo_g text\n", "main.F[gilgo_gab/c0002.foo]\n"} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Errorf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
		}
	}
	if want := "main.main\nplain gilgo_g text\nmain.F[main.foo]\n"; b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
}
