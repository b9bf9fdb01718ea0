// Package celltest runs cells of the cell packages (lib/...) in their
// tests: a bare yaegi interpreter with the standard library and the
// packages under test, bound to a Session that stands in for the real
// session as their hook.Host, and golden files of cells with their output.
// It is for tests only; a Session is not safe for concurrent use, except
// for the hook.Host methods and Output.
package celltest
