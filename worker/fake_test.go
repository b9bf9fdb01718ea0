package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// fakeInterp is the interpreter the test binary serves when it runs as a
// worker child (see TestMain). Its cells are commands:
//
//	print X     stream "X\n" to stdout
//	display     a display_data with a display id, then an update
//	result      an execute_result
//	input       ask for a line, print "hello <line>"
//	block       print "blocking\n", then block until interrupted
//	slowblock   sleep 200 ms, clear a pending interrupt, then block
//	recurse     real unbounded recursion: fatal stack overflow
//	mapwrites   real concurrent map writes: fatal error
//	exit        os.Exit(3)
//	panicgo     an unrecovered panic in a goroutine
//	late        start a goroutine that prints "late\n" once "release" runs
//	release     let the goroutine of "late" print
//	idlecrash   start a goroutine that overflows its stack at the next Interrupt
//	rawstdout   write to fd 1 and fd 2 directly, bypassing Output
//	nop         nothing
//	commout     print whether out carries comm messages
//	pid         print the process id
//	freshworker print "reset\n" and ask for a fresh process (Restart)
//	spawn M HOW start a sleeper (the test binary, sleeping) whose argv holds
//	            marker M, sharing the worker's stdout and stderr; HOW is
//	            "group" (in the worker's process group), "setsid" (in a
//	            session of its own) or "fork" (by an intermediate sleeper
//	            that starts it with Setsid and exits: a double fork)
//	stray X     write bytes to the event pipe behind Serve's back: X is
//	            "bytes" (two bytes), "json" (a frame whose body is not
//	            JSON) or "length" (a header announcing too much)
type fakeInterp struct {
	mu        sync.Mutex
	interrupt chan struct{} // closed by Interrupt, replaced per cell
	release   chan struct{}
	armed     chan struct{}
	debugSink func(json.RawMessage) // DebugEvents' (debug_test.go)
}

func newFakeInterp() *fakeInterp {
	return &fakeInterp{interrupt: make(chan struct{}), release: make(chan struct{}), armed: make(chan struct{})}
}

func (f *fakeInterp) Execute(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
	if req.Code == "slowblock" {
		// A cell that takes a while to start: an interrupt before it
		// clears the pending one below is lost, as one before a session's
		// BeginCell is.
		time.Sleep(200 * time.Millisecond)
		req.Code = "block"
	}
	f.mu.Lock()
	select {
	case <-f.interrupt:
		f.interrupt = make(chan struct{})
	default:
	}
	intr := f.interrupt
	f.mu.Unlock()

	cmd, arg, _ := strings.Cut(req.Code, " ")
	switch cmd {
	case "commout":
		if _, ok := out.(engine.CommOutput); ok {
			out.Stream("stdout", "comms\n")
		} else {
			out.Stream("stdout", "no comms\n")
		}
	case "nop":
	case "print":
		out.Stream("stdout", arg+"\n")
	case "pid":
		out.Stream("stdout", fmt.Sprint(os.Getpid()))
	case "freshworker":
		out.Stream("stdout", "reset\n")
		return engine.ExecuteResult{Restart: true}
	case "display":
		out.Display(engine.MIMEBundle{"text/plain": "first"}, nil, "d1", false)
		out.Display(engine.MIMEBundle{"text/plain": "second"}, nil, "d1", true)
		out.ClearOutput(true)
	case "hugedisplay":
		out.Display(engine.MIMEBundle{"text/plain": strings.Repeat("x", maxFrame)}, nil, "", false)
		out.Stream("stdout", "after\n")
	case "result":
		out.Result(engine.MIMEBundle{"text/plain": "42"}, map[string]any{"k": "v"})
	case "input":
		line, err := out.Input(ctx, "name? ", false)
		if err != nil {
			return errResult("InputError", err.Error())
		}
		out.Stream("stdout", "hello "+line+"\n")
	case "block":
		out.Stream("stdout", "blocking\n")
		select {
		case <-intr:
		case <-ctx.Done():
		}
		return errResult(engine.ErrInterrupted, "interrupted")
	case "recurse":
		recurse(1)
	case "mapwrites":
		mapWrites()
	case "exit":
		os.Exit(3)
	case "panicgo":
		go func() { panic("boom in goroutine") }()
		<-ctx.Done() // the process dies first
	case "late":
		f.mu.Lock()
		rel := f.release
		f.mu.Unlock()
		go func() {
			<-rel
			out.Stream("stdout", "late\n")
		}()
	case "release":
		f.mu.Lock()
		close(f.release)
		f.release = make(chan struct{})
		f.mu.Unlock()
	case "idlecrash":
		go func() {
			<-intr
			recurse(1)
		}()
	case "log":
		fmt.Fprintln(LogWriter(), "LOG-MARKER", arg)
	case "spawn":
		marker, how, _ := strings.Cut(arg, " ")
		if err := startSleeper(marker, how); err != nil {
			return errResult("SpawnError", err.Error())
		}
	case "stray":
		stray := map[string][]byte{
			"bytes":  {1, 2},
			"json":   append(header(2), 'h', 'i'),
			"length": header(maxFrame + 1),
		}[arg]
		if _, err := syscall.Write(EventFD, stray); err != nil {
			return errResult("WriteError", err.Error())
		}
	case "rawstdout":
		os.Stdout.WriteString("RAW-STDOUT-MARKER\n")
		os.Stderr.WriteString("RAW-STDERR-MARKER\n")
	default:
		return errResult("UnknownCell", req.Code)
	}
	return engine.ExecuteResult{UserExpressions: map[string]any{"n": req.ExecutionCount}}
}

