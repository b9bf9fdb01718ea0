package coroutine

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && !waitNoLiveBodies(0) {
		fmt.Fprintf(os.Stderr, "leak: %d generator bodies still alive after the tests\n", LiveBodies())
		code = 1
	}
	os.Exit(code)
}

// waitNoLiveBodies runs the collector until at most want bodies are alive.
// Cleanups run on their own goroutine after a GC, so this polls a bounded
// number of times; it asserts no timing.
func waitNoLiveBodies(want int64) bool {
	for i := 0; i < 500; i++ {
		if LiveBodies() <= want {
			return true
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	return LiveBodies() <= want
}

// repr formats a value the way Python's REPL shows it, so transcripts read
// like the book's sessions.
func repr(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case float64:
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		return s
	case string:
		return "'" + v + "'"
	}
	return fmt.Sprint(v)
}

// transcript records calls and their outcomes.
type transcript struct {
	strings.Builder
}

func (t *transcript) printf(format string, args ...any) {
	fmt.Fprintf(t, format, args...)
}

func (t *transcript) println(args ...any) {
	fmt.Fprintln(t, args...)
}

// result writes ">>> label" then the value, or the error like a traceback's
// last line.
func (t *transcript) result(label string) func(v any, err error) {
	t.printf(">>> %s\n", label)
	return t.outcome
}

func (t *transcript) outcome(v any, err error) {
	var stop *StopIterationError
	switch {
	case errors.As(err, &stop):
		if stop.Value == nil {
			t.println("StopIteration")
		} else {
			t.printf("StopIteration: %s\n", repr(stop.Value))
		}
	case err != nil:
		t.printf("%s: %v\n", errName(err), err)
	case v != nil:
		t.println(repr(v))
	}
}

func errName(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var te *runtime.TypeAssertionError
	if errors.As(err, &te) {
		return "TypeError"
	}
	var re runtime.Error
	if errors.As(err, &re) {
		return "runtime.Error"
	}
	var ne *namedError
	if errors.As(err, &ne) {
		return ne.name
	}
	if errors.Is(err, ErrRaisedStopIteration) {
		return "RuntimeError"
	}
	return fmt.Sprintf("%T", err)
}

// namedError is an exception class of the book's examples.
type namedError struct{ name, msg string }

func (e *namedError) Error() string { return e.msg }

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s: output differs from %s\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}
