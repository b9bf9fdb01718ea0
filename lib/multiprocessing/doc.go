// Package multiprocessing is the cell package "multiprocessing", the
// multiprocessing answer to the GIL: it runs a func declared in a notebook
// cell in other gilgo worker processes, each with its own interpreter and
// GIL, and brings the results back, so CPU-bound work scales with cores.
//
//	pool := multiprocessing.NewPool(2) // 2 processes, started on first use
//	defer pool.Close()
//	results, err := pool.Map(work, []any{2e7, 2e7}) // in order
//	r, err := multiprocessing.Run(work, 2e7)        // one call, fresh process
//
// f must be a func declared at the top level of a cell (or its name);
// arguments and results travel as JSON, a trailing error result comes back
// as the error, a failure in a child as a *ProcessError, and an interrupt
// of the session as an error wrapping ErrInterrupted. A child rebuilds the
// session's declarations (Host.Declarations), not its state: globals are
// re-evaluated there. Processes started by a pool cannot start processes
// of their own (ChildEnv). docs/cell-packages.md has the full semantics.
//
// Wiring: New(Options{Host: session, ...}), then Import its Package (the
// symbols, the pass that names every cell's funcs, the helpers the children
// run). Close ends every pool's processes.
//
// Procs and Pool methods are safe for concurrent use; each process runs
// one call at a time, further calls wait for an idle process.
package multiprocessing
