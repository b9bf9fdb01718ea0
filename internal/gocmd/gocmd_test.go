package gocmd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGroupKillsGrandchildren cancels a command whose shell started a
// background sleep: the sleep must end with it.
func TestGroupKillsGrandchildren(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no process groups")
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "sh", "-c", "sleep 60 & echo $! > "+pidFile+"; wait")
	Group(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	for deadline := time.Now().Add(10 * time.Second); pid == 0; {
		if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		if time.Now().After(deadline) {
			t.Fatal("the shell did not start its sleep")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	_ = cmd.Wait()
	for deadline := time.Now().Add(10 * time.Second); ; {
		// Signal 0 fails once the sleep is gone (reaped by init).
		if err := syscall.Kill(pid, 0); err != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d still runs after cancel", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLower: a child the grouped command starts after Lower runs at nice
// 19; without Lower, at the test's own nice value.
func TestLower(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("nice values: linux only")
	}
	own, err := niceOf("self")
	if err != nil {
		t.Fatal(err)
	}
	if own == lowest {
		t.Skip("the test already runs at the lowest priority")
	}
	for _, tt := range []struct {
		lower bool
		want  int
	}{{true, lowest}, {false, own}} {
		out := filepath.Join(t.TempDir(), "nice")
		// The grandchild starts a while after Start (Lower runs at once).
		cmd := exec.CommandContext(context.Background(), "sh", "-c", "sleep 0.3; sh -c 'cut -d\" \" -f19 /proc/self/stat' > "+out)
		Group(cmd)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if tt.lower {
			if err := Lower(cmd); err != nil {
				t.Fatal(err)
			}
		}
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := strconv.Atoi(strings.TrimSpace(string(b))); err != nil || got != tt.want {
			t.Errorf("Lower %v: the grandchild's nice is %q, want %d", tt.lower, b, tt.want)
		}
	}
	if err := Lower(exec.Command("true")); err == nil {
		t.Error("Lower of a command not started: no error")
	}
}

// niceOf reads the nice value of /proc/PID/stat (field 19).
func niceOf(pid string) (int, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, err
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // after the command's name
	return strconv.Atoi(fields[16])                               // field 19 of stat
}
