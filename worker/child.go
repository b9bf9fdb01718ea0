package worker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/rawio"
)

const (
	// drainTimeout bounds the wait for a dead child's pipes to reach EOF
	// (a process the child started may hold them open).
	drainTimeout = 2 * time.Second
	// stopGrace is how long Shutdown and Restart wait for a child to exit
	// by itself before killing it.
	stopGrace = 2 * time.Second
)

// child is one worker process and the goroutines that read its pipes.
type child struct {
	c     *Client
	cmd   *exec.Cmd
	pid   int
	token string // in TreeEnv of the child and of what its cells start

	reaped atomic.Bool // cmd.Wait has returned: pid may name another process

	wmu sync.Mutex
	req *os.File // kernel end of the request pipe
	// reqW writes req: with raw system calls (package rawio) when it can.
	reqW io.Writer

	ctx    context.Context // ends when the child is dead
	cancel context.CancelFunc

	ready chan struct{} // closed when the ready event arrived
	done  chan struct{} // closed when the child is dead and accounted for

	mu        sync.Mutex
	pending   map[uint64]pendingCall
	executing int
	inputs    map[uint64]context.CancelFunc
	dead      bool
	stopping  bool          // the exit is expected (Shutdown, Restart)
	desync    error         // why the event pipe could not be read on; the child was killed
	crash     *engine.Error // set before done closes if the exit was a crash
	exit      string        // exit status, set before done closes
	dump      string        // stderr dump or tail, set before done closes

	stderr *stderrFilter
}

type pendingCall struct {
	ch   chan *msg // buffered 1
	exec bool
}

// spawn starts a worker process and waits until it has sent ready.
func (c *Client) spawn(ctx context.Context) (*child, error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	reqR, reqW, err := pipe()
	if err != nil {
		return nil, fmt.Errorf("start worker: request pipe: %w", err)
	}
	evR, evW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("start worker: event pipe: %w", err)
	}
	outR, outW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("start worker: stdout pipe: %w", err)
	}
	errR, errW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("start worker: stderr pipe: %w", err)
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("start worker: %w", err)
	}
	files = append(files, null)

	token := newToken()
	cmd := exec.Command(c.opts.Command[0], c.opts.Command[1:]...)
	cmd.Env = withToken(c.opts.Env, token)
	cmd.Dir = c.opts.Dir
	cmd.Stdin = null
	cmd.Stdout = outW
	cmd.Stderr = errW
	logFile := c.opts.LogFile
	if logFile == nil {
		logFile = os.Stderr
	}
	cmd.ExtraFiles = []*os.File{reqR, evW, logFile} // RequestFD, EventFD, LogFD
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true, // SIGINT to the kernel's group does not reach the child
		// If this process dies, the child ends what its cells started
		// and exits (ServeProcess).
		Pdeathsig: syscall.SIGTERM,
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		closeAll()
		return nil, fmt.Errorf("start worker %q: %w", c.opts.Command[0], err)
	}
	// The child holds its own copies now.
	reqR.Close()
	evW.Close()
	outW.Close()
	errW.Close()
	null.Close()

	ch := &child{
		c:       c,
		cmd:     cmd,
		pid:     cmd.Process.Pid,
		token:   token,
		req:     reqW,
		reqW:    rawFile(reqW),
		ready:   make(chan struct{}),
		done:    make(chan struct{}),
		pending: make(map[uint64]pendingCall),
		inputs:  make(map[uint64]context.CancelFunc),
	}
	ch.ctx, ch.cancel = context.WithCancel(c.ctx)
	ch.stderr = newStderrFilter(func(text string) { c.rawOutput("stderr", text) })

	evDone := make(chan struct{})
	outDone := make(chan struct{})
	errDone := make(chan struct{})
	c.wg.Add(4)
	go func() {
		defer c.wg.Done()
		defer close(evDone)
		ch.readEvents(evR)
	}()
	go func() {
		defer c.wg.Done()
		defer close(outDone)
		copyRaw(outR, func(s string) { c.rawOutput("stdout", s) })
	}()
	go func() {
		defer c.wg.Done()
		defer close(errDone)
		copyRaw(errR, func(s string) { ch.stderr.Write([]byte(s)) })
	}()
	go func() {
		defer c.wg.Done()
		ch.monitor([]*os.File{evR, outR, errR}, []chan struct{}{evDone, outDone, errDone})
	}()

	select {
	case <-ch.ready:
		c.mu.Lock()
		c.stats.LastStart = time.Since(began)
		c.stats.PID = ch.pid
		c.stats.Starts++
		c.mu.Unlock()
		return ch, nil
	case <-ch.done:
		return nil, fmt.Errorf("start worker: exited before it was ready (%s)%s", ch.exit, indentTail(ch.dump))
	case <-ctx.Done():
		ch.markStopping()
		ch.kill()
		<-ch.done
		return nil, fmt.Errorf("start worker: %w", ctx.Err())
	}
}

