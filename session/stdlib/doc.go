// Package stdlib is the Go standard library that gilgo cells can import,
// for yaegi v0.16.1 on the Go the kernel is built with (Go 1.26).
//
// Symbols holds the compiled packages as yaegi symbol tables (generated
// by `go generate`, see gen.sh and packages.txt). Generic lists the
// packages interpreted from source instead (cmp, iter, slices, maps,
// unique), whose Go 1.26 versions, written for what yaegi can compile,
// Source returns. Call Load(i) once on a new interpreter, before any cell
// runs: it does i.Use(Symbols) and then compiles the generic packages.
// Use(Symbols) alone leaves yaegi's own Go 1.22 slices, maps and cmp, most
// of whose functions fail with "undefined type for E".
//
// In Symbols, os.Exit and log.Fatal* panic instead of ending the process,
// and fmt, log and os.Std* write to the interpreter's Options.Stdout and
// Stderr. os/exec is included (package tiers binds its commands to the
// session's interrupts); syscall, unsafe, plugin and runtime/cgo are not. docs/stdlib.md lists what else is missing (weak, the generic
// parts of compiled packages) and how to move to a newer Go.
//
// Symbols, MapTypes and Generic are filled at init and read-only after.
// Load and Source are safe for concurrent use on different interpreters;
// Load must not run concurrently with other calls on the same interpreter.
package stdlib
