package worker

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestResultRestart checks that a cell whose result asks for a fresh
// process (engine.ExecuteResult.Restart, %reset with plugins loaded) is
// answered normally and followed by a fresh worker before Execute
// returns: the next cell runs in a new pid, and Stats count a restart,
// not a crash.
func TestResultRestart(t *testing.T) {
	c := startClient(t, testOptions(t))
	_, out := run(c, "pid")
	before, err := strconv.Atoi(out.stream("stdout"))
	if err != nil || before != c.Stats().PID {
		t.Fatalf("pid cell: got %q, want %d", out.stream("stdout"), c.Stats().PID)
	}
	res, out := run(c, "freshworker")
	if res.Error != nil || !res.Restart {
		t.Fatalf("freshworker: error %v, Restart %v, want no error and Restart", res.Error, res.Restart)
	}
	if got := out.stream("stdout"); got != "reset\n" {
		t.Errorf("freshworker stdout: got %q, want %q", got, "reset\n")
	}
	if got := out.stream("stderr"); got != "" {
		t.Errorf("freshworker stderr: got %q, want nothing", got)
	}
	st := c.Stats()
	if st.PID == before || st.Starts != 2 || st.Restarts != 1 || st.Crashes != 0 || alive(before) {
		t.Errorf("after freshworker: stats %+v, old pid %d alive %v; want a new pid, 2 starts, 1 restart, no crash", st, before, alive(before))
	}
	res, out = run(c, "pid")
	if res.Error != nil {
		t.Fatalf("pid after freshworker: %v", res.Error)
	}
	if after, _ := strconv.Atoi(out.stream("stdout")); after == before || after != st.PID {
		t.Errorf("pid after freshworker: got %d, want the new worker's %d (old %d)", after, st.PID, before)
	}
	if st := c.Stats(); st.Crashes != 0 || st.Restarts != 1 {
		t.Errorf("stats at the end: %+v, want 1 restart, no crash", st)
	}
}

// TestResultRestartFails checks that a fresh worker that cannot be
// started is reported in a note (not on the cell's stderr, which is its
// program's, nor as the cell's error), and that the next cell tries again.
func TestResultRestartFails(t *testing.T) {
	marker := t.TempDir() + "/started"
	opts := testOptions(t)
	opts.Env = append(opts.Env, envFailStart+"="+marker)
	c := startClient(t, opts) // the fake refuses to start once marker exists
	res, out := run(c, "freshworker")
	if res.Error != nil || !res.Restart {
		t.Fatalf("freshworker: error %v, Restart %v, want no error and Restart", res.Error, res.Restart)
	}
	if got := out.note(); !strings.Contains(got, "after 3 attempts") || !strings.Contains(got, "the next cell tries again") {
		t.Errorf("freshworker notes: got %q, want the failed restart", got)
	}
	if got := out.stream("stderr"); strings.Contains(got, "the next cell tries again") {
		t.Errorf("freshworker stderr: got %q, want nothing of gilgo's", got)
	}
	if st := c.Stats(); st.Crashes != 0 {
		t.Errorf("stats: %+v, want no crash", st)
	}
	if err := os.Remove(marker); err != nil {
		t.Fatal(err)
	}
	if res, _ := run(c, "nop"); res.Error != nil {
		t.Fatalf("nop after the cause is gone: %v", res.Error)
	}
	if st := c.Stats(); st.Restarts != 1 || st.Crashes != 0 {
		t.Errorf("stats at the end: %+v, want 1 restart, no crash", st)
	}
}
