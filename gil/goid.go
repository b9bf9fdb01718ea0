package gil

import "runtime"

// goid returns the calling goroutine's id, parsed from the header line of
// runtime.Stack ("goroutine 123 [running]:"). It costs 1-90 µs (the
// runtime walks the whole stack, and yaegi's are deep), so it is used only
// off the hot paths: Bind, Bound, and Current and the identity-free check
// points while the GIL is off or a thread is displaced.
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