func indentTail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return ": " + strings.Join(lines, " | ")
}

// copyRaw reads r until EOF, passing each chunk to f without splitting a
// UTF-8 sequence between chunks.
func copyRaw(r io.ReadCloser, f func(string)) {
	defer r.Close()
	buf := make([]byte, 32<<10)
	var carry []byte
	for {
		n, err := r.Read(buf)
		if n > 0 {
			data := append(carry, buf[:n]...)
			cut := validPrefix(data)
			if cut > 0 {
				f(string(data[:cut]))
			}
			carry = append(carry[:0:0], data[cut:]...)
		}
		if err != nil {
			if len(carry) > 0 {
				f(string(carry))
			}
			return
		}
	}
}

// validPrefix returns the length of data without a trailing incomplete
// UTF-8 sequence (at most 3 bytes held back).
func validPrefix(data []byte) int {
	for i := 1; i <= utf8.UTFMax-1 && i <= len(data); i++ {
		b := data[len(data)-i]
		if b < utf8.RuneSelf {
			return len(data)
		}
		if utf8.RuneStart(b) {
			if !utf8.FullRune(data[len(data)-i:]) {
				return len(data) - i
			}
			return len(data)
		}
	}
	return len(data)
}

// rawFile returns f, read and written with raw system calls (package
// rawio: in the kernel process they spare the runtime's monitor thread a
// wake-up), or f itself.
func rawFile(f *os.File) io.ReadWriter {
	if rc := rawio.New(f); rc != nil {
		return rc
	}
	return f
}

// readEvents dispatches the child's events until the pipe closes. It
// reads through a buffer, with raw system calls where it can: a frame's
// header and body in one read.
func (ch *child) readEvents(f *os.File) {
	defer f.Close()
	r := bufio.NewReaderSize(rawFile(f), frameBufSize)
	c := ch.c
	readySeen := false
	for {
		m, err := readFrame(r)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, os.ErrClosed) {
				// Bytes that are not ours are in the pipe (compiled code
				// wrote to fd 4): nothing after them can be trusted.
				ch.outOfSync(err)
			}
			return
		}
		switch m.Kind {
		case kindReady:
			if !readySeen {
				readySeen = true
				close(ch.ready)
			}
		case kindStream:
			if out := c.cells.get(m.Cell); out != nil {
				out.Stream(m.Name, m.Text)
			}
		case kindResult:
			if out := c.cells.get(m.Cell); out != nil {
				out.Result(m.Data, m.Metadata)
			}
		case kindDisplay:
			if out := c.cells.get(m.Cell); out != nil {
				out.Display(m.Data, m.Metadata, m.DisplayID, m.Update)
			}
		case kindClearOutput:
			if out := c.cells.get(m.Cell); out != nil {
				out.ClearOutput(m.Wait)
			}
		case kindCommOut:
			if co, ok := c.cells.get(m.Cell).(engine.CommOutput); ok && m.Comm != nil {
				co.Comm(*m.Comm)
			}
		case kindDebugEvent:
			c.debugEvent(m)
		case kindInput:
			ch.startInput(m)
		case kindInputCancel:
			ch.mu.Lock()
			cancel := ch.inputs[m.ID]
			delete(ch.inputs, m.ID)
			ch.mu.Unlock()
			if cancel != nil {
				cancel()
			}
		case kindDone, kindReply:
			ch.mu.Lock()
			p, ok := ch.pending[m.ID]
			if ok {
				delete(ch.pending, m.ID)
				if p.exec {
					ch.executing--
				}
			}
			ch.mu.Unlock()
			if ok {
				p.ch <- m
			}
		default:
			c.log.Warn("worker: unknown event", "kind", m.Kind)
		}
	}
}

