package worker

import (
	"bufio"
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// envKernelHelper makes the test binary a stand-in kernel: a Client whose
// worker runs "spawn MARKER HOW" (the variable's value), then waits to be
// killed.
const envKernelHelper = "GILGO_WORKER_TEST_KERNEL"

func runKernelHelper(spawn string) int {
	c, err := Start(context.Background(), Options{
		Command: []string{os.Args[0]},
		Env:     append(os.Environ(), envWorker+"=1", envKernelHelper+"=", "GORACE=atexit_sleep_ms=0"),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kernel helper:", err)
		return 1
	}
	if res := c.Execute(context.Background(), engine.ExecuteRequest{Code: "spawn " + spawn}, newRecorder()); res.Error != nil {
		fmt.Fprintln(os.Stderr, "kernel helper:", res.Error)
		return 1
	}
	fmt.Println(c.Stats().PID)
	select {} // until killed
}

// marked returns the running processes (zombies aside) whose argv holds
// marker.
func marked(marker string) []int {
	var pids []int
	for _, p := range readProcs() {
		if p.zombie {
			continue
		}
		argv, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/cmdline")
		if err == nil && slices.Contains(strings.Split(string(argv), "\x00"), marker) {
			pids = append(pids, p.pid)
		}
	}
	return pids
}

// running reports whether pid is a process that is not a zombie.
func running(pid int) bool {
	for _, p := range readProcs() {
		if p.pid == pid {
			return !p.zombie
		}
	}
	return false
}

// waitGone polls until no process holds marker (and pid, if not 0, is not
// running); waitLimit only turns a leak into a failure.
func waitGone(t *testing.T, marker string, pid int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		left := marked(marker)
		if len(left) == 0 && (pid == 0 || !running(pid)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: processes %v with marker %s, worker %d running %v", waitLimit, left, marker, pid, running(pid))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCellProcessesEnd: the processes a cell starts end with its worker,
// however they were started (in the worker's process group, with Setsid,
// by a double fork) and however the worker ended (crash, Restart,
// Shutdown, its kernel killed with SIGKILL).
func TestCellProcessesEnd(t *testing.T) {
	ends := []struct {
		name string
		end  func(t *testing.T, c *Client)
	}{
		{"crash", func(t *testing.T, c *Client) {
			if res, _ := run(c, "exit"); res.Error == nil || res.Error.Name != engine.ErrInterpreterCrashed {
				t.Fatalf("got %v, want a crash", res.Error)
			}
		}},
		{"restart", func(t *testing.T, c *Client) {
			if err := c.Restart(context.Background()); err != nil {
				t.Fatal(err)
			}
		}},
		{"shutdown", func(t *testing.T, c *Client) {
			if err := c.Shutdown(context.Background(), false); err != nil {
				t.Fatal(err)
			}
		}},
		{"kernel killed", nil},
	}
	for _, how := range []string{"group", "setsid", "fork"} {
		for _, e := range ends {
			t.Run(how+"/"+e.name, func(t *testing.T) {
				marker := "gilgo-sleeper-" + newToken()
				t.Cleanup(func() {
					for _, pid := range marked(marker) {
						syscall.Kill(pid, syscall.SIGKILL)
					}
				})
				if e.end == nil {
					killKernel(t, marker, how)
					return
				}
				c := startClient(t, testOptions(t))
				pid := c.Stats().PID
				if res, _ := run(c, "spawn "+marker+" "+how); res.Error != nil {
					t.Fatal(res.Error)
				}
				if n := len(marked(marker)); n != 1 {
					t.Fatalf("%d processes with the marker, want 1", n)
				}
				e.end(t, c)
				waitGone(t, marker, pid)
			})
		}
	}
}

// killKernel starts a stand-in kernel whose worker's cell starts a sleeper,
// kills the kernel with SIGKILL and waits for the worker and the sleeper
// to end.
func killKernel(t *testing.T, marker, how string) {
	cmd := osexec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envKernelHelper+"="+marker+" "+how)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("kernel helper: %q, %v", line, err)
	}
	t.Cleanup(func() {
		if running(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	if n := len(marked(marker)); n != 1 {
		t.Errorf("%d processes with the marker, want 1", n)
	}
	cmd.Process.Kill()
	cmd.Wait()
	waitGone(t, marker, pid)
}

// BenchmarkSweep times one sweep that finds nothing (a token no process
// carries): what every worker's end costs, against one read of /proc.
func BenchmarkSweep(b *testing.B) {
	token := newToken()
	var scan, full time.Duration
	for b.Loop() {
		t := time.Now()
		readProcs()
		scan += time.Since(t)
		t = time.Now()
		sweep(0, 0, token)
		full += time.Since(t)
	}
	b.ReportMetric(float64(len(readProcs())), "procs")
	b.ReportMetric(float64(full)/float64(scan), "x-proc-scan")
}
