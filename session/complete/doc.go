// Package complete answers the Jupyter introspection requests for Go cells:
// is_complete (IsComplete), complete_request (Complete) and inspect_request
// (Inspect). It does not run code and imports neither yaegi nor package
// session: what the session knows (names declared by earlier cells,
// imports, the members of the interpreter's symbol tables, the types and
// values of globals) reaches it through the Scope interface, which the
// session implements. A Scope that also implements ValueScope gives values,
// one that implements DocScope documents packages GOROOT does not have (the
// cell packages). StaticScope is an in-memory Scope for tests and tools;
// ParseDecls turns a cell's source into the Decls a Scope returns.
//
// Positions are byte offsets into UTF-8 code, as in package engine: cursors
// outside the code are clamped, cursors inside a multi-byte rune move to
// its start, and no input makes these functions panic. Inspect reads
// standard-library doc comments from GOROOT's source (SetGOROOT changes
// where) and falls back to the signature from reflection.
// docs/session.md has the rules of each answer.
//
// IsComplete, Complete, Inspect and ParseDecls are safe for concurrent use
// as long as the Scope they are given is. Parsed documentation is cached
// per package in a process-wide cache guarded by a mutex; SetGOROOT
// replaces the source directory and empties the cache.
package complete
