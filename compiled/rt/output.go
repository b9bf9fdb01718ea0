package rt

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"

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
		return o.stdout
	}
	return os.Stdout
}

// Stderr is the standard error of compiled code.
func Stderr() io.Writer {
	if o := out.Load(); o != nil {
		return o.stderr
	}
	return os.Stderr
}

// Print is fmt.Print to Stdout.
func Print(a ...any) (int, error) { return fmt.Fprint(Stdout(), a...) }

// Println is fmt.Println to Stdout.
func Println(a ...any) (int, error) { return fmt.Fprintln(Stdout(), a...) }

// Printf is fmt.Printf to Stdout.
func Printf(format string, a ...any) (int, error) { return fmt.Fprintf(Stdout(), format, a...) }

// Exit is os.Exit for compiled cells: it panics as interpreted cells'
// os.Exit does, so that a cell cannot end the worker and its session.
func Exit(code int) { panic("os.Exit(" + strconv.Itoa(code) + ")") }

// BuiltinPrint is the builtin print of compiled code: the cell's stderr,
// the Go runtime's format.
func BuiltinPrint(args ...any) { builtinprint.Print(Stderr(), false, args) }

// BuiltinPrintln is the builtin println of compiled code.
func BuiltinPrintln(args ...any) { builtinprint.Print(Stderr(), true, args) }
