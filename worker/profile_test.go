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

func TestHeapProfileOff(t *testing.T) {
	HeapProfileOnSignal(context.Background(), "", "test", nil) // installs nothing
}

func itoa(n int) string { return strconv.Itoa(n) }