// outOfSync ends a child whose event pipe holds something else than
// frames: a bad header, a bad length or a body that is not a message. The
// child is killed, and its monitor reports that as a crash (a fresh child
// is started); a pending call fails with err in its message.
func (ch *child) outOfSync(err error) {
	ch.mu.Lock()
	if ch.dead || ch.stopping {
		ch.mu.Unlock()
		return
	}
	ch.desync = err
	ch.mu.Unlock()
	ch.c.log.Warn("worker: event pipe out of sync, restarting the worker", "pid", ch.pid, "err", err)
	ch.kill()
}

// startInput asks the cell's Output for a line on its own goroutine, so
// that the event reader goes on, and sends the answer back.
func (ch *child) startInput(m *msg) {
	c := ch.c
	out := c.cells.get(m.Cell)
	ctx, cancel := context.WithCancel(ch.ctx)
	ch.mu.Lock()
	ch.inputs[m.ID] = cancel
	ch.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer func() {
			ch.mu.Lock()
			delete(ch.inputs, m.ID)
			ch.mu.Unlock()
			cancel()
		}()
		reply := &msg{Kind: kindInputReply, ID: m.ID}
		if out == nil {
			reply.Err = "input: no cell to ask"
		} else if text, err := out.Input(ctx, m.Text, m.Password); err != nil {
			reply.Err = err.Error()
		} else {
			reply.Text = text
		}
		if ctx.Err() != nil {
			return // the child stopped waiting or died
		}
		_ = ch.send(reply)
	}()
}

// send writes one request to the child. Safe for concurrent use.
func (ch *child) send(m *msg) error {
	ch.wmu.Lock()
	defer ch.wmu.Unlock()
	return writeFrame(ch.reqW, m)
}

// sendFrame writes a frame from encodeFrame. Safe for concurrent use.
func (ch *child) sendFrame(kind string, frame []byte) error {
	ch.wmu.Lock()
	defer ch.wmu.Unlock()
	if _, err := ch.reqW.Write(frame); err != nil {
		return fmt.Errorf("write %s frame: %w", kind, err)
	}
	return nil
}

// register adds a pending call; it fails if the child is already dead.
func (ch *child) register(id uint64, exec bool) (chan *msg, bool) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.dead {
		return nil, false
	}
	p := pendingCall{ch: make(chan *msg, 1), exec: exec}
	ch.pending[id] = p
	if exec {
		ch.executing++
	}
	return p.ch, true
}

func (ch *child) unregister(id uint64) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if p, ok := ch.pending[id]; ok {
		delete(ch.pending, id)
		if p.exec {
			ch.executing--
		}
	}
}

func (ch *child) markStopping() {
	ch.mu.Lock()
	ch.stopping = true
	ch.mu.Unlock()
}

// kill sends SIGKILL to the child and whatever its cells started (sweep:
// its descendants, its process group, what carries its token).
func (ch *child) kill() {
	if !ch.reaped.Load() {
		sweep(ch.pid, ch.pid, ch.token)
	}
	_ = ch.cmd.Process.Kill()
}

