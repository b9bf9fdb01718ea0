// Package cellast is the syntax side of a cell, without yaegi. Split cuts
// a cell's source into top-level items (statements, declarations, x := e
// defines, a package clause) and never fails: source the scanner rejects
// stays in one item for the parser to report. HoistImports moves imports
// to the front. Rewrite runs the AST passes over one file a cell compiles:
// the built-in ones (main, deferloop, rangeint, rangefunc, loopvar,
// builtins, params: they make yaegi v0.16.1 behave like Go 1.22+), then
// the caller's passes in order, then the pass that turns go statements
// into __rt.Go spawns. A pass asks the session only through Env (Peek,
// NewName; a RangeRecorder also hears of ranges it could not classify),
// and a construct it cannot rewrite is an *Error at a position of the file.
// docs/session.md describes each pass.
//
// The package has no mutable state. Its functions are safe for concurrent
// use as long as the Env is; a pass modifies only the file it is given.
package cellast
