package multiprocessing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/piddir"
	"github.com/gilgo/gilgo/session/hook"
	"github.com/gilgo/gilgo/worker"
)

// Pool is a set of worker processes that run funcs of the session's
// cells, each process with its own interpreter and GIL. Its methods are
// safe for concurrent use; each process runs one call at a time.
type Pool struct{ s *poolState }

// ProcessError is a call that failed in a child process: the func
// panicked, returned an error, or its process died or could not start.
type ProcessError struct {
	Proc      int      // the process's number in its pool, from 1
	PID       int      // its process id, 0 if it never started
	Func      string   // the func called
	Name      string   // the kind of failure (the child cell's ename, "error" for a returned error)
	Value     string   // its message
	Traceback []string // the child's traceback, if any
}

func (e *ProcessError) Error() string {
	return fmt.Sprintf("%s in process %d (pid %d): %s: %s", e.Func, e.Proc, e.PID, e.Name, e.Value)
}

// Size returns the number of processes of the pool.
func (p *Pool) Size() int { return len(p.s.all) }

// PIDs returns the process ids of the pool's running processes.
func (p *Pool) PIDs() []int {
	var pids []int
	for _, pr := range p.s.all {
		pr.mu.Lock()
		if pr.client != nil {
			pids = append(pids, pr.client.Stats().PID)
		}
		pr.mu.Unlock()
	}
	return pids
}

// Close ends the pool's processes. Later calls fail; Close again is a
// no-op.
func (p *Pool) Close() error { return p.s.close() }

// Apply calls f(args...) in one of the pool's processes and returns its
// result: nil for a func without results, the value for one result, a
// []any for several; a trailing error result becomes the error. f is a
// func declared at the top level of a cell, or its name. Arguments and
// results travel as JSON.
func (p *Pool) Apply(f any, args ...any) (any, error) {
	res, err := p.s.run(f, [][]any{args})
	return res[0], err
}

// Map calls f(x) for every x of args, spread over the pool's processes,
// and returns the results in the order of args. On failures it still
// waits for every call and returns the first error by position.
func (p *Pool) Map(f any, args []any) ([]any, error) {
	calls := make([][]any, len(args))
	for i, a := range args {
		calls[i] = []any{a}
	}
	return p.s.run(f, calls)
}

// Starmap is Map for funcs of several parameters: f(args[i]...).
func (p *Pool) Starmap(f any, args [][]any) ([]any, error) {
	return p.s.run(f, args)
}

// poolState is a Pool without the handle that its cleanup watches.
type poolState struct {
	procs *Procs
	all   []*proc
	idle  chan *proc

	mu     sync.Mutex
	closed bool
	dir    string // replies of the children
	calls  uint64 // calls made, which name their reply files
}

// run makes the calls and returns their results in order.
func (s *poolState) run(f any, calls [][]any) ([]any, error) {
	res := make([]any, len(calls))
	env := s.procs.opts.Host
	decls := env.Declarations()
	name, err := s.procs.funcName(f, decls)
	if err != nil {
		return res, fmt.Errorf("multiprocessing: %w", err)
	}
	if s.procs.child {
		return res, fmt.Errorf("multiprocessing: %w", errChild)
	}
	enc := make([]string, len(calls))
	for i, c := range calls {
		if c == nil {
			c = []any{}
		}
		b, err := json.Marshal(c)
		if err != nil {
			return res, fmt.Errorf("multiprocessing: arguments of call %d are not JSON-encodable: %w", i+1, err)
		}
		enc[i] = string(b)
	}
	dir, first, err := s.replyDir(len(calls))
	if err != nil {
		return res, err
	}
	out := &lineOutput{out: env.CurrentOutput()}
	defer out.flush()
	intr := env.Interrupted()
	errs := make([]error, len(calls))
	env.Blocking(func() {
		next := make(chan int, len(calls))
		for i := range calls {
			next <- i
		}
		close(next)
		var wg sync.WaitGroup
		for range min(len(calls), len(s.all)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					pr, err := s.take(intr)
					if err != nil {
						errs[i] = err
						continue
					}
					res[i], errs[i] = pr.call(name, decls, enc[i], replyPath(dir, first+uint64(i)), out, intr)
					s.idle <- pr
				}
			}()
		}
		wg.Wait()
	})
	for i, err := range errs {
		if err == nil {
			continue
		}
		if len(calls) > 1 {
			return res, fmt.Errorf("multiprocessing: call %d of %d: %w", i+1, len(calls), err)
		}
		return res, fmt.Errorf("multiprocessing: %w", err)
	}
	return res, nil
}

