// Package pylib is the cell-facing half of the Python-style runtime
// helpers: it builds the yaegi symbol tables of the packages cells import
// to follow the GIL and coroutine chapters cell for cell.
//
// # What cells can import
//
//	import "coroutine" // New, Primed, Prime, PrimedFunc, Try, Recovered, StopIteration,
//	                   // GeneratorExit, the Err* values and error types, Generator, Co, Iterator
//	import "inspect"   // GetGeneratorState, GetCoroutineState
//	import "refcount"  // New, Plain/Atomic/Locked, Name, OnFree, Output, SetOutput, Race,
//	                   // Transfer, TransferContext, ErrUseAfterFree/ErrDoubleFree/ErrDeadlock
//	import "sys"       // GetRefCount (other packages add to "sys" with their own Exports)
//
// Exports(env) returns all four tables; the session Uses it once. yaegi
// merges Use calls symbol by symbol, so another Exports may add names to
// "sys/sys" (SetSwitchInterval, ...) before or after. Generators cannot be
// ranged over in cells (range-over-func crashes yaegi's compiler): use
// g.Iter() or g.Collect().
//
// refcount.New sends "refcount: freed NAME" to the stdout of the cell the
// calling goroutine belongs to (env.CurrentOutput at write time), unless
// the cell's refcount.SetOutput or an Output option says otherwise.
// refcount.Transfer waits until a deadlock is detected, the cell is
// interrupted (env.Interrupted closes; the error wraps ErrInterrupted) or,
// for TransferContext, the context ends.
//
// # sys.GetRefCount: identity rules
//
// GetRefCount(v) counts the places in the session that refer to the same
// object as v, plus one for the argument, like CPython's sys.getrefcount.
// Go has no object headers, so the object is what Go values share:
//
//   - a slice: its backing array. Two slices are the same object when
//     their ranges [data, data+cap) overlap (s and s[1:] are); empty ranges
//     match on the data pointer.
//   - a map, a channel: the runtime object.
//   - a pointer: its target address and type (&x and &x.first differ).
//   - a func: its closure (f2 := f shares it; two literals never do).
//   - an interface: its dynamic value.
//
// Values without identity give 1: numbers, bools, strings (immutable: Go
// shares their bytes invisibly), structs and arrays held by value (a copy
// is a new value), nil. Zero-size allocations all live at one address in
// Go, so an empty slice made by []T{} or make([]T, 0) has no identity
// either — unless the cell was rewritten by RewriteEmptySlices (the
// session runs it as a Pass), which gives each such literal an array of
// its own: then a := []int{}; b := a; sys.GetRefCount(a) is 3, an
// unrelated c := []int{} does not add to it, and after b = nil it is 2.
// An empty slice the rewrite cannot see (from a named slice type, a
// computed length 0, a compiled function) counts 1.
//
// # What is walked, and the cost
//
// The roots are env.Globals(): every variable of every cell. From each
// root the walk follows pointers, interfaces, slice and array elements
// (up to len), struct fields (unexported ones too), map keys and values,
// and interpreted closures' captured variables: the frames their literals
// ran in, read out of yaegi v0.16.1's internals (checked by name and
// field layout before any read; if a check fails, captured variables are
// not seen). yaegi keeps temporaries in frame slots too, so one frame
// counts an object at most once. Not visible: values in channel buffers,
// locals of running goroutines, data behind unsafe pointers or atomics,
// yaegi's own structures. A visited set makes each object's contents be
// walked once; the walk stops at depth 64 and after 2^20 values (the
// count is then a lower bound).
//
// Cost: O(size of the session's reachable data) per call — it grows with
// the number of variables and what they hold (see BenchmarkGetRefCount:
// roughly linear in the number of globals). Call it in demonstrations, not
// in loops. It reads the session's memory without locks: with the GIL on
// (the session's default) no other cell code runs meanwhile; with it off,
// a goroutine mutating what the walk reads is a data race.
//
// # Docs
//
// Docs(path) returns the documentation of a cell package's symbols
// ("New", "Generator.Send") for the session's inspect_request; it is
// generated from the Go source (zdocs.go, kept current by TestDocs).
//
// # Concurrency
//
// Exports, Docs, RewriteEmptySlices and everything the tables hold are
// safe for concurrent use (GetRefCount with the caveat above). A Pass
// modifies only the file it is given.
package pylib
