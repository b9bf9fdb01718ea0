// Package runtime is the Go session on yaegi v0.16.1: it implements
// engine.Interpreter in-process (the worker process serves it).
//
// # Cells
//
// A cell may mix imports, type/func/method/var/const declarations,
// statements and a trailing expression in any order. It is cut into
// top-level items with go/scanner, grouped into units and each unit is
// parsed with a /*line cell[N]:L:C*/ directive, so every error reads
// cell[N]:LINE:COL and the traceback shows the line with a caret.
// Declarations compile as one file; top-level x := e (also a, b := f())
// becomes a package var; statements run in a generated func __cellN_K, so
// yaegi's multi-value := bug in nested blocks cannot happen. Imports
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
// a typed parameter or :=, and globals/callees peeked in the session.
// min/max become calls of generic prelude helpers (typed argument first;
// constant calls folded), clear a compiled helper.
//
// # Redefinition
//
// yaegi silently keeps an old type or method. Redefining a type or method
// builds a fresh interpreter, compiles all current declarations plus the
// new ones in one file, re-evaluates var declarations with output hidden,
// then copies values from the old interpreter where the type is unchanged;
// the others are named on stderr. Goroutines of earlier cells are stopped.
//
// # Errors
//
// ename is SyntaxError or CompileError for bad source; for panics
// runtime.Error (runtime errors; yaegi's reflect messages are translated
// to Go's words, e.g. "runtime error: index out of range" — without the
// index and length, which yaegi does not give), "error" for errors.New and
// fmt.Errorf values, the dynamic type for other errors (*fs.PathError),
// "panic" for other values, Exit for os.Exit; InterpreterError when yaegi
// itself panics (recovered, the session survives); Interrupted;
// UsageError for magics. Tracebacks list the interpreted frames yaegi
// reports (taken from its stderr noise, which is filtered out).
//
// # Output and input
//
// fmt/println (yaegi's Stdout), log (Stderr), os.Stdout/os.Stderr
// (replaced by *StdStream) go through a router to the Output of the cell
// the writing goroutine belongs to: goroutines spawned by a cell keep
// writing to it after it returns; others write to the current cell.
// os.Stdin (a *StdinReader) and fmt.Scan* ask Output.Input for a line;
// without AllowStdin they fail with a clear error. time.Sleep is replaced
// by a version Interrupt wakes.
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
// %time, %%time, %timeit, %%timeit, %env, %reset, %lsmagic, %help.
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
// ran.
//
// # Concurrency
//
// Execute, Complete, Inspect, IsComplete and Use must not run concurrently
// with each other (the kernel calls them from one goroutine). Interrupt,
// Shutdown, CurrentOutput, CurrentCell and Input are safe for concurrent
// use from any goroutine.
package runtime
