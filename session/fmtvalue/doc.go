// Package fmtvalue formats a value the interpreter represents as the Go
// value it stands for. yaegi v0.16.1 represents a value of a type a cell
// declares by a value of an unnamed type of the same structure (Color is
// int, point is struct { X int; Y int }), so that fmt prints
// `struct { X int; Y int }` for %T of a point, calls no Error or String
// method of a value passed as any, and prints the wrapper yaegi passes
// for a Stringer's %d.
//
// The session's fmt pass (session/cellast, the typed passes) describes
// the static type of such an operand with a Type, built from go/types
// (names, fields, element types, and the String, Error, GoString, Format
// and Unwrap methods as funcs on the representation), and passes
// Show(value, type) instead; fmt then formats it through its Format
// method exactly as it formats the Go value: verbs, flags, methods,
// panics in methods, %#v and map key order. %T, which fmt answers before
// asking the operand, becomes %s of TypeName. ErrorChain lets errors.As
// and errors.AsType find a cell's error types behind Show's values.
//
// Everything here is safe for concurrent use; a Type must not change
// once used.
package fmtvalue
