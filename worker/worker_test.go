package worker

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

const (
	envWorker      = "GILGO_WORKER_TEST"
	envSleeper     = "GILGO_WORKER_TEST_SLEEPER"
	envSleeperFork = "GILGO_WORKER_TEST_SLEEPER_FORK"
	envFailStart   = "GILGO_WORKER_TEST_FAIL_IF_EXISTS"
	envWaitFor     = "GILGO_WORKER_TEST_WAIT_FOR" // the fake is not ready until this file exists
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestMain(m *testing.M) {
	if os.Getenv(envSleeper) == "1" {
		os.Exit(runSleeper())
	}
	if os.Getenv(envWorker) == "1" {
		os.Exit(runFakeWorker())
	}
	if spawn := os.Getenv(envKernelHelper); spawn != "" {
		os.Exit(runKernelHelper(spawn))
	}
	code := m.Run()
	if kids := childProcesses(); len(kids) > 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "leaked child processes: %v\n", kids)
		code = 1
	}
	os.Exit(code)
}

// childProcesses lists the pids whose parent is this process (zombies
// included), from the sweep's own reading of /proc.
func childProcesses() []int {
	var kids []int
	me := os.Getpid()
	for _, p := range readProcs() {
		if p.ppid == me {
			kids = append(kids, p.pid)
		}
	}
	return kids
}

// waitLimit bounds waits for events that must happen; it is a safety net
// against hangs, never a performance assertion.
const waitLimit = 30 * time.Second

// recorder is an engine.Output that records everything.
type recorder struct {
	mu       sync.Mutex
	streams  map[string]*strings.Builder
	displays []string
	notes    []string // the text of engine.Note and engine.Progress displays
	results  []engine.MIMEBundle
	clears   int
	input    string
	changed  chan struct{} // receives (non-blocking) on every write
}

func newRecorder() *recorder {
	return &recorder{streams: map[string]*strings.Builder{"stdout": {}, "stderr": {}}, changed: make(chan struct{}, 1)}
}

func (r *recorder) poke() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	b, ok := r.streams[name]
	if !ok {
		b = &strings.Builder{}
		r.streams[name] = b
	}
	b.WriteString(text)
	r.mu.Unlock()
	r.poke()
}

func (r *recorder) Result(data engine.MIMEBundle, metadata map[string]any) {
	r.mu.Lock()
	r.results = append(r.results, data)
	r.mu.Unlock()
	r.poke()
}

func (r *recorder) Display(data engine.MIMEBundle, metadata map[string]any, id string, update bool) {
	r.mu.Lock()
	r.displays = append(r.displays, data["text/plain"].(string)+"|"+id+"|"+map[bool]string{true: "update", false: "new"}[update])
	if engine.IsNote(metadata) {
		r.notes = append(r.notes, data["text/plain"].(string))
	}
	r.mu.Unlock()
	r.poke()
}

func (r *recorder) ClearOutput(wait bool) {
	r.mu.Lock()
	r.clears++
	r.mu.Unlock()
	r.poke()
}

func (r *recorder) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if r.input == "" {
		return "", errors.New("input: stdin not allowed")
	}
	return r.input, nil
}

// note is the text of the notes so far, one a line.
func (r *recorder) note() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.notes, "\n")
}

func (r *recorder) stream(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b := r.streams[name]; b != nil {
		return b.String()
	}
	return ""
}

// waitFor waits until cond holds, failing the test after waitLimit.
func (r *recorder) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-r.changed:
		case <-deadline.C:
			t.Fatalf("waited %v for %s; stdout %q stderr %q", waitLimit, what, r.stream("stdout"), r.stream("stderr"))
		}
	}
}

func testOptions(t testing.TB) Options {
	// GORACE: a race-enabled child would otherwise sleep 1 s at exit.
	return Options{Command: []string{os.Args[0]}, Env: append(os.Environ(), envWorker+"=1", "GORACE=atexit_sleep_ms=0")}
}

