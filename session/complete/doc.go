// Package complete answers the Jupyter introspection requests for Go cells:
// is_complete (IsComplete), complete_request (Complete) and inspect_request
// (Inspect).
//
// The package does not run code and does not import yaegi or package runtime.
// What the session knows (names declared in earlier cells, imports, the
// members of the interpreter's symbol tables, the types and values of
// globals) reaches it through the small Scope interface, which the session
// implements; StaticScope is an in-memory Scope for tests and tools.
//
// Positions are byte offsets into UTF-8 code, as in package engine. Cursors
// outside the code are clamped, cursors inside a multi-byte rune are moved to
// its start. No input makes these functions panic.
//
// # IsComplete
//
// A cell is "incomplete" while a bracket, a raw string or a block comment is
// open, or when its last token is a binary operator, a comma, a period, an
// assignment or a receive arrow. It is "invalid" when a closing bracket
// closes nothing or the wrong bracket, an interpreted string or rune literal
// is broken by a newline, or a cell of only statements (or only
// declarations) does not parse. Everything else is "complete": the session
// splits mixed cells itself and reports their errors when they run. Lines
// that start with % are magics and are ignored; a cell starting with %% is
// complete.
//
// The indent for an incomplete cell is the last line's indent plus one unit
// when that line left a bracket open ("} else {" counts), ends a case clause
// ("case 1:"), or ends with an operator other than a comma and the line
// before did not (so continuation lines stay aligned). Inside an open raw
// string or comment the indent is empty. The unit is a tab,
// as gofmt writes Go, unless the cell already indents with spaces, in which
// case it is four spaces (what ipykernel sends).
//
// # Complete and Inspect
//
// Complete offers keywords, builtins, names in scope and package names for an
// identifier prefix; exported members for pkg.Prefix; fields and methods for
// v.Prefix and a.b.Prefix where the types are known; and import paths inside
// an import string. Matches are sorted and unique; case-sensitive prefix
// matches are preferred, case-insensitive ones are offered when there are
// none. The replaced range runs from the start of the prefix to the end of
// the identifier under the cursor.
//
// Inspect describes the identifier or selector at or just before the cursor
// (or the function whose call parentheses were just opened): its signature
// and, for the standard library, the doc comment read with go/doc from the Go
// installation's source (GOROOT). Without the source it shows the signature
// from reflection only. A Scope that also implements DocScope documents
// packages GOROOT does not have (the session's cell packages): it is asked
// first, for pkg.Member, for the methods listed under a type, and for
// v.Method when v's type is exported by an imported package.
//
// ParseDecls turns the source of a cell into the Decl values a Scope
// returns, so the session only has to add reflect types and values.
//
// # Concurrency
//
// IsComplete, Complete, Inspect and ParseDecls are safe for concurrent use as long as the
// Scope they are given is. Parsed standard-library documentation is cached
// per package in a process-wide cache guarded by a mutex; SetGOROOT replaces
// the source directory and empties the cache.
package complete
