package worker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/streambatch"
)

// File descriptors of the child (cmd.ExtraFiles): it reads requests from
// RequestFD, writes events to EventFD and its log lines to LogFD, the
// kernel's own stderr. Its stdout and stderr are the cells'.
const (
	RequestFD = 3
	EventFD   = 4
	LogFD     = 5
)

// LogWriter returns where a worker process writes its log lines: LogFD
// when the process has it open (a Client starts it so), else io.Discard.
// Never the process's stderr, which belongs to the cells.
func LogWriter() io.Writer {
	var st syscall.Stat_t
	if err := syscall.Fstat(LogFD, &st); err != nil {
		return io.Discard
	}
	syscall.CloseOnExec(LogFD)
	return os.NewFile(LogFD, "gilgo-log")
}

// ServeProcess is the body of `gilgo worker`: it ignores SIGINT (the kernel
// interrupts cells with a message; Jupyter's signal_kernel may signal the
// whole process group) and serves interp on RequestFD and EventFD until the
// kernel closes the request pipe, asks to shut down or dies (SIGTERM, the
// Client's Pdeathsig). Before it returns it kills what the cells started
// (their processes, Setsid or double-forked ones included; see TreeEnv).
// The caller then exits.
func ServeProcess(ctx context.Context, interp engine.Interpreter) error {
	signal.Ignore(os.Interrupt)
	// Once the kernel is gone, a write to fd 1 or 2 (the kernel's pipes)
	// would kill this process with SIGPIPE, maybe before it swept; with a
	// handler the write fails with EPIPE instead. Never stopped: the
	// process ends soon after this returns. (Not signal.Ignore: processes
	// cells start would inherit it.)
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	// SIGTERM is the Client's Pdeathsig: the kernel died.
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	defer signal.Stop(term)
	termCtx, cancelTerm := context.WithCancelCause(ctx)
	defer cancelTerm(nil)
	go func() {
		select {
		case <-term:
			sweepOwn()
			slog.Warn("worker: SIGTERM (the kernel died?), stopping")
			cancelTerm(errors.New("serve: terminated by SIGTERM"))
		case <-termCtx.Done():
		}
	}()
	// Processes a cell starts must not inherit the message pipes, or the
	// kernel would not see EOF when this process dies.
	syscall.CloseOnExec(RequestFD)
	syscall.CloseOnExec(EventFD)
	r := os.NewFile(RequestFD, "gilgo-requests")
	w := os.NewFile(EventFD, "gilgo-events")
	if r == nil || w == nil {
		return errors.New("serve: message pipes missing: want fds 3 and 4 from the kernel")
	}
	defer r.Close()
	defer w.Close()
	ctx, cancel := context.WithCancel(termCtx)
	defer cancel()
	HeapProfileOnSignal(ctx, os.Getenv(HeapProfileEnv), "worker", nil)
	err := Serve(ctx, interp, r, w)
	// Whatever the cells started ends with this process, however Serve
	// ended (a crash is the Client's to sweep up).
	sweepOwn()
	if cause := context.Cause(ctx); err != nil && cause != nil && cause != ctx.Err() {
		err = cause
	}
	return err
}

// sweepOwn kills what this worker's cells started: its descendants, the
// members of its process group when it leads one (a Client starts it so),
// and the processes that carry its token (ownToken).
func sweepOwn() {
	me := os.Getpid()
	pgid := 0
	if syscall.Getpgrp() == me {
		pgid = me
	}
	if n := sweep(me, pgid, ownToken()); n > 0 {
		slog.Info("worker: killed processes the cells left", "killed", n)
	}
}

// Serve serves requests read from r with interp and writes events to w,
// until r reaches EOF (nil error), a shutdown request has been answered (nil
// error), ctx ends (ctx's error) or r or w fail (the error). Every request
// but interrupt and input_reply runs on a goroutine other than the one
// reading, so that reading is never blocked by a running cell (an execute
// request on the goroutine that read it, which hands the reading on). A
// panic in interp is recovered and answered as an error. On return, a cell
// still running is interrupted but not waited for: the caller is expected
// to exit the process.
func Serve(ctx context.Context, interp engine.Interpreter, r io.Reader, w io.Writer) error {
	return serve(ctx, interp, r, w, streamDelay, streamBatch, newIdleRelease())
}

