// Package runtime is the Go session on yaegi v0.16.1: it implements
// engine.Interpreter in-process (the worker process serves it).
//
// # Cells
//
// A cell may mix imports, type/func/method/var/const declarations,
// statements and a trailing expression in any order; imports are hoisted
// to the front (keeping their positions). It is cut into
// top-level items with go/scanner, grouped into units and each unit is
// parsed with a /*line cell[N]/_.go:L:C*/ directive, so every error reads
// cell[N]:LINE:COL and the traceback shows the line with a caret. (The file
// must be named .../_.go: yaegi finds imports under the base name of an
// identifier's file; cellPos shortens the name in messages.)
// Declarations compile as one file; top-level x := e (also a, b := f())
// becomes a package var; statements run in a generated func __cellN_K, so
// yaegi's multi-value := bug in nested blocks cannot happen, called from a
// var initializer of the same file (one compile and one execute per unit).
// A var whose initializer reads a variable of an earlier cell (yaegi:
// "variable definition loop") runs by value (varvalue.go): the initializer
// runs in a func, the var is declared by its type and set. Imports
// already seen are dropped. A package clause is dropped; func main is
// renamed __main (yaegi would re-run it after every cell) and, when the
// cell has a package clause, run once. The trailing expression's arity is
// taken from the AST and the callee's reflect type: results of print-like
// calls ((n int, err error) of Print*/Fprint*/Write*) and a nil error are
// not shown; several results show as a tuple (1, "a").
//
// # Rewrites
//
// Every file passes through a pipeline of AST passes (Pass): main,
// deferloop, rangeint, rangefunc, loopvar, builtins, then Options.Passes (e.g. the GIL
// check points), then go (go f(x) → __rt.Go(func(){ f(x) }) with f and x
// evaluated first; the compiled helper recovers panics and reports
// "panic in goroutine N (cell [k]): ..." to the cell's stderr). Range over
// int and func need a type; it is found for literals, len/cap, locals with
// a typed parameter or :=, and globals/callees peeked in the session; a
// range over an operand of unknown type is retried as an integer range
// (make([]struct{}, n)) after yaegi's "nil type" panic (rangeprobe.go).
// A deferred func literal in a loop gets the integer loop variables as
// parameters (deferloop). print/println write to stderr in Go's format.
// min/max become calls of generic prelude helpers (typed argument first;
// constant calls folded), clear a compiled helper.
//
// # Redefinition
//
// yaegi silently keeps an old type or method. Redefining a type or method
// builds a fresh interpreter, compiles all current declarations plus the
// new ones in one file, re-evaluates var declarations with output hidden,
// then copies values from the old interpreter where the type is unchanged
// (func values excepted: closures die with their interpreter). Variables
// whose type changed keep the re-evaluated value; those whose declaration
// no longer compiles are named on stderr with the error. Goroutines of
// earlier cells are stopped.
//
// # Errors
//
// ename is SyntaxError or CompileError for bad source; for panics
// runtime.Error (runtime errors; yaegi's reflect messages are translated
// to Go's words; after an index or slice panic the operands at the panic's
// line are re-evaluated when they are literals or cell globals, giving
// "index out of range [5] with length 3" — locals of a function cannot be
// seen, and the message then has no numbers), "error" for errors.New and
// fmt.Errorf values, the dynamic type for other errors (*fs.PathError),
// "panic" for other values, Exit for os.Exit; InterpreterError when yaegi
// itself panics (recovered, the session survives); an unresolved name,
// which yaegi reports as a panic, is CompileError "undefined: x";
// Interrupted;
// UsageError for magics. Tracebacks list the interpreted frames yaegi
// reports (taken from its stderr noise, which is filtered out).
//
// # Output and input
//
// fmt (yaegi's Stdout), log and print/println (Stderr), os.Stdout and
// os.Stderr (replaced by *StdStream, which has Write, WriteString, Name,
// Fd, Sync and Close but is not an *os.File) go through a router to the Output of the cell
// the writing goroutine belongs to: goroutines spawned by a cell keep
// writing to it after it returns; others write to the current cell.
// os.Stdin (a *StdinReader) and fmt.Scan* ask Output.Input for a line;
// without AllowStdin they fail with a clear error. time.Sleep is replaced
// by a version Interrupt wakes.
//
// # Display, completion
//
// Cells import package display (runtime/display), bound to the Output of
// the displaying goroutine's cell. A trailing expression is rendered with
// display.Bundle (Data, charts, image.Image as image/png, MimeBundle/HTML/
// Markdown/SVG methods of compiled types) plus a text/plain part.
// Complete, Inspect and IsComplete are runtime/complete's over a snapshot
// of the session (scope.go): cell declarations, imports, symbol tables,
// globals with their types (so methods of cell types are offered).
//
// # The GIL
//
// Options.Scheduler (see hooks.go; runtime/gilrt implements it on package
// gil) puts interpreted goroutines under one lock: a cell takes it for its
// duration, go statements start gil threads, time.Sleep and stdin reads
// release it, Interrupt sets the lock's interrupt, and the scheduler adds
// its passes (check points, blocking wrappers), cell packages and %%gil.
// Without a Scheduler goroutines run free.
//
// # Magics
//
// %time, %%time, %timeit, %%timeit, %env, %reset, %lsmagic, %help, the
// scheduler's (%%gil) and Options.CellMagics (cellmagic.go), the extension
// point for cell magics such as the compiled tier's %%compile: a
// CellMagic gets a MagicCell (body padded to the cell's line numbers,
// cell number, Output, Context, Run for Go source as part of the cell, Use
// for packages, Blocking to release the lock around slow work,
// CompileError for cell[N]:L:C error lines). A //gilgo:NAME comment line
// directly before a top-level func declaration runs the whole cell through
// magic NAME. %reset prints each magic's non-empty ResetNote and then sets
// ExecuteResult.Restart: the worker replaces its process, the only way to
// free what the note names (Go cannot unload plugins).
//
// # Known gaps
//
// Goroutines: yaegi's cancel stops every interpreted goroutine, including
// earlier cells'. Stack overflow is fatal (the worker process restarts).
// A deferred function literal in a loop sees the iteration's value of an
// integer loop variable (it is passed as a parameter); other variables
// declared in the loop body are seen with their last value when a
// deferred literal reads them, and deferring a closure *value* made in the
// same function (d := func(){...}; defer d()) deadlocks yaegi. A return
// inside range-over-func is reported, not rewritten. Generic inference gaps
// of yaegi (two type parameters, variadic) come back as CompileError.
// A compile error in a later unit of a cell is found after earlier units
// ran. A var run by value gets its static type written as Go source: a
// type that cannot be written (an unexported compiled type) needs an
// explicit type. Range over an integer of unknown type gives an int key,
// not the operand's type.
//
// # Concurrency
//
// Execute, Complete, Inspect, IsComplete and Use must not run concurrently
// with each other (the kernel calls them from one goroutine). Interrupt,
// Shutdown, CurrentOutput, CurrentCell and Input are safe for concurrent
// use from any goroutine.
package session
