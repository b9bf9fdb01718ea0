// Package tiers assembles the session a worker process serves: the
// interpreted tier (package session) with its goroutines under the GIL
// (package gilrt), the packages cells import (lib/...), and the compiled
// tier (package compiled: %%compile and //gilgo:compile build a cell's
// declarations into a Go plugin that runs under the same GIL). A plain
// cell that runs long has the funcs it reached that the compiled tier can
// build alone compiled in the background, and a later plain cell binds
// them (auto-compile, docs/compiled.md; Options.NoAutoCompile and
// $GILGO_AUTOCOMPILE=off turn it off). Its tests run the same cells in both
// tiers (testdata/*.txtar).
//
// New may be called once per process: the compiled tier's runtime
// (compiled/rt) holds the process's one lock and output, and New routes
// the standard log package (yaegi's own lines to Options.Logger, never to
// the cell's stderr). It replaces exec.Command and exec.CommandContext so
// that the session's interrupt sends SIGINT to the processes cells started
// (docs/stdlib.md). The session it returns is documented in package
// session.
package tiers
