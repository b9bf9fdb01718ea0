package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// Options configure a Kernel. The zero value is usable.
type Options struct {
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// HistoryDir holds the input history file and the replay rings
	// (replay/, one file per connection key); "" means
	// $XDG_DATA_HOME/gilgo or ~/.local/share/gilgo.
	HistoryDir string
	// Banner is shown by kernel_info_reply.
	Banner string
	// ImplementationVersion is gilgo's version for kernel_info_reply.
	ImplementationVersion string
	// LanguageVersion is the Go version for language_info.version.
	LanguageVersion string
	// StopOnErrorTimeout is how long after a failed cell (with
	// stop_on_error) execute requests that arrive are still aborted, like
	// ipykernel's stop_on_error_timeout. Zero or negative (the default, as
	// in ipykernel) aborts only what is already queued. A window helps when
	// a frontend's "Run All" races a cell that fails in a millisecond, but
	// it also aborts a request sent right after the user saw the error.
	StopOnErrorTimeout time.Duration

	// iopubLimits bound each IOPub subscriber's send queue (New only);
	// the zero value means the defaults. Tests make them small.
	iopubLimits pubLimits
}

// Timing knobs of a running kernel (not of its tests).
const (
	// streamInterval is the first delay before buffered stream text is
	// published; it doubles up to streamMaxInterval while output keeps
	// coming, and falls back when output pauses.
	streamInterval    = 50 * time.Millisecond
	streamMaxInterval = 200 * time.Millisecond
	// streamBatchSize is the size at which buffered text is published at
	// once: a 100,000-line print gives a handful of messages.
	streamBatchSize = 256 << 10
	// shutdownGrace bounds how long Run waits for a cell that ignores
	// cancellation before it returns anyway.
	shutdownGrace = 3 * time.Second
	// interpShutdownTimeout bounds engine.Interpreter.Shutdown.
	interpShutdownTimeout = 5 * time.Second
	// releaseAfter is the size of a shell request after which the shell
	// worker returns freed memory to the system (debug.FreeOSMemory).
	releaseAfter = 4 << 20
)

// Kernel serves the Jupyter protocol for one engine.Interpreter.
type Kernel struct {
	log     *slog.Logger
	info    ConnectionInfo
	interp  engine.Interpreter
	opts    Options
	socks   Sockets
	sign    *signer
	session string
	pub     *publisher
	hist    *history
	stdin   *stdinBroker

	// interpMu serializes Execute, Complete, Inspect and IsComplete, as
	// engine.Interpreter requires.
	interpMu sync.Mutex

	// drops limits the log lines about dropped messages (a flood of bad
	// frames must not flood the log).
	drops logLimit
	// side holds a token per control request answered on the side.
	side chan struct{}

	shellQ chan *message
	// count is the execution count; only the shell worker touches it.
	count int
	// abortFrom is set by a failed execute with stop_on_error, to the
	// time it failed (before its reply goes out: the abort window never
	// starts after a client saw the reply), and read by the shell worker
	// right after that request; it never outlives it. Zero: no abort.
	abortFrom time.Time

	execCtx    context.Context
	execCancel context.CancelFunc

	intrMu sync.Mutex
	intrCh chan struct{} // closed and replaced by each Interrupt

	running  atomic.Bool
	restart  atomic.Bool
	stopOnce sync.Once
	stop     chan struct{} // closed by shutdown_request
	done     chan struct{} // closed when Run starts tearing down
	helpers  sync.WaitGroup
	stopping atomic.Bool
	shutdown atomic.Bool // interp.Shutdown was called by shutdown_request

	debugParent atomic.Pointer[json.RawMessage] // the latest debug_request's header (debug.go)
}

// New binds the sockets of info (ZeroMQ, tcp or ipc) and returns a kernel
// ready to Run.
func New(info ConnectionInfo, interp engine.Interpreter, opts Options) (*Kernel, error) {
	if info.Transport == "" {
		info.Transport = "tcp"
	}
	if err := info.validate(); err != nil {
		return nil, fmt.Errorf("new kernel: %w", err)
	}
	socks, err := listenZMQ(context.Background(), info, opts.Logger, opts.iopubLimits)
	if err != nil {
		return nil, fmt.Errorf("new kernel: %w", err)
	}
	k, err := NewWithSockets(info, socks, interp, opts)
	if err != nil {
		socks.closeAll()
		return nil, err
	}
	return k, nil
}

