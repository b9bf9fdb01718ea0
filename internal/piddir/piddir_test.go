package piddir

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// endedPID returns the pid of a process that has ended (and been waited
// for).
func endedPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestMake(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	a, err := Make("gilgo-test-pid")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Make("gilgo-test-pid")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(tmp, "gilgo-test-pid"+strconv.Itoa(os.Getpid())+"-")
	for _, d := range []string{a, b} {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
			t.Errorf("Make made %s: %v, %v; want a directory of mode 0700", d, fi, err)
		}
		if !strings.HasPrefix(d, want) || len(d) == len(want) {
			t.Errorf("Make = %s, want %s followed by a random part", d, want)
		}
	}
	if a == b {
		t.Errorf("two Makes gave the same directory %s", a)
	}
	n := Name("gilgo-test-pid")
	if !strings.HasPrefix(n, want) {
		t.Errorf("Name = %s, want %s...", n, want)
	}
	if _, err := os.Stat(n); !os.IsNotExist(err) {
		t.Errorf("Name made %s (%v)", n, err)
	}
}

func TestSweep(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dead, live := endedPID(t), os.Getpid()
	tests := []struct {
		name string
		file bool // a file, not a directory
		kept bool
	}{
		{name: fmt.Sprintf("gilgo-a-pid%d-123", dead)},
		{name: fmt.Sprintf("gilgo-b-pid%d-xyz", dead)}, // the second prefix
		{name: fmt.Sprintf("gilgo-a-pid%d-", dead)},
		{name: fmt.Sprintf("gilgo-a-pid%d-456", live), kept: true},
		{name: fmt.Sprintf("gilgo-c-pid%d-123", dead), kept: true},           // another prefix
		{name: "gilgo-a-789", kept: true},                                    // the old names: no pid
		{name: fmt.Sprintf("gilgo-a-pid%d", dead), kept: true},               // no "-" after the pid
		{name: fmt.Sprintf("gilgo-a-pid+%d-1", dead), kept: true},            // not digits
		{name: fmt.Sprintf("gilgo-a-pidx%d-1", dead), kept: true},            // not digits
		{name: "gilgo-a-pid0-1", kept: true},                                 // no process 0
		{name: fmt.Sprintf("gilgo-a-pid%d-f", dead), file: true, kept: true}, // not a directory
	}
	for _, tc := range tests {
		p := filepath.Join(tmp, tc.name)
		var err error
		if tc.file {
			err = os.WriteFile(p, nil, 0o644)
		} else {
			err = os.MkdirAll(filepath.Join(p, "c0001"), 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := Sweep("gilgo-a-pid", "gilgo-b-pid"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		_, err := os.Lstat(filepath.Join(tmp, tc.name))
		switch {
		case tc.kept && err != nil:
			t.Errorf("%s was removed (%v), want it kept", tc.name, err)
		case !tc.kept && !os.IsNotExist(err):
			t.Errorf("%s is still there (%v), want it removed", tc.name, err)
		}
	}
}

// TestSweepKeepsOtherUsers: a dead process's directory of another user
// stays (removing it fails in a sticky /tmp, and is not ours to do).
func TestSweepKeepsOtherUsers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("only root can give a directory to another user")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	d := filepath.Join(tmp, fmt.Sprintf("gilgo-a-pid%d-1", endedPID(t)))
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(d, 54321, 54321); err != nil {
		t.Fatal(err)
	}
	if err := Sweep("gilgo-a-pid"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d); err != nil {
		t.Errorf("another user's directory was removed: %v", err)
	}
}

func TestSweepNoTempDir(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	if err := Sweep("gilgo-a-pid"); err == nil || !strings.HasPrefix(err.Error(), "piddir: sweep: ") {
		t.Errorf("Sweep in a missing directory: %v, want a piddir: sweep: error", err)
	}
}
