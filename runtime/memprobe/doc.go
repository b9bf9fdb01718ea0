// Package memprobe holds memory experiments on the Go session (package
// runtime) and on plain yaegi: how many bytes of live heap one cell leaves
// behind, and who holds them. It has no non-test code; the probes run only
// when MEMPROBE=1 (they take tens of seconds and log numbers rather than
// assert them). It may be deleted once the retention is fixed.
//
//	MEMPROBE=1 go test -run Probe -v ./runtime/memprobe/
//	MEMPROBE=1 MEMPROBE_PROFILE=/tmp/heap go test -run ProbeSession/same ...
//
// release.patch (git apply from the repository root) is the measured fix
// for package runtime: release.go drops yaegi's debugger-only root and
// scope-child lists and the generated __cell funcs after every cell, and
// removes finished cells' FileSet files; redefine.go's stopOld no longer
// leaves a "for {}" spinning in every replaced interpreter.
//
// Nothing here is safe for concurrent use.
package memprobe
