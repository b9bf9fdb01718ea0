// Package sys is the cell package "sys": Python's names for the GIL's
// switch interval and recursion limit, and GetRefCount, Python's
// sys.getrefcount over the session's variables.
//
// GetRefCount(v) counts the places in the session that refer to the same
// object as v, plus one for the argument. The object is what Go values
// share: a slice's backing array (overlapping ranges are the same object),
// a map, a channel, a pointer's target and type, a func's closure, an
// interface's dynamic value. Numbers, strings, structs and arrays held by
// value, and nil give 1. Empty slice literals get an array of their own
// (RewriteEmptySlices, a pass of the package), so unrelated empty slices
// differ. The walk starts at every cell variable and follows pointers,
// elements, fields, map entries and interpreted closures' captured
// variables; it does not enter the session's own machinery (which a
// cell package's value reaches through its host, and which holds every
// variable again); its cost grows with what the session holds, so call it in
// demonstrations, not in loops. docs/cell-packages.md has the rules in
// full.
//
// The table is safe for concurrent use; GetRefCount reads the session's
// memory without locks, which is race-free while the GIL is on.
package sys
