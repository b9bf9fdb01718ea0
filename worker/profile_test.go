package worker

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestHeapProfileOnSignal(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	HeapProfileOnSignal(ctx, dir, "test", nil)
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "test-"+itoa(os.Getpid())+"-1.heap")
	deadline := time.Now().Add(waitLimit) // a hang guard, not a timing goal
	for {
		if fi, err := os.Stat(want); err == nil && fi.Size() > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no profile at %s", want)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestHeapProfileOff: with no directory nothing catches SIGUSR1. A handler
// installed by mistake would write its profile into the current
// directory (filepath.Join("", ...)); a real handler on another directory,
// which gets the same signal, shows when the signal has been handled.
func TestHeapProfileOff(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	HeapProfileOnSignal(ctx, "", "off", nil)
	witness := t.TempDir()
	HeapProfileOnSignal(ctx, witness, "on", nil)
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(witness, "on-"+itoa(os.Getpid())+"-1.heap")
	deadline := time.Now().Add(waitLimit) // a hang guard, not a timing goal
	for {
		if fi, err := os.Stat(want); err == nil && fi.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no profile at %s", want)
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // what a stray handler would need to write
	if found, _ := filepath.Glob(filepath.Join(cwd, "*.heap")); len(found) > 0 {
		t.Errorf("HeapProfileOnSignal with no directory wrote %v", found)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
