package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// Options configure a Client.
type Options struct {
	// Command is the argv of the worker, e.g. {os.Executable(), "worker"}.
	Command []string
	// Env is the worker's environment, as exec.Cmd.Env: nil means the
	// kernel's own.
	Env []string
	// Dir is the worker's working directory; empty means the kernel's.
	Dir string
	// Logger receives the Client's diagnostics; nil means slog.Default().
	Logger *slog.Logger
	// LogFile receives the worker's log lines (its LogFD); nil means this
	// process's stderr.
	LogFile *os.File
}

// Stats describe the worker processes a Client has run.
type Stats struct {
	PID       int           // the current (or last) child's pid
	Starts    int           // children started, the first included
	Restarts  int           // children started after the first, for a crash or Restart
	Crashes   int           // children that died unexpectedly
	LastStart time.Duration // from exec to the child's ready event, last start
}

// maxStartAttempts bounds how often a restart retries a child that fails
// to start before the Client gives up with an error.
const maxStartAttempts = 3

// startTimeout bounds one child start when the caller gives no deadline.
const startTimeout = 30 * time.Second

var (
	errClosed     = errors.New("worker: client is shut down")
	errRestarting = errors.New("worker: a fresh worker process is starting")
)

// Client implements engine.Interpreter by forwarding every call to a child
// worker process, which it restarts after a crash. Execute, Complete,
// Inspect and IsComplete are meant to be called from one goroutine at a
// time (as engine.Interpreter says); Interrupt, Shutdown, Restart and Stats
// are safe for concurrent use with everything.
type Client struct {
	opts Options
	log  *slog.Logger

	ctx    context.Context // ends at Shutdown
	cancel context.CancelFunc

	mu       sync.Mutex
	cur      *child        // nil while a child (re)starts or after a failed restart
	starting chan struct{} // non-nil while a restart runs; closed when it ends
	startErr error         // why the last restart failed
	started  bool          // a child has been installed at least once
	closed   bool
	stats    Stats

	cells  *cellTable
	nextID atomic.Uint64 // call, cell and input ids

	wg sync.WaitGroup // every goroutine the Client started

	debugSink atomic.Pointer[func(json.RawMessage)] // DebugEvents' sink (debug.go)
}

var _ engine.Interpreter = (*Client)(nil)

// Start starts the first worker process and waits until it is ready.
func Start(ctx context.Context, opts Options) (*Client, error) {
	c, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	ch, err := c.spawn(ctx)
	if err != nil {
		c.cancel()
		c.wg.Wait()
		return nil, err
	}
	c.mu.Lock()
	c.cur = ch
	c.started = true
	c.mu.Unlock()
	return c, nil
}

// StartAsync returns a Client at once and starts the first worker process
// in the background (retrying like a restart does), so that a kernel can
// answer kernel_info while the child comes up. Execute, Complete, Inspect
// and IsComplete wait for the first child (or their ctx); if it cannot be
// started, Execute fails with a WorkerUnavailable error and tries again
// on the next call, and introspection answers empty. It fails only for an
// empty command.
func StartAsync(opts Options) (*Client, error) {
	c, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.beginRestartLocked()
	c.mu.Unlock()
	return c, nil
}

func newClient(opts Options) (*Client, error) {
	if len(opts.Command) == 0 || opts.Command[0] == "" {
		return nil, errors.New("start worker: empty command")
	}
	c := &Client{opts: opts, log: opts.Logger, cells: newCellTable(maxCells)}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c, nil
}

// Stats returns a snapshot of the Client's process statistics.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// rawOutput forwards bytes the child wrote to its fd 1 or 2 to the latest cell.
func (c *Client) rawOutput(name, text string) {
	if out := c.cells.last(); out != nil {
		out.Stream(name, text)
		return
	}
	c.log.Debug("worker: raw output before the first cell", "stream", name, "text", text)
}

// childGone is called by a child's monitor once it is dead. If it was the
// current child, it is dropped and, unless the Client is closing or the
// exit was expected, a restart begins before anyone learns of the death.
func (c *Client) childGone(ch *child, crashed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if crashed {
		c.stats.Crashes++
	}
	if c.cur != ch {
		return
	}
	c.cur = nil
	if crashed && !c.closed && c.starting == nil {
		c.beginRestartLocked()
	}
}