// serve is Serve with the stream batching knobs (batch 0: one event per
// write) and the idle release.
func serve(ctx context.Context, interp engine.Interpreter, r io.Reader, w io.Writer, delay time.Duration, batch int, rel *idleRelease) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &server{interp: interp, w: w, cancel: cancel, inputs: make(map[uint64]chan *msg), batch: batch, rel: rel}
	defer s.rel.stop()
	s.streams = streambatch.New(&s.wmu, streambatch.Config{Delay: delay, Limit: batch, StopOnFlush: true},
		func(k streamKey, _ struct{}, text string) {
			_ = s.sendLocked(&msg{Kind: kindStream, Cell: k.cell, Name: k.name, Text: text})
		})
	defer s.flush()
	s.attachDebugger()
	if err := s.send(&msg{Kind: kindReady, PID: os.Getpid()}); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// The reader handles each request itself: a hand-off to another
	// goroutine would cost every request a wake-up. It reports how
	// reading ended on end.
	end := make(chan error, 1)
	go s.read(ctx, bufio.NewReaderSize(r, frameBufSize), end)
	defer interp.Interrupt()
	select {
	case err := <-end:
		return err
	case <-ctx.Done():
		if err := s.writeErr(); err != nil {
			return err
		}
		return ctx.Err()
	}
}

// Stream batching in the child: text a cell writes is coalesced per cell
// and stream name and sent as one stream event after streamDelay, when
// streamBatch bytes are buffered, or before any other event (so a cell's
// events keep their order), instead of one event per Write.
const (
	streamDelay = 5 * time.Millisecond
	streamBatch = 64 << 10
)

type server struct {
	interp engine.Interpreter
	cancel context.CancelFunc

	wmu     sync.Mutex // guards w, werr and streams
	w       io.Writer
	werr    error // first write error; sticky
	streams *streambatch.Batcher[streamKey, struct{}]
	// batch is streamBatch (tests change it): a write of batch bytes or
	// more is sent as it is, after what is buffered.
	batch int

	mu        sync.Mutex
	inputs    map[uint64]chan *msg
	nextInput atomic.Uint64

	// execMu guards inflight, the executes dispatched and not answered,
	// and is held while an interrupt is repeated (see reinterrupt).
	execMu   sync.Mutex
	inflight map[uint64]bool

	rel *idleRelease // counts the requests in flight (all but interrupt, input_reply and shutdown)
}

// spawn runs a request's work on its own goroutine, counted by s.rel.
func (s *server) spawn(f func()) {
	s.rel.begin()
	go func() {
		defer s.rel.end()
		f()
	}()
}

// Repeating an interrupt: one that reaches the child before its cell
// began is cleared when the cell begins (the session's scheduler drops an
// interrupt that came before BeginCell), and the cell would run on. While
// the executes in flight at the interrupt are not answered, it is sent
// again every reinterruptEvery, for at most reinterruptFor.
const (
	reinterruptEvery = 20 * time.Millisecond
	reinterruptFor   = 2 * time.Second
)

// reinterrupt repeats the interrupt while one of ids is in flight.
func (s *server) reinterrupt(ids []uint64) {
	deadline := time.Now().Add(reinterruptFor)
	for time.Now().Before(deadline) {
		time.Sleep(reinterruptEvery)
		s.execMu.Lock()
		running := false
		for _, id := range ids {
			running = running || s.inflight[id]
		}
		if running {
			s.guard("interrupt", s.interp.Interrupt)
		}
		s.execMu.Unlock()
		if !running {
			return
		}
	}
}

func (s *server) writeErr() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.werr
}

// streamKey names the text of one stream of one cell.
type streamKey struct {
	cell uint64
	name string
}

// stream buffers text for the stream name of cell (see streamDelay).
func (s *server) stream(cell uint64, name, text string) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.werr != nil {
		return
	}
	if len(text) >= s.batch {
		// Too big to be worth copying: what is buffered, then this.
		s.streams.Flush()
		_ = s.sendLocked(&msg{Kind: kindStream, Cell: cell, Name: name, Text: text})
		return
	}
	s.streams.Write(streamKey{cell, name}, struct{}{}, text)
}

// flush sends the buffered stream text now.
func (s *server) flush() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.streams.Flush()
}

// send writes one event, after the buffered stream text. After the first
// write error every send fails and Serve is cancelled: the kernel is gone.
func (s *server) send(m *msg) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.streams.Flush()
	return s.sendLocked(m)
}

