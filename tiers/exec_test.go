package tiers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/modules"
)

// TestExecCommand: os/exec runs programs from a cell, their output is the
// cell's, and an interrupt ends the process a cell waits for (SIGINT, as
// jupyter_client's interrupt of an IPython kernel ends its subprocesses);
// the session keeps its variables.
func TestExecCommand(t *testing.T) {
	sess := newModuleSession(t, modules.Options{Dir: t.TempDir()})
	run := cells(sess)
	if _, e := run("import (\"fmt\"; \"os\"; \"os/exec\")\nkept := 42"); e != nil {
		t.Fatal(e.Value)
	}
	cases := []struct{ code, want string }{
		{`out, err := exec.Command("echo", "hi").Output(); fmt.Printf("%q %v\n", out, err)`, `"hi\n" <nil>`},
		{"c := exec.Command(\"sh\", \"-c\", \"echo from-child\")\nc.Stdout = os.Stdout\nfmt.Println(c.Run())", "from-child\n<nil>"},
		{`fmt.Println(exec.Command("false").Run())`, "exit status 1"},
		{`_, err := exec.LookPath("no-such-program-gilgo"); fmt.Println(err != nil)`, "true"},
	}
	for _, c := range cases {
		out, e := run(c.code)
		if e != nil || !strings.Contains(out, c.want) {
			t.Errorf("%s:\ngot %q, error %+v\nwant %q", c.code, out, e, c.want)
		}
	}

	const marker = "987.654" // sleep's argument names the process in /proc
	done := make(chan *engine.Error, 1)
	go func() {
		_, e := run(`fmt.Println(exec.Command("sleep", "` + marker + `").Run())`)
		done <- e
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(processesWith(marker)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("sleep did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sess.Interrupt()
	select {
	case e := <-done:
		if e == nil || e.Name != engine.ErrInterrupted {
			t.Errorf("interrupted cell: %+v", e)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the interrupt did not end the cell")
	}
	for left := processesWith(marker); len(left) > 0; left = processesWith(marker) {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("the interrupted cell's process is still running: %v", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if out, e := run("kept"); e != nil || !strings.Contains(out, "42") {
		t.Errorf("after: %q %+v", out, e)
	}
}

// processesWith returns the pids of processes with arg among their
// arguments.
func processesWith(arg string) []string {
	var pids []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(d + "/cmdline")
		if err != nil {
			continue
		}
		for _, a := range strings.Split(string(b), "\x00") {
			if a == arg {
				pids = append(pids, filepath.Base(d))
			}
		}
	}
	return pids
}
