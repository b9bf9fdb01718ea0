// Package builtinprint formats the operands of Go's builtin print and
// println as the Go runtime does, for both tiers: interpreted cells
// (package session) and compiled ones (package compiled/rt) replace the
// builtins with calls of Print on the cell's standard error. Print is safe
// for concurrent use.
package builtinprint