// stop asks the child to shut down, waits up to stopGrace (or ctx), then
// kills it, and returns once it is gone.
func (ch *child) stop(ctx context.Context, restart bool) {
	ch.markStopping()
	_ = ch.send(&msg{Kind: kindShutdown, ID: ch.c.nextID.Add(1), Restart: restart})
	ch.wmu.Lock()
	ch.req.Close() // EOF for the child's reader
	ch.wmu.Unlock()
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-ch.done:
		return
	case <-t.C:
	case <-ctx.Done():
	}
	ch.kill()
	<-ch.done
}

// monitor waits for the child to exit, drains its pipes, decides whether
// the exit was a crash, reports it, and hands over to the Client.
func (ch *child) monitor(files []*os.File, drained []chan struct{}) {
	c := ch.c
	err := ch.cmd.Wait()
	ch.reaped.Store(true)
	exit := "exit status 0"
	if err != nil {
		exit = err.Error()
	}
	// Whatever the child started dies with it, before the drain: a
	// process holding the child's stdout would make it wait.
	if n := sweep(0, ch.pid, ch.token); n > 0 {
		c.log.Info("worker: killed processes the worker's cells left", "pid", ch.pid, "killed", n)
	}
	t := time.NewTimer(drainTimeout)
	for i, d := range drained {
		select {
		case <-d:
		case <-t.C:
			// Someone else holds the pipe open; stop reading.
			for _, f := range files[i:] {
				f.Close()
			}
			<-d
		}
	}
	t.Stop()
	_ = ch.req.Close()

	dump, _ := ch.stderr.crash()
	ch.mu.Lock()
	ch.dead = true
	ch.exit = exit
	ch.dump = dump
	stopping := ch.stopping
	executing := ch.executing > 0
	switch {
	case ch.desync != nil:
		value := "the worker's event pipe is out of sync: " + ch.desync.Error()
		ch.crash = &engine.Error{Name: engine.ErrInterpreterCrashed, Value: value, Traceback: []string{
			"The Go worker process was stopped: " + value,
			"Something else than the worker wrote to its event pipe (fd 4), as compiled code calling syscall.Write(4, ...) would.",
			"A fresh session was started: variables, imports, functions and goroutines from earlier cells are gone; re-run the cells you need.",
		}}
	case !stopping:
		value, tb := crashReport(dump, exit)
		ch.crash = &engine.Error{Name: engine.ErrInterpreterCrashed, Value: value, Traceback: tb}
	}
	crash := ch.crash
	ch.mu.Unlock()

	crashed := crash != nil && isClosed(ch.ready)
	// Hand over first, so that whoever reads the report below finds a
	// fresh child starting.
	c.childGone(ch, crashed)
	if crashed {
		c.log.Warn("worker: child crashed", "pid", ch.pid, "exit", exit, "error", crash.Value)
		if !executing {
			if out := c.cells.last(); out != nil {
				// gilgo's words in a note; the runtime's dump, the
				// program's, on stderr as go run would print it.
				said, dump := splitCrash(crash.Traceback)
				engine.Note(out, strings.Join(said, "\n"))
				if len(dump) > 0 {
					out.Stream("stderr", strings.Join(dump, "\n")+"\n")
				}
			}
		}
	}
	ch.cancel()
	close(ch.done)
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// result is what a pending Execute returns once the child is dead.
func (ch *child) deadResult() engine.ExecuteResult {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.crash != nil {
		e := *ch.crash
		e.Traceback = append([]string(nil), ch.crash.Traceback...)
		return engine.ExecuteResult{Error: &e}
	}
	return engine.ExecuteResult{Error: &engine.Error{
		Name:      engine.ErrInterrupted,
		Value:     "the session was shut down or restarted while the cell ran",
		Traceback: []string{"The Go worker process was stopped (" + ch.exit + ")."},
	}}
}
