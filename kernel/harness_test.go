package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// testKey signs every message of the in-memory tests.
const testKey = "0123456789abcdef"

// fakeInterp is an engine.Interpreter whose behaviour each test sets.
type fakeInterp struct {
	mu         sync.Mutex
	exec       func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult
	complete   func(code string, cursor int) (engine.Completion, error)
	reqs       []engine.ExecuteRequest
	interrupts atomic.Int32
	shutdowns  atomic.Int32
	restart    atomic.Bool
	intr       chan struct{} // closed by Interrupt (once)
	intrOnce   sync.Once
}

func newFake() *fakeInterp { return &fakeInterp{intr: make(chan struct{})} }

func (f *fakeInterp) Execute(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	exec := f.exec
	f.mu.Unlock()
	if exec == nil {
		return engine.ExecuteResult{}
	}
	return exec(ctx, req, out)
}

func (f *fakeInterp) Complete(_ context.Context, code string, cursor int) (engine.Completion, error) {
	if f.complete == nil {
		return engine.Completion{CursorStart: cursor, CursorEnd: cursor}, nil
	}
	return f.complete(code, cursor)
}

func (f *fakeInterp) Inspect(_ context.Context, code string, cursor, detail int) (engine.Inspection, error) {
	if code == "" {
		return engine.Inspection{}, nil
	}
	return engine.Inspection{Found: true, Data: engine.MIMEBundle{"text/plain": code[:cursor]}}, nil
}

func (f *fakeInterp) IsComplete(_ context.Context, code string) (engine.Completeness, error) {
	if code == "{" {
		return engine.Completeness{Status: "incomplete", Indent: "\t"}, nil
	}
	if code == "boom" {
		return engine.Completeness{}, errors.New("boom")
	}
	return engine.Completeness{Status: "complete"}, nil
}

func (f *fakeInterp) Interrupt() {
	f.interrupts.Add(1)
	f.intrOnce.Do(func() { close(f.intr) })
}

func (f *fakeInterp) Shutdown(_ context.Context, restart bool) error {
	f.shutdowns.Add(1)
	f.restart.Store(restart)
	return nil
}

func (f *fakeInterp) requests() []engine.ExecuteRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]engine.ExecuteRequest(nil), f.reqs...)
}

// client drives a kernel over in-memory sockets.
type client struct {
	t                                *testing.T
	k                                *Kernel
	shell, control, stdin, iopub, hb Socket
	sign                             *signer
	session                          string
	runErr                           chan error
	ident                            []byte
}

// startKernel runs a kernel on in-memory sockets until the test ends.
// Stream batching only flushes on size or before other messages unless a
// test changes it, so that no test depends on timing.
func startKernel(t *testing.T, fi engine.Interpreter, opts Options) *client {
	t.Helper()
	if opts.HistoryDir == "" {
		opts.HistoryDir = t.TempDir()
	}
	if opts.Logger == nil && testing.Verbose() {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ks, cs := memSockets()
	info := ConnectionInfo{Key: testKey, SignatureScheme: "hmac-sha256"}
	k, err := NewWithSockets(info, ks, fi, opts)
	if err != nil {
		t.Fatal(err)
	}
	k.pub.streams.Config.Delay, k.pub.streams.Config.MaxDelay = time.Hour, time.Hour
	c := attach(t, k, cs)
	// The first IOPub message is status starting.
	m := c.recv(c.iopub)
	if m.Header.MsgType != "status" || c.content(m)["execution_state"] != "starting" {
		t.Fatalf("first iopub message: got %s %s, want status starting", m.Header.MsgType, m.Content)
	}
	return c
}

// attach runs k and returns a client on its client-side sockets cs.
func attach(t *testing.T, k *Kernel, cs Sockets) *client {
	sign, _ := newSigner(k.info.SignatureScheme, []byte(k.info.Key))
	c := &client{t: t, k: k, shell: cs.Shell, control: cs.Control, stdin: cs.Stdin, iopub: cs.IOPub, hb: cs.HB,
		sign: sign, session: newID(), runErr: make(chan error, 1), ident: []byte("client-1")}
	go func() { c.runErr <- k.Run(context.Background()) }()
	t.Cleanup(func() { c.stop() })
	return c
}

// stop shuts the kernel down (if still running) and waits for Run.
func (c *client) stop() {
	select {
	case <-c.k.stop:
	default:
		c.send(c.control, "shutdown_request", map[string]any{"restart": false})
	}
	select {
	case err := <-c.runErr:
		if err != nil {
			c.t.Errorf("run: %v", err)
		}
		c.runErr <- err
	case <-time.After(20 * time.Second): // a hang, not a timing goal
		c.t.Fatal("kernel did not stop")
	}
}

// send sends a request and returns its header.
func (c *client) send(sock Socket, msgType string, content any) msgHeader {
	c.t.Helper()
	h := newHeader(msgType, c.session, time.Now())
	h.Username = "tester"
	frames, err := encode(&outMsg{Identities: [][]byte{c.ident}, Header: h, Content: content}, c.sign)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := sock.Send(frames); err != nil {
		c.t.Fatal(err)
	}
	return h
}

// recv returns the next message on sock. The deadline only turns a hang
// into a failure.
func (c *client) recv(sock Socket) *message {
	c.t.Helper()
	type res struct {
		f   [][]byte
		err error
	}
	ch := make(chan res, 1)
	go func() { f, err := sock.Recv(); ch <- res{f, err} }()
	select {
	case r := <-ch:
		if r.err != nil {
			c.t.Fatalf("recv: %v", r.err)
		}
		m, err := decode(r.f, c.sign)
		if err != nil {
			c.t.Fatalf("decode kernel message: %v", err)
		}
		return m
	case <-time.After(20 * time.Second):
		c.t.Fatal("recv: nothing arrived")
		return nil
	}
}

func (c *client) content(m *message) map[string]any {
	c.t.Helper()
	var v map[string]any
	if err := json.Unmarshal(m.Content, &v); err != nil {
		c.t.Fatal(err)
	}
	return v
}

func parentID(m *message) string {
	var p msgHeader
	_ = json.Unmarshal(m.ParentHeader, &p)
	return p.MsgID
}

// untilIdle returns the IOPub messages with parent id, up to and including
// its idle status.
func (c *client) untilIdle(id string) []*message {
	c.t.Helper()
	var out []*message
	for {
		m := c.recv(c.iopub)
		if parentID(m) != id {
			continue
		}
		out = append(out, m)
		if m.Header.MsgType == "status" && c.content(m)["execution_state"] == "idle" {
			return out
		}
	}
}

// kinds names IOPub messages: msg_type, or status:state, or stream:name.
func (c *client) kinds(ms []*message) []string {
	var out []string
	for _, m := range ms {
		s := m.Header.MsgType
		switch s {
		case "status":
			s += ":" + c.content(m)["execution_state"].(string)
		case "stream":
			s += ":" + c.content(m)["name"].(string)
		}
		out = append(out, s)
	}
	return out
}

// execute sends an execute_request and returns its reply and IOPub traffic.
func (c *client) execute(content map[string]any) (*message, []*message) {
	c.t.Helper()
	h := c.send(c.shell, "execute_request", content)
	r := c.recv(c.shell)
	return r, c.untilIdle(h.MsgID)
}

// waitFor polls cond until it holds; the deadline only turns a hang into a
// failure.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}

func nowForTest() time.Time { return time.Now() }

func testLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
