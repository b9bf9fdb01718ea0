package tiers

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/goldencells"
	"github.com/gilgo/gilgo/lib/multiprocessing"
	"github.com/gilgo/gilgo/worker"
)

// TestMain doubles as a pool's child process (multiprocessing.ChildEnv
// set): it serves the session New assembles, as `gilgo worker` does.
func TestMain(m *testing.M) {
	if os.Getenv(multiprocessing.ChildEnv) != "" {
		sess, err := New(Options{})
		if err == nil {
			err = worker.ServeProcess(context.Background(), sess)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// children lists the processes whose parent is this one.
func children() map[int]bool {
	kids := map[int]bool{}
	entries, _ := os.ReadDir("/proc")
	me := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		if i := strings.LastIndexByte(s, ')'); i >= 0 {
			if f := strings.Fields(s[i+1:]); len(f) > 1 && f[1] == me && f[0] != "Z" {
				kids[pid] = true
			}
		}
	}
	return kids
}

// TestShutdownEndsPools: the worker processes of a pool a cell left open
// end with the session (Procs.Close at Shutdown).
func TestShutdownEndsPools(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	before := children()
	sess, err := New(Options{WorkerCommand: []string{os.Args[0], "-test.run=^$"}})
	if err != nil {
		t.Fatal(err)
	}
	res := sess.Execute(context.Background(), engine.ExecuteRequest{Code: `import "multiprocessing"
func square(x int) int { return x * x }
pool := multiprocessing.NewPool(2)
pool.Map(square, []any{1, 2, 3})`, ExecutionCount: 1}, &goldencells.Recorder{})
	if res.Error != nil {
		t.Fatalf("%s: %s", res.Error.Name, res.Error.Value)
	}
	started := 0
	for pid := range children() {
		if !before[pid] {
			started++
		}
	}
	if started == 0 {
		t.Fatal("the pool started no process")
	}
	if err := sess.Shutdown(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := 0
		for pid := range children() {
			if !before[pid] {
				left++
			}
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the pool's %d processes outlived the session", left, started)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
