package kernel

import (
	"os"
	"runtime"
	"runtime/debug"
)

// gcPercent is a kernel process's GOGC: its heap goal is then about 1 MiB
// instead of 4 MiB.
const gcPercent = 25

// TuneRuntime sets the Go runtime of a process that serves a Kernel (call
// it once, from main), as `gilgo kernel` runs, and bench/nullkernel with
// it:
//   - one P, unless GOMAXPROCS is in the environment (which then wins, and
//     which a worker started later inherits): the kernel only moves
//     messages between sockets and pipes, and with one P a goroutine
//     hand-off needs no wake-up of another thread (measured with 250
//     trivial cells through jupyter_client, 8 interleaved pairs: kernel
//     CPU per cell 510 -> 380 us);
//   - GOGC 25: the process keeps well under 1 MiB of heap alive after
//     start, and collections of a heap that size cost microseconds.
func TuneRuntime() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	debug.SetGCPercent(gcPercent)
}
