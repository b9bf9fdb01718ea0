// Package gocmd runs the go command for the packages that build plugins
// (compiled, modules): in a process group of its own, so that cancelling
// a build ends the compilers and linkers it started too.
//
// Its functions are safe for concurrent use.
package gocmd

import "os/exec"

// Group makes cmd start in a process group of its own and makes its
// context's cancellation kill that whole group (where the OS has them).
func Group(cmd *exec.Cmd) { group(cmd) }
