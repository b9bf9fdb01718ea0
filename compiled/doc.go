// Package compiled is the compiled tier of a gilgo session: it builds the
// declarations of a cell into a Go plugin (go build -buildmode=plugin),
// loads it into the running worker and hands yaegi its symbols, so that
// CPU-bound Go runs at native speed while still honouring the session's
// GIL (check points, interrupts, waits that release the lock).
//
// New makes a Compiler; Available (or Check) says in one line why this
// process cannot compile (no Go toolchain or another version, no C
// compiler, CGO_ENABLED=0, an unknown checkout). Compile builds one cell
// (imports, funcs, types, vars, consts; statements are a *BuildError, as
// are compiler errors, in cell[N]:LINE:COL lines) and returns a Result:
// Exports for the session's Use, and Bindings, interpreted source to run
// next that makes the cell's funcs and types callable by name. The cell
// may import the session's cell packages (the pkgs given to Compile):
// they are bound to the worker's own values through package rt, whose lock
// (rt.SetLock) the compiled code obeys. Frames finds a compiled cell's
// positions in a panic's stack. Plugins are never unloaded; Close removes
// the work directory. A Compile whose context is Quiet reports no progress.
// docs/compiled.md has the generated code, the limits,
// the build recipe and the costs.
//
// Compile calls are serialised; Available, ModuleRoot and Close are safe
// for concurrent use (Close after the last Compile). Check and Frames are
// safe for concurrent use.
package compiled
