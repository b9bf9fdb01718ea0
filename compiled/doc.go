// Package compiled is the compiled tier of a gilgo session: it builds the
// declarations of a cell into a Go plugin with go build
// -buildmode=plugin, loads it into the running worker and hands yaegi its
// symbols, so CPU-bound Go runs at native speed while still honouring the
// session's GIL (check points, interrupts, sleeps that release the lock).
//
// # Use (the session's side)
//
//	c, _ := compiled.New(compiled.Options{Progress: showLine})
//	rt.SetLock(scheduler.Lock())           // once: the lock compiled code obeys
//	if err := c.Available(); err != nil { /* say it in one line, run interpreted */ }
//	res, err := c.Compile(ctx, cellSource, n, sessionPackages) // *BuildError: cell[N]:LINE:COL lines
//	session.Use(res.Exports)                  // package "gilgo_cNNNN"
//	// then run res.Bindings as a cell: imports + one wrapper per func,
//	//   func fib(p0 int) int { return gilgo_c0001.X__fib(p0) }
//	// so later cells call fib(27) and a later definition replaces it.
//
// # What is generated
//
// The cell (imports, funcs, types, vars, consts; a package clause is
// dropped; statements are a *BuildError) is written to
// WorkDir/g<random>/cNNNN/main.go as package main: a new directory, so a
// new import path, per build (a plugin path can be loaded once per
// process). Edits are textual and followed by /*line cell[N]:L:C*/
// directives, so compiler errors and panic stacks name the cell's own
// lines: rt.C() after the opening brace of every function and loop body;
// time.Sleep → rt.Sleep (releases the lock, an interrupt wakes it); <-ch,
// v, ok := <-ch and ch <- v → rt.Recv, rt.RecvOK, rt.Send (the same);
// fmt.Print, Println, Printf → rt's, and os.Stdout or os.Stderr as a call's
// argument → rt.Stdout(), rt.Stderr() (the cell's streams); go f(x)
// → rt.Go (f and x evaluated first; the goroutine is a gil thread). After a
// //line gilgo_generated.go:1 directive come the exported aliases the
// loader looks up, since plugins export only exported names:
// var X__f = f (funcs), var V__v = &v (vars), var T__T *T (types).
//
// # Cell packages
//
// A compiled cell may import the session's cell packages ("gil", "sys",
// "display", "coroutine", ...: the packages Compile is given whose import
// path is not one go build resolves). Each becomes a shim package in the
// cell module (cellpkg.go) whose funcs and types are the worker's own,
// bound through rt.Sym when the plugin opens: gil.Disable() in compiled
// code disables the session's lock, display.HTML shows in the calling
// cell. A package variable is a copy taken at that moment; a symbol whose
// type cannot be named outside its package is left out, with the reason
// in the shim.
//
// # Limits
//
//   - A compiled cell is self-contained: it sees its own declarations and
//     its imports (std, this module and the cell packages), not other
//     cells' names, compiled or interpreted.
//   - Bound to interpreted code: funcs whose signatures use basic types,
//     slices, maps, chans, funcs, pointers, structs and named types of the
//     same cell (the bindings alias them: type T = gilgo_cNNNN.T; yaegi
//     ignores a later redefinition of T, so recompiling a type needs the
//     session's type-redefinition replay) and types of imported packages. Generic
//     funcs, methods and funcs with interfaces with methods in their
//     signatures are compiled but not bound (Result.Skipped). Vars are
//     reached as pointers: *gilgo_cNNNN.V__total (yaegi cannot alias an
//     interpreted name to storage outside it: its dot import of a binary
//     var reads and increments it but refuses an assignment). Consts are
//     repeated in the bindings as written.
//   - Channel sends and receives release the lock while they wait
//     (rt.Send, rt.Recv, rt.RecvOK), so does a select without a default
//     case (its channels, and send values that are calls, are evaluated
//     first with the lock held; a labeled select is left alone), and
//     range over a channel when the cell declares the operand as one (a
//     chan parameter or var, or make(chan ...)): telling a channel from a
//     slice in general needs types the generator does not compute. The
//     same holds for sync waits: x.Wait() of a WaitGroup or Cond, x.Lock()
//     and x.RLock() of a Mutex or RWMutex (tried first with the lock held)
//     when the cell declares x with that type (rt.Block, rt.Acquire).
//     Other ranges over channels and waits (on struct fields, say) rely
//     on the lock's monitor, which hands the lock on after ~25 ms.
//     Compiled recursion is not counted against the session's recursion
//     limit (Go frames are cheap; deep recursion is fine): a runaway one
//     is a RecursionError once the goroutine stacks pass rt.StackBudget
//     and the goroutine is deeper than rt.MaxDepth frames (sampled with
//     the interpreter's recursion sampler), before Go's fatal overflow.
//   - Plugins are never unloaded: each costs about 2.8 MB RSS and a 6 MB
//     .so in WorkDir (removed by Close).
//
// # The build recipe (what must match, see /work/shared/notes/go-plugins.md)
//
// The plugin and the running binary must share the toolchain, the flags
// -trimpath, -race, -msan, -asan, -gcflags, -tags and GOAMD64-like
// settings, and byte-identical sources at the same recorded paths for
// every package they share (std, gil, runtime/compiled/rt). Compile reads
// the flags from debug.ReadBuildInfo and builds in a go.work that uses
// ModuleRoot with GOTOOLCHAIN=local, CGO_ENABLED=1 and the user's GOFLAGS
// removed. ModuleRoot is, in order, Options.ModuleRoot, $GILGO_SRC, or
// the source directory recorded in the binary (runtime.Caller; absent
// with -trimpath). Verified: go test ./runtime/compiled (the test binary
// is the host), a plain go build binary as make build makes it, and a
// -trimpath binary with GILGO_SRC set. Editing gil or rt after building
// the worker makes plugin.Open fail ("built from a different checkout");
// go test -cover and -race hosts are untested (-race is copied, a cold
// race+dynlink std build is slow). Plugins are linked with -ldflags=-s -w
// (panic stacks still name cell[N]:LINE: they read the pclntab; debuggers
// see no DWARF in plugins) and gold when the C compiler can use it; the
// flags are the linker's only, they change no package's hash. Available reports: no
// Go toolchain, another Go version, no C compiler, CGO_ENABLED=0, an
// unknown or wrong checkout.
//
// # Costs (2-core shared box, see the benchmarks)
//
// First build on an empty cache 10–40 s (std rebuilt with -dynlink;
// Options.Progress is told after 1 s); then 0.3–0.4 s per cell (linkFlags:
// 0.55–0.65 s with Go's default link flags); build
// errors 0.2 s. fib(27): compiled 0.99 ms without check points, 1.05 ms
// with (the entry check point, a load of rt's state pointer and of its
// mirror of the breaker, costs ~6 %; reading the lock's own breaker
// through its pointer cost ~25 %), the same through the interpreted
// wrapper, yaegi ~400× slower, CPython ~25× slower.
//
// # Concurrency
//
// Compile calls are serialised; Available, ModuleRoot and Close are safe
// for concurrent use (Close after the last Compile). Frames is a pure
// function.
package compiled