// beginRestartLocked starts a restart on its own goroutine; c.mu is held.
func (c *Client) beginRestartLocked() chan struct{} {
	st := make(chan struct{})
	c.starting = st
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		ch, err := c.spawnRetrying(c.ctx)
		c.install(ch, err, st)
	}()
	return st
}

// spawnRetrying starts a child, retrying a bounded number of times.
func (c *Client) spawnRetrying(ctx context.Context) (*child, error) {
	var err error
	for attempt := 1; attempt <= maxStartAttempts; attempt++ {
		sctx, cancel := context.WithTimeout(ctx, startTimeout)
		var ch *child
		ch, err = c.spawn(sctx)
		cancel()
		if err == nil {
			return ch, nil
		}
		c.log.Warn("worker: start failed", "attempt", attempt, "err", err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("worker: could not start a fresh worker process after %d attempts: %w", maxStartAttempts, err)
}

// install makes ch the current child after a restart (or records err) and
// ends the restart st.
func (c *Client) install(ch *child, err error, st chan struct{}) {
	c.mu.Lock()
	defer close(st)
	if c.starting == st {
		c.starting = nil
	}
	if err != nil {
		c.startErr = err
		closed := c.closed
		c.mu.Unlock()
		if !closed {
			c.log.Error("worker: no worker process", "err", err)
		}
		return
	}
	if c.closed {
		c.mu.Unlock()
		ch.stop(context.Background(), false)
		return
	}
	c.startErr = nil
	c.cur = ch
	if c.started {
		c.stats.Restarts++
	}
	c.started = true
	c.mu.Unlock()
}

// acquire returns the current child. With wait, it waits for a restart in
// progress, or begins one if the last failed; without, it fails at once
// while there is no child, except that it waits for the first child of a
// Client from StartAsync.
func (c *Client) acquire(ctx context.Context, wait bool) (*child, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, errClosed
	}
	if c.cur != nil {
		ch := c.cur
		c.mu.Unlock()
		return ch, nil
	}
	if !wait && (c.started || c.starting == nil) {
		c.mu.Unlock()
		return nil, errRestarting
	}
	st := c.starting
	if st == nil {
		st = c.beginRestartLocked()
	}
	c.mu.Unlock()
	select {
	case <-st:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for worker: %w", ctx.Err())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return nil, errClosed
	case c.cur != nil:
		return c.cur, nil
	case c.startErr != nil && wait:
		return nil, c.startErr
	default:
		return nil, errRestarting
	}
}

// Execute runs req in the worker. If the worker dies meanwhile, the result
// is an InterpreterCrashed error and a fresh worker is already starting.
// If the result has Restart set (%reset with compiled plugins loaded), the
// worker is replaced by a fresh one, as Restart does, before Execute
// returns; that is a restart in Stats, not a crash.
func (c *Client) Execute(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
	var (
		ch    *child
		reply chan *msg
		id    = c.nextID.Add(1)
		cell  = c.nextID.Add(1)
	)
	_, commOut := out.(engine.CommOutput)
	// Encoded first: a cell too large for the pipe is answered here, and
	// the child (with the session) is kept.
	frame, err := encodeFrame(&msg{Kind: kindExecute, ID: id, Cell: cell, Exec: &req, CommOut: commOut})
	if err != nil {
		return engine.ExecuteResult{Error: inputError("cell", len(req.Code), err)}
	}
	for attempt := 0; ; attempt++ {
		var err error
		ch, err = c.acquire(ctx, true)
		if err != nil {
			return engine.ExecuteResult{Error: &engine.Error{
				Name: "WorkerUnavailable", Value: err.Error(),
				Traceback: []string{"The Go worker process is not running: " + err.Error()},
			}}
		}
		var ok bool
		if reply, ok = ch.register(id, true); ok {
			break
		}
		// The child died before this cell reached it (a crash while idle,
		// already reported); run the cell in the fresh one.
		<-ch.done
		if attempt == 1 {
			return ch.deadResult()
		}
	}
	c.cells.add(cell, out)
	began := time.Now()
	defer ch.unregister(id)
	if err := ch.sendFrame(kindExecute, frame); err != nil {
		c.log.Warn("worker: send execute", "err", err)
		ch.kill()
		<-ch.done
		if m := tryRecv(reply); m != nil {
			return doneResult(m)
		}
		return ch.deadResult()
	}
	interrupt := ctx.Done()
	for {
		select {
		case m := <-reply:
			if c.log.Enabled(ctx, slog.LevelDebug) {
				took := time.Duration(m.Took)
				c.log.Debug("worker: cell done", "cell", cell, "total", time.Since(began), "interpreter", took, "pipes", time.Since(began)-took)
			}
			res := doneResult(m)
			if res.Restart {
				c.replace(ctx, ch, out)
			}
			return res
		case <-ch.done:
			if m := tryRecv(reply); m != nil {
				return doneResult(m)
			}
			return ch.deadResult()
		case <-interrupt:
			interrupt = nil
			_ = ch.send(&msg{Kind: kindInterrupt})
		}
	}
}

// replace restarts the worker after a cell that asked for a fresh process
// (engine.ExecuteResult.Restart), unless ch is no longer the current child
// (it died, and a fresh one is starting or running already). An interrupt
// of the cell (ctx) does not stop the restart; Shutdown does. A failure is
// written to the cell's stderr: the next Execute tries again.
func (c *Client) replace(ctx context.Context, ch *child, out engine.Output) {
	c.mu.Lock()
	current := c.cur == ch
	c.mu.Unlock()
	if !current {
		return
	}
	c.log.Info("worker: replacing the worker process, as the cell asked", "pid", ch.pid)
	if err := c.Restart(context.WithoutCancel(ctx)); err != nil {
		// Restart has logged the failure.
		engine.Note(out, fmt.Sprintf("%v; the next cell tries again", err))
	}
}

// inputError is the error of a request whose encoding err is too large
// for the pipe (a *frameSizeError) or could not be encoded at all; what
// is the request's code, of size bytes.
func inputError(what string, size int, err error) *engine.Error {
	var fe *frameSizeError
	if !errors.As(err, &fe) {
		return &engine.Error{Name: engine.ErrInterpreter, Value: err.Error()}
	}
	value := fmt.Sprintf("the %s is %s (%d bytes), %s encoded for the worker process; at most %s (%d bytes) can be sent",
		what, sizeString(size), size, sizeString(fe.size), sizeString(maxFrame), maxFrame)
	return &engine.Error{Name: engine.ErrInputTooLarge, Value: value, Traceback: []string{
		engine.ErrInputTooLarge + ": " + value,
		"It did not run; the session and its variables are kept.",
	}}
}

// sizeString writes n bytes in MiB (or KiB) with one decimal.
func sizeString(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
}

func tryRecv(c chan *msg) *msg {
	select {
	case m := <-c:
		return m
	default:
		return nil
	}
}

func doneResult(m *msg) engine.ExecuteResult {
	if m.Result == nil {
		return engine.ExecuteResult{}
	}
	return *m.Result
}

// call sends an introspection request and waits for its reply. It fails
// with errRestarting at once while no worker runs.
func (c *Client) call(ctx context.Context, m *msg) (*msg, error) {
	m.ID = c.nextID.Add(1)
	frame, err := encodeFrame(m)
	if err != nil {
		// An *engine.Error, so that the kernel can name it.
		return nil, fmt.Errorf("%s: %w", m.Kind, inputError("code", len(m.Code), err))
	}
	ch, err := c.acquire(ctx, false)
	if err != nil {
		return nil, err
	}
	reply, ok := ch.register(m.ID, false)
	if !ok {
		return nil, errRestarting
	}
	defer ch.unregister(m.ID)
	if err := ch.sendFrame(m.Kind, frame); err != nil {
		return nil, errRestarting
	}
	select {
	case r := <-reply:
		if r.Err != "" {
			return r, errors.New(r.Err)
		}
		return r, nil
	case <-ch.done:
		if r := tryRecv(reply); r != nil {
			return r, nil
		}
		return nil, errRestarting
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", m.Kind, ctx.Err())
	}
}

// graceful reports whether err only means there is no worker right now, in
// which case introspection answers empty instead of failing.
func graceful(err error) bool {
	return errors.Is(err, errRestarting) || errors.Is(err, errClosed)
}

// Complete forwards to the worker; while it restarts, no matches.
func (c *Client) Complete(ctx context.Context, code string, cursor int) (engine.Completion, error) {
	r, err := c.call(ctx, &msg{Kind: kindComplete, Code: code, Cursor: cursor})
	if err != nil || r.Completion == nil {
		if err == nil || graceful(err) {
			return engine.Completion{CursorStart: cursor, CursorEnd: cursor}, nil
		}
		return engine.Completion{}, err
	}
	return *r.Completion, nil
}

// Inspect forwards to the worker; while it restarts, nothing found.
func (c *Client) Inspect(ctx context.Context, code string, cursor, detail int) (engine.Inspection, error) {
	r, err := c.call(ctx, &msg{Kind: kindInspect, Code: code, Cursor: cursor, Detail: detail})
	if err != nil || r.Inspection == nil {
		if err == nil || graceful(err) {
			return engine.Inspection{}, nil
		}
		return engine.Inspection{}, err
	}
	return *r.Inspection, nil
}

// IsComplete forwards to the worker; while it restarts, "unknown".
func (c *Client) IsComplete(ctx context.Context, code string) (engine.Completeness, error) {
	r, err := c.call(ctx, &msg{Kind: kindIsComplete, Code: code})
	if err != nil || r.Completeness == nil {
		if err == nil || graceful(err) {
			return engine.Completeness{Status: "unknown"}, nil
		}
		return engine.Completeness{}, err
	}
	return *r.Completeness, nil
}

// Interrupt asks the worker to interrupt the running cell and the
// goroutines cells started. Safe for concurrent use; a no-op while no
// worker runs.
func (c *Client) Interrupt() {
	c.mu.Lock()
	ch := c.cur
	c.mu.Unlock()
	if ch == nil {
		return
	}
	if err := ch.send(&msg{Kind: kindInterrupt}); err != nil {
		c.log.Warn("worker: send interrupt", "err", err)
	}
}

// Restart replaces the worker with a fresh one on purpose (%reset, see
// Execute): the
// old one is asked to shut down, killed if it does not, and a new one is
// started and waited for. A cell still running in the old worker ends with
// an Interrupted error.
func (c *Client) Restart(ctx context.Context) error {
	c.mu.Lock()
	for c.starting != nil {
		st := c.starting
		c.mu.Unlock()
		select {
		case <-st:
		case <-ctx.Done():
			return fmt.Errorf("restart worker: %w", ctx.Err())
		}
		c.mu.Lock()
	}
	if c.closed {
		c.mu.Unlock()
		return fmt.Errorf("restart worker: %w", errClosed)
	}
	old := c.cur
	c.cur = nil
	st := make(chan struct{})
	c.starting = st
	c.wg.Add(1) // Shutdown waits for this restart
	c.mu.Unlock()
	defer c.wg.Done()
	// Shutdown also cancels the start.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.ctx, cancel)()
	if old != nil {
		old.stop(ctx, true)
	}
	ch, err := c.spawnRetrying(ctx)
	c.install(ch, err, st)
	if err != nil {
		return fmt.Errorf("restart worker: %w", err)
	}
	return nil
}

// Shutdown stops the worker (asking first, killing after a short grace
// period or when ctx ends) and waits until it and every goroutine of the
// Client are gone. Safe for concurrent use; later calls return nil.
func (c *Client) Shutdown(ctx context.Context, restart bool) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.wg.Wait()
		return nil
	}
	c.closed = true
	ch := c.cur
	c.cur = nil
	c.mu.Unlock()
	if ch != nil {
		ch.stop(ctx, restart)
	}
	c.cancel()
	c.wg.Wait()
	return nil
}

var _ engine.Comms = (*Client)(nil)

// HandleComm implements engine.Comms: the worker's session handles the
// message; what it shows (and the comm messages it sends) go to out.
func (c *Client) HandleComm(ctx context.Context, comm engine.Comm, out engine.Output) error {
	cell := c.nextID.Add(1)
	c.cells.add(cell, out)
	_, commOut := out.(engine.CommOutput)
	_, err := c.call(ctx, &msg{Kind: kindComm, Cell: cell, Comm: &comm, CommOut: commOut})
	if err != nil && err.Error() == engine.ErrNoCommTarget.Error() {
		return engine.ErrNoCommTarget
	}
	return err
}

// CommInfo implements engine.Comms.
func (c *Client) CommInfo(ctx context.Context, target string) (map[string]string, error) {
	r, err := c.call(ctx, &msg{Kind: kindCommInfo, Name: target})
	if err != nil {
		return nil, err
	}
	return r.Comms, nil
}
