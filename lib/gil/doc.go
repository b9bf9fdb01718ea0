// Package gil is the cell package "gil": the global interpreter lock every
// goroutine of a session's cells runs under (package
// github.com/gilgo/gilgo/gil, scheduled by package gilrt): turn it on and
// off, tune its switch interval, read its statistics, trace who held it
// (Trace shows an SVG timeline), make its switches deterministic, and run
// a func in a process with a GIL of its own (Process).
//
// The table's funcs are safe for concurrent use, as the lock's methods are.
package gil
