//go:build !linux

package experiment

import (
	"syscall"
	"time"
)

// processCPU returns the user and system CPU time of the whole process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU is the process's CPU time where a thread's is not available.
func threadCPU() time.Duration { return processCPU() }