func startClient(t testing.TB, opts Options) *Client {
	t.Helper()
	c, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		pid := c.Stats().PID
		if err := c.Shutdown(context.Background(), false); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if alive(pid) {
			t.Errorf("worker pid %d still alive after Shutdown", pid)
		}
	})
	return c
}

func alive(pid int) bool {
	return pid > 0 && syscall.Kill(pid, 0) == nil
}

func run(c *Client, code string) (engine.ExecuteResult, *recorder) {
	out := newRecorder()
	out.input = "gopher"
	return c.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: 1}, out), out
}

func TestCells(t *testing.T) {
	c := startClient(t, testOptions(t))
	tests := []struct {
		code      string
		stdout    string
		displays  string
		results   int
		clears    int
		errorName string
	}{
		{code: "nop"},
		{code: "print hi there", stdout: "hi there\n"},
		{code: "display", displays: "first|d1|new,second|d1|update", clears: 1},
		{code: "result", results: 1},
		{code: "input", stdout: "hello gopher\n"},
		{code: "nonsense", errorName: "UnknownCell"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			res, out := run(c, tt.code)
			gotErr := ""
			if res.Error != nil {
				gotErr = res.Error.Name
			}
			if gotErr != tt.errorName {
				t.Fatalf("error: got %q (%v), want %q", gotErr, res.Error, tt.errorName)
			}
			if tt.errorName == "" && res.UserExpressions["n"] != float64(1) {
				t.Errorf("user expressions: got %v, want n=1", res.UserExpressions)
			}
			// Events of a cell precede its done event on the same pipe.
			if got := out.stream("stdout"); got != tt.stdout {
				t.Errorf("stdout: got %q, want %q", got, tt.stdout)
			}
			out.mu.Lock()
			defer out.mu.Unlock()
			if got := strings.Join(out.displays, ","); got != tt.displays {
				t.Errorf("displays: got %q, want %q", got, tt.displays)
			}
			if len(out.results) != tt.results || out.clears != tt.clears {
				t.Errorf("results, clears: got %d, %d, want %d, %d", len(out.results), out.clears, tt.results, tt.clears)
			}
		})
	}
	if st := c.Stats(); st.Starts != 1 || st.Restarts != 0 || st.Crashes != 0 {
		t.Errorf("stats: got %+v, want 1 start, no restarts or crashes", st)
	}
}

func TestInputNotAllowed(t *testing.T) {
	c := startClient(t, testOptions(t))
	out := newRecorder() // no input configured: Input fails
	res := c.Execute(context.Background(), engine.ExecuteRequest{Code: "input"}, out)
	if res.Error == nil || res.Error.Name != "InputError" || !strings.Contains(res.Error.Value, "stdin not allowed") {
		t.Fatalf("got %v, want InputError: stdin not allowed", res.Error)
	}
}

func TestIntrospection(t *testing.T) {
	c := startClient(t, testOptions(t))
	ctx := context.Background()
	comp, err := c.Complete(ctx, "fm", 2)
	if err != nil || strings.Join(comp.Matches, ",") != "fm1,fm2" || comp.CursorEnd != 2 {
		t.Errorf("Complete: got %+v, %v", comp, err)
	}
	if _, err := c.Complete(ctx, "fail", 4); err == nil || !strings.Contains(err.Error(), "want anything else") {
		t.Errorf("Complete(fail): got %v, want the interpreter's error", err)
	}
	in, err := c.Inspect(ctx, "x", 1, 1)
	if err != nil || !in.Found || in.Data["text/plain"] != "x@1/1" {
		t.Errorf("Inspect: got %+v, %v", in, err)
	}
	ic, err := c.IsComplete(ctx, "func f() {")
	if err != nil || ic.Status != "incomplete" || ic.Indent != "\t" {
		t.Errorf("IsComplete: got %+v, %v", ic, err)
	}
}

