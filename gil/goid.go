package gil

import "runtime"

// goid returns the calling goroutine's id, parsed from the header line of
// runtime.Stack ("goroutine 123 [running]:"). It costs a few microseconds,
// so it is used only off the fast path (Bind, Current, Enable and
// identity-free check points while a thread is displaced).
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) {
		return 0
	}
	b = b[len(prefix):]
	var id uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