func errResult(name, value string) engine.ExecuteResult {
	return engine.ExecuteResult{Error: &engine.Error{Name: name, Value: value}}
}

//go:noinline
func recurse(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	return recurse(n+1) + int(pad[(n+7)%256])
}

func mapWrites() {
	// Two Ps even on one CPU (taskset -c 0): with one, a goroutine is
	// never stopped inside a map write, so the runtime never sees the
	// other one write at the same time and the fake never crashes. Two
	// threads on one CPU are interleaved by the kernel anywhere.
	runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0)))
	m := map[int]int{}
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				m[i%1000+g] = i
			}
		}()
	}
	wg.Wait()
}

func (f *fakeInterp) Complete(ctx context.Context, code string, cursor int) (engine.Completion, error) {
	if code == "fail" {
		return engine.Completion{}, fmt.Errorf("complete: got %q, want anything else", code)
	}
	return engine.Completion{Matches: []string{code + "1", code + "2"}, CursorStart: 0, CursorEnd: cursor}, nil
}

func (f *fakeInterp) Inspect(ctx context.Context, code string, cursor, detail int) (engine.Inspection, error) {
	return engine.Inspection{Found: true, Data: engine.MIMEBundle{"text/plain": fmt.Sprintf("%s@%d/%d", code, cursor, detail)}}, nil
}

func (f *fakeInterp) IsComplete(ctx context.Context, code string) (engine.Completeness, error) {
	if strings.HasSuffix(code, "{") {
		return engine.Completeness{Status: "incomplete", Indent: "\t"}, nil
	}
	return engine.Completeness{Status: "complete"}, nil
}

func (f *fakeInterp) Interrupt() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.interrupt:
	default:
		close(f.interrupt)
	}
}

func (f *fakeInterp) Shutdown(ctx context.Context, restart bool) error { return nil }

// startSleeper starts the test binary as a sleeper (see TestMain) with
// marker in its argv; how as for the cell "spawn".
func startSleeper(marker, how string) error {
	env := os.Environ()
	if how == "fork" {
		env = append(env, envSleeperFork+"=1")
	}
	p, err := os.StartProcess(os.Args[0], []string{os.Args[0], "sleeper", marker}, &os.ProcAttr{
		Env:   append(env, envSleeper+"=1"),
		Files: []*os.File{nil, os.Stdout, os.Stderr},
		Sys:   &syscall.SysProcAttr{Setsid: how != "group"},
	})
	if err != nil {
		return err
	}
	if how == "fork" {
		_, err = p.Wait() // the intermediate exits at once
		return err
	}
	return p.Release()
}

// runSleeper is the body of the test binary as a sleeper: it sleeps, or
// with envSleeperFork starts a sleeper and exits.
func runSleeper() int {
	if os.Getenv(envSleeperFork) != "" {
		os.Unsetenv(envSleeperFork)
		if err := startSleeper(os.Args[2], "setsid"); err != nil {
			fmt.Fprintln(os.Stderr, "sleeper:", err)
			return 1
		}
		return 0
	}
	time.Sleep(time.Hour)
	return 0
}

// runFakeWorker is the body of the test binary as a worker child.
func runFakeWorker() int {
	debug.SetMaxStack(16 << 20)
	if os.Getenv(envFailStart) != "" {
		if _, err := os.Stat(os.Getenv(envFailStart)); err == nil {
			fmt.Fprintln(os.Stderr, "fake worker: refusing to start")
			return 1
		}
		os.WriteFile(os.Getenv(envFailStart), nil, 0o600)
	}
	if path := os.Getenv(envWaitFor); path != "" {
		// Stand for a slow start: not ready until the test says so.
		for {
			if _, err := os.Stat(path); err == nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if err := ServeProcess(context.Background(), newFakeInterp()); err != nil {
		fmt.Fprintln(os.Stderr, "fake worker:", err)
		return 1
	}
	return 0
}

// The fake's comm target "echo": a comm_msg is sent back with the same
// data and buffers, and "comm <id>" is printed.
var (
	fakeCommsMu sync.Mutex
	fakeComms   = map[string]string{}
)

func (f *fakeInterp) HandleComm(_ context.Context, c engine.Comm, out engine.Output) error {
	fakeCommsMu.Lock()
	defer fakeCommsMu.Unlock()
	switch c.Type {
	case engine.CommOpen:
		if c.Target != "echo" {
			return engine.ErrNoCommTarget
		}
		fakeComms[c.ID] = c.Target
	case engine.CommMsg:
		out.(engine.CommOutput).Comm(engine.Comm{Type: engine.CommMsg, ID: c.ID, Data: c.Data, Buffers: c.Buffers})
		out.Stream("stdout", "comm "+c.ID+"\n")
	case engine.CommClose:
		delete(fakeComms, c.ID)
	}
	return nil
}

func (f *fakeInterp) CommInfo(_ context.Context, target string) (map[string]string, error) {
	fakeCommsMu.Lock()
	defer fakeCommsMu.Unlock()
	res := map[string]string{}
	for id, t := range fakeComms {
		if target == "" || t == target {
			res[id] = t
		}
	}
	return res, nil
}