func TestCrashes(t *testing.T) {
	tests := []struct {
		code      string
		wantValue string
	}{
		{"recurse", "fatal error: stack overflow"},
		{"mapwrites", "fatal error: concurrent map writes"},
		{"exit", "worker process exited: exit status 3"},
		{"panicgo", "panic: boom in goroutine"},
	}
	c := startClient(t, testOptions(t))
	for i, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			before := c.Stats().PID
			res, out := run(c, tt.code)
			if res.Error == nil || res.Error.Name != engine.ErrInterpreterCrashed {
				t.Fatalf("got %v, want %s", res.Error, engine.ErrInterpreterCrashed)
			}
			if res.Error.Value != tt.wantValue {
				t.Errorf("value: got %q, want %q", res.Error.Value, tt.wantValue)
			}
			tb := strings.Join(res.Error.Traceback, "\n")
			if !strings.Contains(tb, "fresh session") {
				t.Errorf("traceback does not explain the restart:\n%s", tb)
			}
			if tt.code != "exit" && !strings.Contains(tb, tt.wantValue) {
				t.Errorf("traceback lacks the dump's first lines:\n%s", tb)
			}
			// The dump is not shown as output too.
			if s := out.stream("stderr"); !(raceEnabled && tt.code == "mapwrites") && strings.Contains(s, "goroutine ") || strings.Contains(s, "fatal error") {
				t.Errorf("dump leaked to stderr stream: %q", s)
			}
			// The next cell runs in a fresh child.
			res, out = run(c, "pid")
			if res.Error != nil {
				t.Fatalf("after crash: %v", res.Error)
			}
			st := c.Stats()
			if st.PID == before || out.stream("stdout") != strconv.Itoa(st.PID) {
				t.Errorf("after crash: pid %s, stats %+v, before %d", out.stream("stdout"), st, before)
			}
			if alive(before) {
				t.Errorf("crashed worker %d still alive", before)
			}
			if st.Crashes != i+1 || st.Restarts != i+1 {
				t.Errorf("stats: got %+v, want %d crashes and restarts", st, i+1)
			}
		})
	}
}

func TestInterruptUnblocks(t *testing.T) {
	c := startClient(t, testOptions(t))
	t.Run("Interrupt", func(t *testing.T) {
		out := newRecorder()
		done := make(chan engine.ExecuteResult, 1)
		go func() { done <- c.Execute(context.Background(), engine.ExecuteRequest{Code: "block"}, out) }()
		out.waitFor(t, "the cell to block", func() bool { return out.stream("stdout") == "blocking\n" })
		c.Interrupt()
		res := <-done
		if res.Error == nil || res.Error.Name != engine.ErrInterrupted {
			t.Fatalf("got %v, want %s", res.Error, engine.ErrInterrupted)
		}
	})
	t.Run("ctx", func(t *testing.T) {
		out := newRecorder()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan engine.ExecuteResult, 1)
		go func() { done <- c.Execute(ctx, engine.ExecuteRequest{Code: "block"}, out) }()
		out.waitFor(t, "the cell to block", func() bool { return out.stream("stdout") == "blocking\n" })
		cancel()
		res := <-done
		if res.Error == nil || res.Error.Name != engine.ErrInterrupted {
			t.Fatalf("got %v, want %s", res.Error, engine.ErrInterrupted)
		}
	})
	if res, _ := run(c, "nop"); res.Error != nil {
		t.Fatalf("after interrupts: %v", res.Error)
	}
}