// take waits for an idle process.
func (s *poolState) take(intr <-chan struct{}) (*proc, error) {
	select {
	case pr := <-s.idle:
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if closed {
			s.idle <- pr
			return nil, errors.New("the pool is closed")
		}
		return pr, nil
	case <-intr:
		return nil, hook.ErrInterrupted
	}
}

// replyDirPrefix starts the name of a pool's reply directory, followed by
// the process id (internal/piddir): gilgo-procpool-pid1234-…. A worker
// killed before its pools closed leaves them; the first pool a later
// session makes removes those of ended processes.
const replyDirPrefix = "gilgo-procpool-pid"

// replyDir makes the directory the children write their replies to and
// reserves the numbers of n calls, which name their reply files.
func (s *poolState) replyDir(n int) (dir string, first uint64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", 0, errors.New("multiprocessing: the pool is closed")
	}
	if s.dir == "" {
		s.procs.sweep.Do(func() {
			if err := piddir.Sweep(replyDirPrefix); err != nil {
				s.procs.log.Warn("multiprocessing: remove stale reply directories", "err", err)
			}
		})
		d, err := piddir.Make(replyDirPrefix)
		if err != nil {
			return "", 0, fmt.Errorf("multiprocessing: reply directory: %w", err)
		}
		s.dir = d
	}
	first = s.calls
	s.calls += uint64(n)
	return s.dir, first, nil
}

// replyPath is the reply file of call number n. Every call of a pool has
// its own: yaegi ends an interrupted cell before the interpreted code has
// stopped, so an interrupted call can still write its reply (the zero
// values of its results) while the next call runs; a shared name made
// that late write the next call's result.
func replyPath(dir string, n uint64) string {
	return filepath.Join(dir, strconv.FormatUint(n, 10)+".json")
}

// close ends the processes and removes the reply directory.
func (s *poolState) close() error {
	s.mu.Lock()
	if s.closed && s.dir == "" {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	dir := s.dir
	s.dir = ""
	s.mu.Unlock()
	s.procs.forget(s)
	var errs []error
	for _, pr := range s.all {
		errs = append(errs, pr.stop())
	}
	if dir != "" {
		errs = append(errs, os.RemoveAll(dir))
	}
	return errors.Join(errs...)
}

// proc is one child process of a pool, started on first use.
type proc struct {
	pool *poolState
	n    int

	mu     sync.Mutex // guards client against stop
	client *worker.Client
	loaded string // the declarations the child has compiled
	starts int    // client.Stats().Starts when loaded was set
	cells  int
}

// call runs name(args) in the child and decodes its reply.
func (pr *proc) call(name, decls, args, replyPath string, out *lineOutput, intr <-chan struct{}) (any, error) {
	c, err := pr.start(intr)
	if err != nil {
		return nil, pr.fail(name, "ProcessStartError", err.Error(), nil)
	}
	if err := pr.sync(c, name, decls, intr); err != nil {
		return nil, err
	}
	_ = os.Remove(replyPath)
	code := "import " + childHelper + " " + strconv.Quote(helperPath) + "\n" +
		childHelper + ".Invoke(" + name + ", " + strconv.Quote(args) + ", " + strconv.Quote(replyPath) + ")\n"
	r := pr.exec(c, code, out, intr)
	if r.Error != nil {
		return nil, pr.errorOf(name, r.Error)
	}
	b, err := os.ReadFile(replyPath)
	if err != nil {
		return nil, pr.fail(name, "ReplyError", "no reply from the child: "+err.Error(), nil)
	}
	_ = os.Remove(replyPath)
	v, err := decodeReply(b)
	if err != nil {
		if errors.Is(err, errFunc) {
			return nil, pr.fail(name, "error", strings.TrimPrefix(err.Error(), errFunc.Error()+": "), nil)
		}
		return nil, pr.fail(name, "CallError", err.Error(), nil)
	}
	return v, nil
}

// childHelper is the name the call cell imports the helper package as (a
// different name from the registration pass's, since importing one name
// twice is an error).
const childHelper = "__mpc"

// start starts the child if it does not run.
func (pr *proc) start(intr <-chan struct{}) (*worker.Client, error) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.client != nil {
		return pr.client, nil
	}
	p := pr.pool.procs
	cmd, err := p.command()
	if err != nil {
		return nil, err
	}
	ctx, cancel := hook.InterruptContext(intr)
	defer cancel()
	c, err := worker.Start(ctx, worker.Options{
		Command: cmd,
		Env:     append(os.Environ(), ChildEnv+"=1"),
		Logger:  p.log,
	})
	if err != nil {
		if context.Cause(ctx) == hook.ErrInterrupted {
			return nil, hook.ErrInterrupted
		}
		return nil, fmt.Errorf("start process: %w", err)
	}
	pr.client, pr.loaded, pr.starts = c, "", c.Stats().Starts
	return c, nil
}