// NewWithSockets returns a kernel serving the given sockets (for example
// from NewMemPair); only Key and SignatureScheme of info are used, plus the
// ports for connect_reply. The kernel closes the sockets when Run returns.
func NewWithSockets(info ConnectionInfo, socks Sockets, interp engine.Interpreter, opts Options) (*Kernel, error) {
	if interp == nil {
		return nil, errors.New("new kernel: nil interpreter")
	}
	if socks.Shell == nil || socks.Control == nil || socks.Stdin == nil || socks.IOPub == nil || socks.HB == nil {
		return nil, errors.New("new kernel: missing socket")
	}
	sign, err := newSigner(info.SignatureScheme, []byte(info.Key))
	if err != nil {
		return nil, fmt.Errorf("new kernel: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if info.Key == "" {
		log.Warn("the connection file's key is empty: messages are neither signed nor checked, anyone who reaches the ports can run code")
	}
	k := &Kernel{
		log:     log,
		info:    info,
		interp:  interp,
		opts:    opts,
		socks:   socks,
		sign:    sign,
		session: newID(),
		shellQ:  make(chan *message, 1024),
		side:    make(chan struct{}, maxSideRequests),
		intrCh:  make(chan struct{}),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	k.execCtx, k.execCancel = context.WithCancel(context.Background())
	k.pub = newPublisher(socks.IOPub, sign, k.session, log)
	k.hist = openHistory(opts.HistoryDir, log)
	k.sign.persist(historyDir(opts.HistoryDir), log)
	k.stdin = &stdinBroker{k: k, ask1: make(chanMutex, 1), replies: make(chan *message, 16)}
	k.attachDebugger()
	return k, nil
}

// Run serves the sockets until a shutdown_request has been answered or ctx
// is done, then shuts the interpreter down, closes the sockets and returns
// nil. It may be called once.
func (k *Kernel) Run(ctx context.Context) error {
	if !k.running.CompareAndSwap(false, true) {
		return errors.New("run: already called")
	}
	k.pub.start()
	var readers sync.WaitGroup
	shellDone := make(chan struct{})
	readers.Add(4)
	go func() { defer readers.Done(); k.heartbeat() }()
	go func() { defer readers.Done(); k.readShell() }()
	go func() { defer readers.Done(); k.serveControl() }()
	go func() { defer readers.Done(); k.stdin.read() }()
	go func() { defer close(shellDone); k.serveShell() }()
	k.pub.publish(nil, "status", map[string]any{"execution_state": "starting"})
	k.log.Info("kernel started", "session", k.session)

	select {
	case <-ctx.Done():
		k.log.Info("kernel stopping", "reason", ctx.Err())
	case <-k.stop:
		k.log.Info("kernel stopping", "reason", "shutdown_request", "restart", k.restart.Load())
	}
	k.stopping.Store(true)
	k.execCancel()
	if !k.shutdown.Load() {
		sctx, cancel := context.WithTimeout(context.Background(), interpShutdownTimeout)
		if err := k.interp.Shutdown(sctx, false); err != nil {
			k.log.Warn("interpreter shutdown", "err", err)
		}
		cancel()
	}
	close(k.done)
	for _, s := range []Socket{k.socks.Shell, k.socks.Control, k.socks.Stdin, k.socks.HB} {
		_ = s.Close()
	}
	helpersDone := make(chan struct{})
	go func() { readers.Wait(); k.helpers.Wait(); <-shellDone; close(helpersDone) }()
	select {
	case <-helpersDone:
	case <-time.After(shutdownGrace):
		k.log.Warn("a handler did not stop in time; leaving it behind")
	}
	k.pub.close()
	_ = k.socks.IOPub.Close()
	k.hist.close()
	k.sign.closeStore()
	return nil
}

// Interrupt interrupts the running cell, as SIGINT does, and any pending
// input request. Safe for concurrent use.
func (k *Kernel) Interrupt() {
	k.interp.Interrupt()
	k.intrMu.Lock()
	close(k.intrCh)
	k.intrCh = make(chan struct{})
	k.intrMu.Unlock()
}

// interrupted returns a channel closed by the next Interrupt.
func (k *Kernel) interrupted() <-chan struct{} {
	k.intrMu.Lock()
	defer k.intrMu.Unlock()
	return k.intrCh
}

// RestartRequested reports whether Run ended on shutdown_request with
// restart true. Safe for concurrent use.
func (k *Kernel) RestartRequested() bool { return k.restart.Load() }

// Session returns the kernel's session id (the session of every header it
// sends).
func (k *Kernel) Session() string { return k.session }

func (k *Kernel) requestStop(restart bool) {
	k.stopOnce.Do(func() {
		k.restart.Store(restart)
		close(k.stop)
	})
}

// recvLoop reads sock until it is closed, decoding each message and handing
// it to handle. Malformed messages are logged and dropped.
func (k *Kernel) recvLoop(name string, sock Socket, handle func(*message)) {
	for {
		frames, err := sock.Recv()
		if err != nil {
			if k.stopping.Load() || errors.Is(err, ErrClosed) || errors.Is(err, context.Canceled) {
				return
			}
			k.log.Warn("receive", "socket", name, "err", err)
			select {
			case <-k.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		received := time.Now()
		m, err := decode(frames, k.sign)
		var big *contentSizeError
		if errors.As(err, &big) {
			// Answered by handleTooLarge.
			k.log.Warn("content too large", "socket", name, "msg_type", big.m.Header.MsgType, "err", err)
			m, err = big.m, nil
		}
		if err != nil {
			if more, ok := k.drops.allow(received); ok {
				k.log.Warn("dropped message", "socket", name, "err", err, "not_logged_before", more)
			}
			continue
		}
		m.received = received
		handle(m)
	}
}

// messageSize is the size of m's content and buffers.
func messageSize(m *message) int {
	n := len(m.Content)
	for _, b := range m.Buffers {
		n += len(b)
	}
	return n
}

func (k *Kernel) heartbeat() {
	for {
		frames, err := k.socks.HB.Recv()
		if err != nil {
			if k.stopping.Load() || errors.Is(err, ErrClosed) || errors.Is(err, context.Canceled) {
				return
			}
			k.log.Warn("heartbeat receive", "err", err)
			continue
		}
		if err := k.socks.HB.Send(frames); err != nil {
			k.log.Warn("heartbeat send", "err", err)
		}
	}
}

func (k *Kernel) readShell() {
	k.recvLoop("shell", k.socks.Shell, func(m *message) {
		select {
		case k.shellQ <- m:
		case <-k.done:
		}
	})
}

// serveShell handles shell requests one at a time, in order.
func (k *Kernel) serveShell() {
	for {
		select {
		case <-k.done:
			return
		case m := <-k.shellQ:
			large := messageSize(m) >= releaseAfter
			k.dispatch(k.socks.Shell, m, k.shellHandler(m.Header.MsgType))
			if from := k.abortFrom; !from.IsZero() {
				k.abortFrom = time.Time{}
				k.abortQueued(from)
			}
			if large {
				// The request, its decoded code, execute_input and the
				// interpreter's copies took several times its size;
				// the runtime would keep those pages until the heap
				// next grows that far (248 MiB of RSS after three
				// 20 MB cells). A forced collection with the request
				// gone costs milliseconds, once per large request.
				debug.FreeOSMemory()
			}
		}
	}
}

// abortQueued answers the execute requests queued on shell, and those
// arriving within Options.StopOnErrorTimeout of from (when the cell
// failed), with status aborted, as
// ipykernel does after a failed cell; other requests are served normally.
// Nothing outlives the window.
//
// "Queued" is what the queue holds when the abort starts: a request sent
// after the frontend saw the last aborted reply must run, however soon
// it arrives (the replies go out while this loop still drains).
func (k *Kernel) abortQueued(from time.Time) {
	deadline := from.Add(k.opts.StopOnErrorTimeout)
	queued := len(k.shellQ) // this goroutine is the queue's only reader
	for {
		var m *message
		if queued > 0 {
			m = <-k.shellQ
			queued--
		} else {
			wait := time.Until(deadline)
			if wait <= 0 {
				return
			}
			t := time.NewTimer(wait)
			select {
			case m = <-k.shellQ:
				t.Stop()
			case <-t.C:
				return
			case <-k.done:
				t.Stop()
				return
			}
		}
		if m.Header.MsgType != "execute_request" {
			k.dispatch(k.socks.Shell, m, k.shellHandler(m.Header.MsgType))
			continue
		}
		k.dispatch(k.socks.Shell, m, func(sock Socket, m *message) {
			k.log.Info("aborting", "msg_id", m.Header.MsgID)
			k.reply(sock, m, "execute_reply",
				map[string]any{"status": "aborted", "execution_count": k.count, "user_expressions": map[string]any{}, "payload": []any{}},
				map[string]any{"status": "aborted", "dependencies_met": true, "engine": k.session})
		})
	}
}

func (k *Kernel) serveControl() {
	k.recvLoop("control", k.socks.Control, func(m *message) {
		h := k.controlHandler(m.Header.MsgType)
		if blocking(m.Header.MsgType) {
			// Introspection needs the interpreter, which a running cell
			// holds: answer it on the side so control stays responsive,
			// at most maxSideRequests at a time (a flood while a cell
			// spins must not pile up goroutines); the rest are answered
			// at once with an error.
			select {
			case k.side <- struct{}{}:
			default:
				k.dispatch(k.socks.Control, m, func(sock Socket, m *message) {
					k.reply(sock, m, strings.TrimSuffix(m.Header.MsgType, "_request")+"_reply", map[string]any{
						"status": "error", "ename": "Busy",
						"evalue":    fmt.Sprintf("%d introspection requests are waiting for the running cell", maxSideRequests),
						"traceback": []string{},
					}, nil)
				})
				return
			}
			k.helpers.Add(1)
			go func() {
				defer func() { <-k.side; k.helpers.Done() }()
				k.dispatch(k.socks.Control, m, h)
			}()
			return
		}
		k.dispatch(k.socks.Control, m, h)
	})
}

// dispatch runs h between busy and idle, recovering a panic so that one bad
// request never ends the kernel. A nil h is an unknown type: logged, no reply.
func (k *Kernel) dispatch(sock Socket, m *message, h handler) {
	k.pub.publish(m.RawHeader, "status", map[string]any{"execution_state": "busy"})
	defer k.pub.publish(m.RawHeader, "status", map[string]any{"execution_state": "idle"})
	defer func() {
		if r := recover(); r != nil {
			k.log.Error("handler panicked", "msg_type", m.Header.MsgType, "panic", r)
		}
	}()
	if h == nil {
		k.log.Warn("unknown message type", "msg_type", m.Header.MsgType)
		return
	}
	if m.tooLarge > 0 {
		h = k.handleTooLarge
	}
	h(sock, m)
}

// reply sends a reply to m on sock, after flushing buffered stream output.
func (k *Kernel) reply(sock Socket, m *message, msgType string, content, metadata any) {
	k.pub.flush()
	frames, err := encode(&outMsg{
		Identities: m.Identities,
		Header:     newHeader(msgType, k.session, time.Now()),
		Parent:     m.RawHeader,
		Metadata:   metadata,
		Content:    content,
	}, k.sign)
	if err != nil {
		k.log.Error("encode reply", "msg_type", msgType, "err", err)
		return
	}
	if err := sock.Send(frames); err != nil {
		k.log.Warn("send reply", "msg_type", msgType, "err", err)
	}
}

// decodeContent unmarshals m's content into v.
func decodeContent(m *message, v any) error {
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("decode %s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// logLimit lets through at most logBurst log lines per logWindow; the
// first line after a window that dropped some says how many. Safe for
// concurrent use.
type logLimit struct {
	mu         sync.Mutex
	start      time.Time
	n, dropped int
}

// maxSideRequests bounds the control requests (introspection) answered on
// the side at once.
const maxSideRequests = 32

const (
	logBurst  = 10
	logWindow = time.Minute
)

// allow reports whether a line may be logged at now, and how many were
// not logged since the last one that was.
func (l *logLimit) allow(now time.Time) (notLogged int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.start) >= logWindow {
		l.start, l.n = now, 0
	}
	if l.n >= logBurst {
		l.dropped++
		return 0, false
	}
	l.n++
	notLogged, l.dropped = l.dropped, 0
	return notLogged, true
}
