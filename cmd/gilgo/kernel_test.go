package main

import (
	"context"
	"os/exec"
	"testing"
	"time"
)

// TestWatchParent: the watcher fires once the watched process has exited,
// and not before.
func TestWatchParent(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gone := make(chan struct{})
	go watchParent(ctx, cmd.Process.Pid, 5*time.Millisecond, func() { close(gone) })
	select {
	case <-gone:
		t.Fatal("the watcher fired while the process lives")
	case <-time.After(50 * time.Millisecond):
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait() // reaped: the pid no longer exists
	select {
	case <-gone:
	case <-time.After(10 * time.Second): // a deadline, not a measurement
		t.Fatal("the watcher did not fire after the process exited")
	}
}