func (s *server) sendLocked(m *msg) error {
	if s.werr != nil {
		return s.werr
	}
	err := writeFrame(s.w, m)
	if errors.Is(err, errFrameTooLarge) {
		// Keep the connection: tell the cell instead, in a note (its
		// streams are its program's).
		if m.Cell != 0 {
			data, metadata := engine.NoteDisplay(fmt.Sprintf("gilgo: %s output dropped: %v", m.Kind, err))
			return writeFrame(s.w, &msg{Kind: kindDisplay, Cell: m.Cell, Data: data, Metadata: metadata})
		}
		return err
	}
	if err != nil {
		s.werr = err
		s.cancel()
	}
	return err
}

// read reads requests from r and handles them until r ends, a read fails
// or a shutdown was answered, and then reports how on end. An execute
// request runs on this goroutine, after a fresh one took over the reading
// (which goes on while the cell runs: interrupts, input replies): the cell
// starts at once on the thread that read it, instead of waiting until
// another thread woke up for a goroutine of its own, which took 37 µs of
// a trivial cell's round trip (median, on two busy cores). Only one
// goroutine reads r at a time.
func (s *server) read(ctx context.Context, r *bufio.Reader, end chan<- error) {
	for {
		m, err := readFrame(r)
		var bad *badFrameError
		if errors.As(err, &bad) {
			slog.Warn("worker: dropped malformed request", "err", err)
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			} else {
				err = fmt.Errorf("serve: %w", err)
			}
			end <- err
			return
		}
		if ctx.Err() != nil {
			return // Serve has returned
		}
		if m.Kind == kindExecute {
			run := s.begin(ctx, m)
			go s.read(ctx, r, end)
			run()
			return
		}
		if done := s.handle(ctx, m); done {
			end <- nil
			return
		}
	}
}

// begin records an execute request as in flight (and with s.rel) and
// returns the call that runs it.
func (s *server) begin(ctx context.Context, m *msg) func() {
	if m.Exec == nil {
		m.Exec = &engine.ExecuteRequest{}
	}
	s.execMu.Lock()
	if s.inflight == nil {
		s.inflight = map[uint64]bool{}
	}
	s.inflight[m.ID] = true
	s.execMu.Unlock()
	out, req := s.output(m.Cell, m.CommOut), *m.Exec
	s.rel.begin()
	return func() {
		defer s.rel.end()
		s.execute(ctx, m.ID, m.Cell, out, req)
	}
}

// handle dispatches one request other than execute (see read); it
// reports whether Serve should return.
func (s *server) handle(ctx context.Context, m *msg) bool {
	switch m.Kind {
	case kindComplete, kindInspect, kindIsComplete, kindCommInfo:
		s.spawn(func() { s.introspect(ctx, m) })
	case kindComm:
		s.spawn(func() { s.comm(ctx, m) })
	case kindDebug:
		s.spawn(func() { s.debug(ctx, m) })
	case kindInterrupt:
		s.guard("interrupt", s.interp.Interrupt)
		s.execMu.Lock()
		var ids []uint64
		for id := range s.inflight {
			ids = append(ids, id)
		}
		s.execMu.Unlock()
		if len(ids) > 0 {
			go s.reinterrupt(ids)
		}
	case kindInputReply:
		s.mu.Lock()
		ch := s.inputs[m.ID]
		delete(s.inputs, m.ID)
		s.mu.Unlock()
		if ch != nil {
			ch <- m // buffered
		}
	case kindShutdown:
		var err error
		s.guard("shutdown", func() { err = s.interp.Shutdown(ctx, m.Restart) })
		reply := &msg{Kind: kindReply, ID: m.ID}
		if err != nil {
			reply.Err = err.Error()
		}
		_ = s.send(reply)
		return true
	default:
		slog.Warn("worker: unknown request", "kind", m.Kind)
	}
	return false
}

