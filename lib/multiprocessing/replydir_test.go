package multiprocessing

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReplyDir: a pool's first reply directory is named after this
// process, and making it removes those of ended processes (a killed
// worker's), not a live one's nor the old names without a pid; close
// removes it.
func TestReplyDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	stale := fmt.Sprintf("%s%d-1", replyDirPrefix, ended.Process.Pid)
	kept := []string{fmt.Sprintf("%s%d-2", replyDirPrefix, os.Getpid()), "gilgo-procpool-3"}
	for _, d := range append([]string{stale}, kept...) {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, d, "0.json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := &poolState{procs: New(Options{})}
	dir, first, err := s.replyDir(2)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(tmp, replyDirPrefix+strconv.Itoa(os.Getpid())+"-"); !strings.HasPrefix(dir, want) || first != 0 {
		t.Errorf("replyDir = %s, %d; want %s..., 0", dir, first, want)
	}
	if again, next, err := s.replyDir(1); err != nil || again != dir || next != 2 {
		t.Errorf("second replyDir = %s, %d, %v; want %s, 2", again, next, err, dir)
	}
	if _, err := os.Stat(filepath.Join(tmp, stale)); !os.IsNotExist(err) {
		t.Errorf("%s of an ended process is still there (%v)", stale, err)
	}
	for _, d := range kept {
		if _, err := os.Stat(filepath.Join(tmp, d)); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("close left %s (%v)", dir, err)
	}
}
