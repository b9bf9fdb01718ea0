// Package memprobe holds memory experiments on the Go session (package
// runtime) and on plain yaegi: how many bytes of live heap one cell leaves
// behind, and who holds them. It has no non-test code; the probes run only
// when MEMPROBE=1 (they take tens of seconds and log numbers rather than
// assert them). They measured the fix now in runtime/release.go and are
// kept to re-measure after a yaegi upgrade.
//
//	MEMPROBE=1 go test -run Probe -v ./runtime/memprobe/
//	MEMPROBE=1 MEMPROBE_PROFILE=/tmp/heap go test -run ProbeSession/same ...
//
// Nothing here is safe for concurrent use.
package memprobe