// guard runs f, logging a panic instead of ending the process.
func (s *server) guard(op string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("worker: interpreter panicked", "op", op, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	f()
}

// output returns the Output of a request for cell: one that carries
// comm messages when the kernel's side does (commOut).
func (s *server) output(cell uint64, commOut bool) engine.Output {
	o := &childOutput{s: s, cell: cell}
	if commOut {
		return &childCommOutput{o}
	}
	return o
}

func (s *server) execute(ctx context.Context, id, cell uint64, out engine.Output, req engine.ExecuteRequest) {
	var res engine.ExecuteResult
	began := time.Now()
	func() {
		defer func() {
			if r := recover(); r != nil {
				e := engine.Recovered(r)
				e.Traceback = append(e.Traceback, string(debug.Stack()))
				res = engine.ExecuteResult{Error: e}
			}
		}()
		res = s.interp.Execute(ctx, req, out)
	}()
	// Answered from here on: no repeated interrupt reaches the next cell.
	s.execMu.Lock()
	delete(s.inflight, id)
	s.execMu.Unlock()
	_ = s.send(&msg{Kind: kindDone, ID: id, Cell: cell, Result: &res, Took: time.Since(began).Nanoseconds()})
}

func (s *server) introspect(ctx context.Context, m *msg) {
	reply := &msg{Kind: kindReply, ID: m.ID}
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("interpreter panicked in %s: %v", m.Kind, r)
			}
		}()
		switch m.Kind {
		case kindComplete:
			var c engine.Completion
			c, err = s.interp.Complete(ctx, m.Code, m.Cursor)
			reply.Completion = &c
		case kindInspect:
			var in engine.Inspection
			in, err = s.interp.Inspect(ctx, m.Code, m.Cursor, m.Detail)
			reply.Inspection = &in
		case kindIsComplete:
			var c engine.Completeness
			c, err = s.interp.IsComplete(ctx, m.Code)
			reply.Completeness = &c
		case kindCommInfo:
			reply.Comms = map[string]string{}
			if cs, ok := s.interp.(engine.Comms); ok {
				reply.Comms, err = cs.CommInfo(ctx, m.Name)
			}
		}
	}()
	if err != nil {
		reply.Err = err.Error()
	}
	_ = s.send(reply)
}

// comm hands a comm message from the frontend to the interpreter; what
// its handler shows goes out as events of the request's cell id.
func (s *server) comm(ctx context.Context, m *msg) {
	reply := &msg{Kind: kindReply, ID: m.ID}
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("interpreter panicked in comm: %v", r)
			}
		}()
		cs, ok := s.interp.(engine.Comms)
		switch {
		case m.Comm == nil:
			err = errors.New("comm request without a message")
		case !ok:
			if m.Comm.Type == engine.CommOpen {
				err = engine.ErrNoCommTarget
			}
		default:
			err = cs.HandleComm(ctx, *m.Comm, s.output(m.Cell, m.CommOut))
		}
	}()
	if err != nil {
		reply.Err = err.Error()
	}
	_ = s.send(reply)
}

// childCommOutput is a childOutput whose kernel side carries comm
// messages: those sent through it go out as events.
type childCommOutput struct{ *childOutput }

// Comm sends a comm message to the frontend.
func (o *childCommOutput) Comm(c engine.Comm) {
	_ = o.s.send(&msg{Kind: kindCommOut, Cell: o.cell, Comm: &c})
}

// childOutput is the engine.Output a cell writes to in the child: every call
// becomes one event tagged with the cell id.
type childOutput struct {
	s    *server
	cell uint64
}

func (o *childOutput) Stream(name, text string) {
	if text == "" {
		return
	}
	o.s.stream(o.cell, name, text)
}

func (o *childOutput) Result(data engine.MIMEBundle, metadata map[string]any) {
	_ = o.s.send(&msg{Kind: kindResult, Cell: o.cell, Data: data, Metadata: metadata})
}

func (o *childOutput) Display(data engine.MIMEBundle, metadata map[string]any, displayID string, update bool) {
	_ = o.s.send(&msg{Kind: kindDisplay, Cell: o.cell, Data: data, Metadata: metadata, DisplayID: displayID, Update: update})
}

func (o *childOutput) ClearOutput(wait bool) {
	_ = o.s.send(&msg{Kind: kindClearOutput, Cell: o.cell, Wait: wait})
}

func (o *childOutput) Input(ctx context.Context, prompt string, password bool) (string, error) {
	id := o.s.nextInput.Add(1)
	ch := make(chan *msg, 1)
	o.s.mu.Lock()
	o.s.inputs[id] = ch
	o.s.mu.Unlock()
	forget := func() {
		o.s.mu.Lock()
		delete(o.s.inputs, id)
		o.s.mu.Unlock()
	}
	if err := o.s.send(&msg{Kind: kindInput, ID: id, Cell: o.cell, Text: prompt, Password: password}); err != nil {
		forget()
		return "", fmt.Errorf("input: %w", err)
	}
	select {
	case m := <-ch:
		if m.Err != "" {
			return "", errors.New(m.Err)
		}
		return m.Text, nil
	case <-ctx.Done():
		forget()
		_ = o.s.send(&msg{Kind: kindInputCancel, ID: id})
		return "", ctx.Err()
	}
}
