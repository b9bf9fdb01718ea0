// Package gocmd runs the go command for the packages that build plugins
// (compiled, modules): in a process group of its own, so that cancelling
// a build ends the compilers and linkers it started too, and, for a build
// nobody waits on, at the lowest CPU priority (Lower).
//
// Its functions are safe for concurrent use.
package gocmd

import "os/exec"

// Group makes cmd start in a process group of its own and makes its
// context's cancellation kill that whole group (where the OS has them).
func Group(cmd *exec.Cmd) { group(cmd) }

// Lower gives the process group of cmd, started with Group, the lowest CPU
// priority (nice 19), for a build nobody waits on: it takes a core only
// when the cells leave one free. Call it right after cmd.Start; what the
// go command starts from then on (compilers, the linker) inherits it.
// A no-op where the OS has no such priority.
func Lower(cmd *exec.Cmd) error { return lower(cmd) }
