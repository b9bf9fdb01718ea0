package rt

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"sync/atomic"

	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/internal/builtinprint"
)

// Output of compiled code. Generated code calls Print, Println and Printf
// instead of fmt's, and passes Stdout() and Stderr() where a call's
// argument was os.Stdout or os.Stderr, so that what compiled code prints
// goes where interpreted code's prints go (the cell's streams, in order)
// rather than to the process's file descriptors.

type outputs struct{ stdout, stderr io.Writer }

var out atomic.Pointer[outputs]

// SetOutput makes stdout and stderr the streams of compiled code and
// returns a function that restores the previous ones. Without a call
// they are os.Stdout and os.Stderr.
func SetOutput(stdout, stderr io.Writer) (restore func()) {
	old := out.Swap(&outputs{stdout, stderr})
	return func() { out.Store(old) }
}

// Stdout is the standard output of compiled code.
func Stdout() io.Writer {
	if o := out.Load(); o != nil {
		return namesWriter{o.stdout}
	}
	return namesWriter{os.Stdout}
}

// Stderr is the standard error of compiled code.
func Stderr() io.Writer {
	if o := out.Load(); o != nil {
		return namesWriter{o.stderr}
	}
	return namesWriter{os.Stderr}
}

// namesWriter writes main. where compiled code prints its plugin's
// package path (gilgo_g…/c0001.): function names from the runtime, the
// type arguments of generic instances, panic texts name the cell's
// package main, as go run does.
type namesWriter struct{ w io.Writer }

func (n namesWriter) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte("gilgo_g")) {
		return n.w.Write(p)
	}
	if _, err := n.w.Write(pluginPkg.ReplaceAll(p, []byte("main."))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Print is fmt.Print to Stdout.
func Print(a ...any) (int, error) { return fmt.Fprint(Stdout(), a...) }

// Println is fmt.Println to Stdout.
func Println(a ...any) (int, error) { return fmt.Fprintln(Stdout(), a...) }

// Printf is fmt.Printf to Stdout.
func Printf(format string, a ...any) (int, error) { return fmt.Fprintf(Stdout(), format, a...) }

// Exit is os.Exit for compiled cells: it panics as interpreted cells'
// os.Exit does, so that a cell cannot end the worker and its session.
func Exit(code int) {
	if r := mainRunner.Load(); r != nil {
		r.exit(code)
	}
	panic("os.Exit(" + strconv.Itoa(code) + ")")
}

// mainRunner is the RunMain in progress, if any: Exit ends it.
var mainRunner atomic.Pointer[runner]

// runner is one RunMain: end receives how main ended.
type runner struct{ end chan mainEnd }

// mainEnd is how a program's main ended: it returned, called os.Exit
// with code, or panicked with value.
type mainEnd struct {
	exited   bool
	code     int
	panicked bool
	value    any
}

// exit reports os.Exit(code) to the runner and stops the calling
// goroutine for good, with the lock released: the program ended here, and
// its deferred calls must not run.
func (r *runner) exit(code int) {
	select {
	case r.end <- mainEnd{exited: true, code: code}:
	default: // another goroutine ended the program first
	}
	block := func() { select {} }
	if l := Lock(); l != nil {
		l.Blocking(block)
	}
	block()
}

// RunMain runs a whole program's main as go run ends it: when the program
// calls os.Exit (Exit), it ends there without running deferred calls, and
// RunMain panics with "os.Exit(code)" as Exit does elsewhere; a panic of
// main is raised again here. main runs on a goroutine of its own (a thread
// of the lock); the caller waits with the lock released. The goroutine of
// an os.Exit is left blocked for good.
func RunMain(main func()) {
	r := &runner{end: make(chan mainEnd, 1)}
	prev := mainRunner.Swap(r)
	defer mainRunner.Store(prev)
	Go("main", func() {
		defer func() {
			v := recover()
			select {
			case r.end <- mainEnd{panicked: v != nil, value: v}:
			default:
			}
		}()
		main()
	})
	e, ok := recvWait((<-chan mainEnd)(r.end))
	switch {
	case !ok: // the cell was interrupted; main stops at its next check point
		panic(gil.ErrInterrupted)
	case e.exited:
		panic("os.Exit(" + strconv.Itoa(e.code) + ")")
	case e.panicked:
		panic(e.value)
	}
}

// pluginPkg matches the package path a compiled cell's names carry
// (gilgo_g0123456789ab/c0001.), where go run says main.
var pluginPkg = regexp.MustCompile(`gilgo_g[0-9a-f]+/c[0-9]+\.`)

// Recovered is recover() in compiled code: an error whose text names the
// cell's plugin package ("value method gilgo_g…/c0001.T.F called using
// nil *T pointer") comes back with main in its place, as go run words
// it, and still a runtime.Error if it was one.
func Recovered(r any) any {
	err, ok := r.(error)
	if !ok || !pluginPkg.MatchString(err.Error()) {
		return r
	}
	msg := pluginPkg.ReplaceAllString(err.Error(), "main.")
	if _, isRuntime := err.(runtime.Error); isRuntime {
		return runtimeError{renamedError{msg, err}}
	}
	return renamedError{msg, err}
}

// renamedError is an error with the plugin's package renamed main.
type renamedError struct {
	msg string
	err error
}

func (e renamedError) Error() string { return e.msg }
func (e renamedError) Unwrap() error { return e.err }

// runtimeError is a renamedError of a runtime.Error.
type runtimeError struct{ renamedError }

func (e runtimeError) RuntimeError() {}

// BuiltinPrint is the builtin print of compiled code: the cell's stderr,
// the Go runtime's format.
func BuiltinPrint(args ...any) { builtinprint.Print(Stderr(), false, args) }

// BuiltinPrintln is the builtin println of compiled code.
func BuiltinPrintln(args ...any) { builtinprint.Print(Stderr(), true, args) }
