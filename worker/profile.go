package worker

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
)

// HeapProfileEnv names the directory where a process writes a heap profile
// each time it gets SIGUSR1 (debugging only; unset, nothing is installed).
// ServeProcess honours it, and so does `gilgo kernel`; the worker inherits
// the kernel's environment, so `kill -USR1 PID` on either process works.
const HeapProfileEnv = "GILGO_HEAP_PROFILE"

// HeapProfileOnSignal writes dir/NAME-PID-N.heap (after a GC, so that it
// shows live memory) on every SIGUSR1 until ctx ends. A no-op when dir is
// empty. Errors are logged.
func HeapProfileOnSignal(ctx context.Context, dir, name string, log *slog.Logger) {
	if dir == "" {
		return
	}
	if log == nil {
		log = slog.Default()
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	go func() {
		defer signal.Stop(sig)
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-sig:
			}
			path := filepath.Join(dir, fmt.Sprintf("%s-%d-%d.heap", name, os.Getpid(), n))
			if err := writeHeapProfile(path); err != nil {
				log.Error("heap profile", "err", err)
				continue
			}
			log.Info("heap profile written", "path", path)
		}
	}()
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	runtime.GC()
	werr := pprof.Lookup("heap").WriteTo(f, 0)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("heap profile %s: %w", path, werr)
	}
	return nil
}