// sync makes the child's declarations those of the session: new ones are
// compiled, anything else (a redefinition, a new import, a crashed child)
// restarts the child first.
func (pr *proc) sync(c *worker.Client, name, decls string, intr <-chan struct{}) error {
	if st := c.Stats().Starts; st != pr.starts {
		pr.loaded, pr.starts = "", st // the child crashed and was restarted
	}
	if decls == pr.loaded {
		return nil
	}
	src := decls
	switch {
	case pr.loaded != "" && strings.HasPrefix(decls, pr.loaded):
		src = decls[len(pr.loaded):]
	case pr.loaded != "":
		ctx, cancel := hook.InterruptContext(intr)
		err := c.Restart(ctx)
		cancel()
		if err != nil {
			return pr.fail(name, "ProcessStartError", err.Error(), nil)
		}
		pr.starts = c.Stats().Starts
	}
	var buf lineOutput // output of declarations is not shown
	if r := pr.exec(c, src, &buf, intr); r.Error != nil {
		e := pr.errorOf(name, r.Error)
		if pe, ok := e.(*ProcessError); ok {
			pe.Value = "compiling the declarations of the cells: " + pe.Value
		}
		return e
	}
	pr.loaded = decls
	return nil
}

// exec runs a cell in the child. An interrupt interrupts it, and kills the
// child if the cell has not ended after the pool's KillGrace.
func (pr *proc) exec(c *worker.Client, code string, out engine.Output, intr <-chan struct{}) engine.ExecuteResult {
	pr.cells++
	req := engine.ExecuteRequest{Code: code, ExecutionCount: pr.cells, StoreHistory: false}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan engine.ExecuteResult, 1)
	go func() { done <- c.Execute(ctx, req, out) }()
	select {
	case r := <-done:
		return r
	case <-intr:
	}
	cancel() // the Client sends the child an interrupt
	t := time.NewTimer(pr.pool.procs.opts.KillGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		_ = pr.stop()
		<-done
	}
	return engine.ExecuteResult{Error: &engine.Error{Name: engine.ErrInterrupted, Value: hook.ErrInterrupted.Error()}}
}

// stop ends the child, asking first and killing it after a short grace.
func (pr *proc) stop() error {
	pr.mu.Lock()
	c := pr.client
	pr.client = nil
	pr.mu.Unlock()
	if c == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), pr.pool.procs.opts.KillGrace)
	defer cancel()
	return c.Shutdown(ctx, false)
}

// errorOf turns a failed child cell into an error.
func (pr *proc) errorOf(name string, e *engine.Error) error {
	if e.Name == engine.ErrInterrupted {
		return hook.ErrInterrupted
	}
	return pr.fail(name, e.Name, e.Value, e.Traceback)
}

func (pr *proc) fail(name, kind, msg string, tb []string) error {
	pid := 0
	pr.mu.Lock()
	if pr.client != nil {
		pid = pr.client.Stats().PID
	}
	pr.mu.Unlock()
	return &ProcessError{Proc: pr.n, PID: pid, Func: name, Name: kind, Value: msg, Traceback: tb}
}