// TestInterruptBeforeTheCellStarts: an interrupt that reaches the child
// while its cell has not started yet (the interpreter clears a pending
// interrupt when a cell begins) is repeated until the cell ends, so the
// cell is interrupted instead of running on for good.
func TestInterruptBeforeTheCellStarts(t *testing.T) {
	c := startClient(t, testOptions(t))
	out := newRecorder()
	done := make(chan engine.ExecuteResult, 1)
	go func() { done <- c.Execute(context.Background(), engine.ExecuteRequest{Code: "slowblock"}, out) }()
	time.Sleep(50 * time.Millisecond) // the request is in the child, its cell not begun
	c.Interrupt()
	select {
	case res := <-done:
		if res.Error == nil || res.Error.Name != engine.ErrInterrupted {
			t.Fatalf("got %v, want %s", res.Error, engine.ErrInterrupted)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the interrupt was lost: the cell still runs 10 s later")
	}
	if res, _ := run(c, "nop"); res.Error != nil {
		t.Fatalf("after the interrupt: %v", res.Error)
	}
}

func TestLateOutputReachesItsCell(t *testing.T) {
	c := startClient(t, testOptions(t))
	res, lateOut := run(c, "late")
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	res, relOut := run(c, "release")
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	lateOut.waitFor(t, "late output", func() bool { return lateOut.stream("stdout") == "late\n" })
	if s := relOut.stream("stdout"); s != "" {
		t.Errorf("late output also went to the later cell: %q", s)
	}
}

func TestRawOutputGoesToCell(t *testing.T) {
	c := startClient(t, testOptions(t))
	res, out := run(c, "rawstdout")
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	// Raw bytes travel on other pipes than the events: they may come after
	// the reply, and still reach this (the latest) cell.
	out.waitFor(t, "raw output", func() bool {
		return out.stream("stdout") == "RAW-STDOUT-MARKER\n" && out.stream("stderr") == "RAW-STDERR-MARKER\n"
	})
}

// TestLogLinesGoToTheLogFile: what the worker writes to LogWriter reaches
// Options.LogFile, and nothing of it the cell's streams.
func TestLogLinesGoToTheLogFile(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	opts := testOptions(t)
	opts.LogFile = w
	c := startClient(t, opts)
	w.Close() // the child holds its copy
	res, logged := run(c, "log from the worker")
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	if err := r.SetReadDeadline(time.Now().Add(waitLimit)); err != nil { // a hang guard
		t.Fatal(err)
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || line != "LOG-MARKER from the worker\n" {
		t.Fatalf("log file: %q, %v", line, err)
	}
	// A line written to the child's stderr before the next cell's raw
	// output would have reached one of the two cells by the time that
	// output has.
	_, raw := run(c, "rawstdout")
	raw.waitFor(t, "raw output", func() bool { return strings.Contains(raw.stream("stderr"), "RAW-STDERR-MARKER") })
	for _, out := range []*recorder{logged, raw} {
		if s := out.stream("stdout") + out.stream("stderr"); strings.Contains(s, "LOG-MARKER") {
			t.Errorf("the log line reached a cell: %q", s)
		}
	}
}

// TestIdleCrashReport: a crash while no cell runs (a late goroutine of a
// finished cell) is reported to the last cell: the runtime's dump on its
// stderr, as go run prints it, gilgo's explanation in a note.
func TestIdleCrashReport(t *testing.T) {
	c := startClient(t, testOptions(t))
	res, out := run(c, "idlecrash")
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	before := c.Stats().PID
	c.Interrupt() // the goroutine of the finished cell overflows its stack
	out.waitFor(t, "the crash report", func() bool {
		return strings.Contains(out.stream("stderr"), "fatal error: stack overflow")
	})
	// The runtime's dump is the program's stderr; gilgo's explanation a note.
	if note := strings.Split(out.note(), "\n"); len(note) != 2 || !strings.HasPrefix(note[0], "The Go worker process died: fatal error: stack overflow") || !strings.HasPrefix(note[1], "A fresh session was started") {
		t.Errorf("note: got %q, want the two lines of explanation", note)
	}
	if strings.Contains(out.stream("stderr"), "A fresh session was started") {
		t.Errorf("stderr has gilgo's explanation: %q", out.stream("stderr"))
	}
	res, out2 := run(c, "pid")
	if res.Error != nil {
		t.Fatalf("after idle crash: %v", res.Error)
	}
	if st := c.Stats(); st.PID == before || st.Crashes != 1 || out2.stream("stdout") != strconv.Itoa(st.PID) {
		t.Errorf("after idle crash: stats %+v, before %d", st, before)
	}
}

func TestIntrospectionWhileRestarting(t *testing.T) {
	c := startClient(t, testOptions(t))
	// Make the client look mid-restart: no current child.
	c.mu.Lock()
	saved := c.cur
	c.cur = nil
	c.mu.Unlock()
	ctx := context.Background()
	comp, err := c.Complete(ctx, "x", 1)
	if err != nil || len(comp.Matches) != 0 || comp.CursorStart != 1 {
		t.Errorf("Complete: got %+v, %v, want empty", comp, err)
	}
	in, err := c.Inspect(ctx, "x", 1, 0)
	if err != nil || in.Found {
		t.Errorf("Inspect: got %+v, %v, want not found", in, err)
	}
	ic, err := c.IsComplete(ctx, "x")
	if err != nil || ic.Status != "unknown" {
		t.Errorf("IsComplete: got %+v, %v, want unknown", ic, err)
	}
	c.Interrupt() // no child: a no-op
	c.mu.Lock()
	c.cur = saved
	c.mu.Unlock()
}

func TestRestart(t *testing.T) {
	c := startClient(t, testOptions(t))
	before := c.Stats().PID
	if err := c.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if st.PID == before || st.Restarts != 1 || st.Crashes != 0 || alive(before) {
		t.Errorf("after Restart: stats %+v, old pid %d alive %v", st, before, alive(before))
	}
	if res, _ := run(c, "nop"); res.Error != nil {
		t.Fatal(res.Error)
	}
}

func TestShutdownDuringCell(t *testing.T) {
	c, err := Start(context.Background(), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	pid := c.Stats().PID
	out := newRecorder()
	done := make(chan engine.ExecuteResult, 1)
	go func() { done <- c.Execute(context.Background(), engine.ExecuteRequest{Code: "block"}, out) }()
	out.waitFor(t, "the cell to block", func() bool { return out.stream("stdout") == "blocking\n" })
	if err := c.Shutdown(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.Error == nil {
		t.Fatal("cell survived Shutdown")
	}
	if alive(pid) {
		t.Errorf("worker %d alive after Shutdown", pid)
	}
	if res := c.Execute(context.Background(), engine.ExecuteRequest{Code: "nop"}, newRecorder()); res.Error == nil {
		t.Error("Execute after Shutdown succeeded")
	}
	if err := c.Shutdown(context.Background(), false); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
}

func TestStartFailures(t *testing.T) {
	t.Run("no such command", func(t *testing.T) {
		_, err := Start(context.Background(), Options{Command: []string{"/nonexistent/gilgo"}})
		if err == nil {
			t.Fatal("Start succeeded")
		}
	})
	t.Run("empty command", func(t *testing.T) {
		if _, err := Start(context.Background(), Options{}); err == nil {
			t.Fatal("Start succeeded")
		}
	})
	t.Run("not a worker", func(t *testing.T) {
		// The test binary without the env var runs no tests and exits.
		_, err := Start(context.Background(), Options{Command: []string{os.Args[0], "-test.run=^$"}})
		if err == nil || !strings.Contains(err.Error(), "exited before it was ready") {
			t.Fatalf("got %v, want exited before ready", err)
		}
	})
	t.Run("restarts are bounded", func(t *testing.T) {
		marker := t.TempDir() + "/started"
		opts := testOptions(t)
		opts.Env = append(opts.Env, envFailStart+"="+marker)
		c := startClient(t, opts)
		res, _ := run(c, "exit")
		if res.Error == nil || res.Error.Name != engine.ErrInterpreterCrashed {
			t.Fatalf("got %v, want crash", res.Error)
		}
		res, _ = run(c, "nop")
		if res.Error == nil || !strings.Contains(res.Error.Value, "after 3 attempts") || !strings.Contains(res.Error.Value, "refusing to start") {
			t.Fatalf("got %v, want a bounded restart failure", res.Error)
		}
		// Still usable once the cause is gone.
		os.Remove(marker)
		if res, _ := run(c, "nop"); res.Error != nil {
			t.Fatalf("after fixing: %v", res.Error)
		}
	})
}

const envLeakHelper = "GILGO_WORKER_TEST_LEAK_HELPER"

// TestNothingLeaks runs itself in a subprocess whose stdout and stderr it
// captures: there, a Client runs cells that write raw to fd 1 and 2 and
// crash. Nothing of it may reach the kernel process's own stdout or stderr.
func TestNothingLeaks(t *testing.T) {
	if os.Getenv(envLeakHelper) == "1" {
		opts := testOptions(t)
		opts.Logger = slog.New(slog.DiscardHandler)
		c := startClient(t, opts)
		for _, code := range []string{"rawstdout", "print PRINTED-MARKER", "recurse", "rawstdout", "exit"} {
			res, out := run(c, code)
			if code == "rawstdout" {
				out.waitFor(t, "raw output", func() bool { return strings.Contains(out.stream("stderr"), "RAW-STDERR-MARKER") })
			}
			if (code == "recurse" || code == "exit") != (res.Error != nil) {
				t.Errorf("%s: %v", code, res.Error)
			}
		}
		return
	}
	cmd := osexec.Command(os.Args[0], "-test.run=^TestNothingLeaks$", "-test.count=1")
	cmd.Env = append(os.Environ(), envLeakHelper+"=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helper: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "PASS") {
		t.Fatalf("helper did not run its test: stdout %q", stdout.String())
	}
	for _, marker := range []string{"MARKER", "fatal error", "goroutine ", "exit status"} {
		if strings.Contains(stdout.String(), marker) || strings.Contains(stderr.String(), marker) {
			t.Errorf("%q leaked:\nstdout:\n%s\nstderr:\n%s", marker, stdout.String(), stderr.String())
		}
	}
}

// TestEventTooLarge: an event over maxFrame (a 64 MiB display) is dropped
// in the child, the cell gets a note saying so (not a line on its stderr,
// which is its program's) and goes on, and the child is kept.
func TestEventTooLarge(t *testing.T) {
	c := startClient(t, testOptions(t))
	pid := c.Stats().PID
	res, out := run(c, "hugedisplay")
	if res.Error != nil {
		t.Fatalf("hugedisplay: %v", res.Error)
	}
	if got := out.note(); !strings.Contains(got, "display output dropped") || !strings.Contains(got, strconv.Itoa(maxFrame)) {
		t.Errorf("notes: got %q, want the dropped display and the limit %d", got, maxFrame)
	}
	if got := out.stream("stderr"); got != "" {
		t.Errorf("stderr: got %q, want nothing", got)
	}
	if got := out.stream("stdout"); got != "after\n" {
		t.Errorf("stdout: got %q, want the cell to go on", got)
	}
	if res, out := run(c, "pid"); res.Error != nil || out.stream("stdout") != strconv.Itoa(pid) {
		t.Errorf("next cell: %v, pid %s, want the same worker %d", res.Error, out.stream("stdout"), pid)
	}
}

// TestInputTooLarge: a request whose encoding is over maxFrame is answered
// with InputTooLarge and the child (the session) is kept; a cell of 11.5 M
// '<', which JSON's HTML escaping used to blow up past the limit, runs.
func TestInputTooLarge(t *testing.T) {
	c := startClient(t, testOptions(t))
	pid := c.Stats().PID
	// A control character takes 6 bytes encoded: 12 MiB of them are 72 MiB.
	huge := "print " + strings.Repeat("\x01", 12<<20)
	tests := []struct {
		name    string
		code    string
		wantErr string // error name, "" for none
	}{
		{name: "escaped past the limit", code: huge, wantErr: engine.ErrInputTooLarge},
		{name: "angle brackets", code: "print x := 1 //" + strings.Repeat("<", 11_500_000)},
		{name: "over the limit", code: "print " + strings.Repeat("x", maxFrame), wantErr: engine.ErrInputTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, out := run(c, tt.code)
			gotErr := ""
			if res.Error != nil {
				gotErr = res.Error.Name
			}
			if gotErr != tt.wantErr {
				t.Fatalf("error: got %v, want %q", res.Error, tt.wantErr)
			}
			if tt.wantErr != "" {
				if !strings.Contains(res.Error.Value, strconv.Itoa(len(tt.code))+" bytes") || !strings.Contains(res.Error.Value, strconv.Itoa(maxFrame)) {
					t.Errorf("value %q lacks the size %d or the limit %d", res.Error.Value, len(tt.code), maxFrame)
				}
			} else if got := out.stream("stdout"); len(got) != len(tt.code)-len("print ")+1 {
				t.Errorf("stdout: got %d bytes, want %d", len(got), len(tt.code)-len("print ")+1)
			}
			if res, out := run(c, "pid"); res.Error != nil || out.stream("stdout") != strconv.Itoa(pid) {
				t.Errorf("next cell: %v, pid %s, want the same worker %d", res.Error, out.stream("stdout"), pid)
			}
		})
	}
	ctx := context.Background()
	_, err := c.Complete(ctx, huge, 3)
	var e *engine.Error
	if !errors.As(err, &e) || e.Name != engine.ErrInputTooLarge {
		t.Errorf("Complete of huge code: got %v, want %s", err, engine.ErrInputTooLarge)
	}
	if _, err := c.Inspect(ctx, huge, 3, 0); !errors.As(err, &e) || e.Name != engine.ErrInputTooLarge {
		t.Errorf("Inspect of huge code: got %v, want %s", err, engine.ErrInputTooLarge)
	}
	if comp, err := c.Complete(ctx, "fm", 2); err != nil || len(comp.Matches) != 2 {
		t.Errorf("Complete after: %+v, %v", comp, err)
	}
	if st := c.Stats(); st.PID != pid || st.Starts != 1 || st.Crashes != 0 {
		t.Errorf("stats: got %+v, want the first worker %d, no crash", st, pid)
	}
}

// syncBuffer is a bytes.Buffer for a logger written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEventPipeOutOfSync: bytes a cell writes to fd 4 behind Serve's back
// fail the pending Execute with a clear error, the kernel log warns, and
// the next cell runs in a fresh worker. Two stray bytes used to be taken
// for half a length prefix: the reader waited for 17 MB and the cell was
// never answered.
func TestEventPipeOutOfSync(t *testing.T) {
	var log syncBuffer
	opts := testOptions(t)
	opts.Logger = slog.New(slog.NewTextHandler(&log, nil))
	c := startClient(t, opts)
	for i, kind := range []string{"bytes", "json", "length"} {
		t.Run(kind, func(t *testing.T) {
			before := c.Stats().PID
			done := make(chan engine.ExecuteResult, 1)
			go func() { res, _ := run(c, "stray "+kind); done <- res }()
			var res engine.ExecuteResult
			select {
			case res = <-done:
			case <-time.After(waitLimit): // a hang guard
				c.Interrupt()
				t.Fatalf("no answer in %v, even to an interrupt", waitLimit)
			}
			if res.Error == nil || res.Error.Name != engine.ErrInterpreterCrashed || !strings.Contains(res.Error.Value, "out of sync") {
				t.Fatalf("got %v, want %s: ... out of sync", res.Error, engine.ErrInterpreterCrashed)
			}
			if !strings.Contains(log.String(), "event pipe out of sync") {
				t.Errorf("no warning in the log:\n%s", log.String())
			}
			res, out := run(c, "pid")
			if res.Error != nil {
				t.Fatalf("next cell: %v", res.Error)
			}
			if st := c.Stats(); st.PID == before || out.stream("stdout") != strconv.Itoa(st.PID) || st.Crashes != i+1 || alive(before) {
				t.Errorf("stats %+v, pid %s, old worker %d alive %v", st, out.stream("stdout"), before, alive(before))
			}
		})
	}
}
