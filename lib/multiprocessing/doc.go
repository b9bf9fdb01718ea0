// Package procpool is the multiprocessing answer to the GIL: it runs a
// func declared in a notebook cell in separate gilgo worker processes,
// each with its own interpreter and its own GIL, and brings the results
// back, so CPU-bound work scales with cores. Cells use it as:
//
//	import "multiprocessing"
//	pool := multiprocessing.NewPool(2) // 2 processes, started on first use
//	defer pool.Close()
//	results, err := pool.Map(work, []any{2e7, 2e7}) // in order
//	r, err := multiprocessing.Run(work, 2e7)        // one call, fresh process
//	r, err := gil.Process(work, 2e7)                // the same as Run
//
// Also Pool.Apply(f, args...), Pool.Starmap(f, [][]any), Pool.Size,
// Pool.PIDs, multiprocessing.Map (a pool of min(len, CPUs)) and CPUCount.
//
// # How a call travels
//
// A func value cannot be serialised; its source can. A child is a `gilgo
// worker` (worker.Start with os.Executable()); before a call it compiles
// Env.Declarations(), the session's imports and top-level declarations
// (only what changed since its last call, or all of it after a restart
// when a declaration was redefined). Then it runs a cell that calls the
// func by name through a compiled helper: the arguments are decoded from
// JSON into the func's parameter types, the results are encoded as JSON
// with their Go types and written to a file the parent reads. Results of
// basic types, and slices, arrays, maps and pointers of them, come back
// with their Go type (an int stays an int); others (structs) as JSON's
// any (map[string]any, float64...).
//
// # Limits (what a notebook user must know)
//
//   - f must be a func declared at the top level of a cell (or its name
//     as a string); closures, func literals, method values and funcs of
//     packages give a clear error. A func value is mapped to its name
//     through the registration pass (Pass) and yaegi's closure layout (see
//     resolve.go); if a yaegi upgrade breaks the layout probe, a func is
//     matched by type when that is unambiguous, else the name is needed.
//   - Arguments and results must be JSON-encodable; a trailing error
//     result comes back as the error.
//   - Globals are re-evaluated in each child from their declarations:
//     changes made by statements (x = 5, append) are not carried, nor are
//     closures' captured variables. Output of the declarations is hidden.
//   - A child's stdout/stderr go, whole lines at a time, to the calling
//     cell's output, without prefix; stdin is not available.
//   - Processes started by a pool cannot start processes of their own
//     (ChildEnv), so a declaration that calls Run cannot fork without end.
//
// # Lifetime and interrupts
//
// Processes start on first use and end with Pool.Close, with Procs.Close
// (the session's shutdown), when an unclosed Pool is garbage collected, or
// when the worker dies (Pdeathsig and the EOF of their request pipe).
// While a call waits, the calling goroutine releases its GIL
// (Env.Blocking). An Interrupt of the session interrupts the children's
// calls; a child that has not stopped after Options.KillGrace is killed
// (and restarted on its next call). The call returns an error wrapping
// ErrInterrupted.
//
// # Wiring
//
// procs := multiprocessing.New(multiprocessing.Options{Env: ...}); pass procs.Pass() in
// runtime.Options.Passes and procs.Exports() to Session.Use. Env needs a
// Declarations accessor from the session (see Env).
//
// # Concurrency
//
// Procs and Pool methods are safe for concurrent use; each process runs
// one call at a time, further calls wait for an idle process. The pass
// runs on the session's compile goroutine.
package multiprocessing
