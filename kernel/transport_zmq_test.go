package kernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gilgo/gilgo/engine"
)

// freePorts returns n tcp ports free on loopback right now. Another
// process may take one before the kernel binds it; callers retry.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

func zmqInfo(t *testing.T, transport string) ConnectionInfo {
	p := freePorts(t, 5)
	info := ConnectionInfo{Transport: transport, IP: "127.0.0.1", Key: testKey, SignatureScheme: "hmac-sha256",
		ShellPort: p[0], ControlPort: p[1], StdinPort: p[2], IOPubPort: p[3], HBPort: p[4]}
	switch transport {
	case "ipc":
		info.IP = filepath.Join(t.TempDir(), "kernel")
	case "tcp6":
		info.Transport, info.IP = "tcp", "::1"
	}
	return info
}

// newZMQKernel binds a kernel, retrying with new ports if one was taken.
func newZMQKernel(t *testing.T, transport string, fi engine.Interpreter) (*Kernel, ConnectionInfo) {
	t.Helper()
	return newZMQKernelWith(t, transport, fi, Options{})
}

// newZMQKernelWith is newZMQKernel with options (HistoryDir defaults to a
// temporary directory).
func newZMQKernelWith(t *testing.T, transport string, fi engine.Interpreter, opts Options) (*Kernel, ConnectionInfo) {
	t.Helper()
	if opts.HistoryDir == "" {
		opts.HistoryDir = t.TempDir()
	}
	var err error
	for range 5 {
		info := zmqInfo(t, transport)
		var k *Kernel
		k, err = New(info, fi, opts)
		if err == nil {
			return k, info
		}
	}
	t.Fatalf("new kernel: %v", err)
	return nil, ConnectionInfo{}
}

// dialClient connects client sockets to info as jupyter_client does:
// DEALER to shell, control and stdin, SUB to iopub, REQ to heartbeat.
func dialClient(t *testing.T, info ConnectionInfo) Sockets {
	t.Helper()
	ctx := context.Background()
	id := zmq4.WithID(zmq4.SocketIdentity("client-" + newID()))
	var cs Sockets
	for _, d := range []struct {
		dst  *Socket
		sock zmq4.Socket
		port int
	}{
		{&cs.Shell, zmq4.NewDealer(ctx, id), info.ShellPort},
		{&cs.Control, zmq4.NewDealer(ctx, id), info.ControlPort},
		{&cs.Stdin, zmq4.NewDealer(ctx, id), info.StdinPort},
		{&cs.IOPub, zmq4.NewSub(ctx), info.IOPubPort},
		{&cs.HB, zmq4.NewReq(ctx), info.HBPort},
	} {
		if err := d.sock.Dial(info.endpoint(d.port)); err != nil {
			t.Fatalf("dial %s: %v", info.endpoint(d.port), err)
		}
		*d.dst = zmqSocket{s: d.sock}
	}
	if err := cs.IOPub.(zmqSocket).s.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cs.closeAll)
	return cs
}

func TestZMQKernel(t *testing.T) {
	for _, transport := range []string{"tcp", "ipc", "tcp6"} {
		t.Run(transport, func(t *testing.T) {
			if transport == "tcp6" {
				l, err := net.Listen("tcp6", "[::1]:0")
				if err != nil {
					t.Skipf("no IPv6 loopback: %v", err)
				}
				l.Close()
			}
			fi := newFake()
			fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
				out.Stream("stdout", "hi\n")
				return engine.ExecuteResult{}
			}
			k, info := newZMQKernel(t, transport, fi)
			c := attach(t, k, dialClient(t, info))
			c.awaitSubscribed()
			if err := c.hb.Send([][]byte{[]byte("ping")}); err != nil {
				t.Fatal(err)
			}
			if f, err := c.hb.Recv(); err != nil || string(f[0]) != "ping" {
				t.Errorf("heartbeat: got %q %v", f, err)
			}
			r, io := c.execute(map[string]any{"code": "x"})
			if c.content(r)["status"] != "ok" {
				t.Errorf("execute reply: got %s", r.Content)
			}
			if got := strings.Join(c.kinds(io), " "); got != "status:busy execute_input stream:stdout status:idle" {
				t.Errorf("iopub: got %s", got)
			}
			c.send(c.control, "shutdown_request", map[string]any{"restart": true})
			if r := c.recv(c.control); r.Header.MsgType != "shutdown_reply" {
				t.Errorf("shutdown reply: got %s", r.Header.MsgType)
			}
			if err := <-c.runErr; err != nil {
				t.Errorf("run: %v", err)
			}
			c.runErr <- nil
			if !k.RestartRequested() {
				t.Error("restart not recorded")
			}
			// A restarted kernel binds the same ports at once (no linger).
			k2, err := New(info, newFake(), Options{HistoryDir: t.TempDir()})
			if err != nil {
				t.Fatalf("rebind: %v", err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := k2.Run(ctx); err != nil {
				t.Errorf("run k2: %v", err)
			}
		})
	}
}

// awaitSubscribed waits out ZeroMQ's slow joiner: it polls kernel_info
// until IOPub shows the status of one of the requests.
func (c *client) awaitSubscribed() {
	c.t.Helper()
	for subscribed := false; !subscribed; {
		h := c.send(c.shell, "kernel_info_request", nil)
		if r := c.recv(c.shell); r.Header.MsgType != "kernel_info_reply" {
			c.t.Fatalf("reply: got %s", r.Header.MsgType)
		}
		deadline := time.After(200 * time.Millisecond) // a poll period, not an assertion
		for waiting := true; waiting; {
			select {
			case m := <-recvAsync(c.iopub):
				subscribed = m != nil && parentIDFrames(c, m) == h.MsgID
				waiting = !subscribed
			case <-deadline:
				waiting = false
			}
		}
	}
}

// recvAsync receives one frame set from sock in the background; nil on error.
func recvAsync(sock Socket) <-chan [][]byte {
	ch := make(chan [][]byte, 1)
	go func() {
		f, err := sock.Recv()
		if err != nil {
			f = nil
		}
		ch <- f
	}()
	return ch
}

func parentIDFrames(c *client, f [][]byte) string {
	m, err := decode(f, c.sign)
	if err != nil {
		return ""
	}
	return parentID(m)
}

// TestZMQRouterDropsUnknownIdentity: a reply to a client that went away
// must not block or fail the kernel.
func TestZMQRouterDropsUnknownIdentity(t *testing.T) {
	ctx := context.Background()
	info := zmqInfo(t, "tcp")
	r := zmq4.NewRouter(ctx, zmq4.WithTimeout(time.Minute))
	defer r.Close()
	if err := r.Listen(info.endpoint(info.ShellPort)); err != nil {
		t.Fatal(err)
	}
	d := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("known")))
	defer d.Close()
	if err := d.Dial(info.endpoint(info.ShellPort)); err != nil {
		t.Fatal(err)
	}
	if err := d.Send(zmq4.NewMsgString("hello")); err != nil {
		t.Fatal(err)
	}
	if m, err := r.Recv(); err != nil || string(m.Frames[0]) != "known" {
		t.Fatalf("router recv: got %q %v", m.Frames, err)
	}
	if err := r.SendMulti(zmq4.NewMsgFrom([]byte("unknown"), []byte("lost"))); err != nil {
		t.Errorf("send to unknown identity: got %v, want nil (dropped)", err)
	}
	if err := r.SendMulti(zmq4.NewMsgFrom([]byte("known"), []byte("found"))); err != nil {
		t.Fatal(err)
	}
	if m, err := d.Recv(); err != nil || string(m.Frames[0]) != "found" {
		t.Errorf("dealer recv: got %q %v", m.Frames, err)
	}
}

// TestZMQPubWithoutSubscribers: publishing with nobody listening returns.
func TestZMQPubWithoutSubscribers(t *testing.T) {
	info := zmqInfo(t, "tcp")
	p := zmq4.NewPub(context.Background())
	defer p.Close()
	if err := p.Listen(info.endpoint(info.IOPubPort)); err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		if err := p.SendMulti(zmq4.NewMsgFrom([]byte("topic"), []byte(fmt.Sprint(i)))); err != nil {
			t.Fatal(err)
		}
	}
}

// TestZMQRebindAfterClose: closed sockets release their ports at once.
func TestZMQRebindAfterClose(t *testing.T) {
	for _, transport := range []string{"tcp", "ipc"} {
		info := zmqInfo(t, transport)
		for i := range 3 {
			socks, err := listenZMQ(context.Background(), info, nil, pubLimits{})
			if err != nil {
				t.Fatalf("%s bind %d: %v", transport, i, err)
			}
			socks.closeAll()
		}
	}
}

func TestNewRejectsBadInfo(t *testing.T) {
	info := zmqInfo(t, "tcp")
	info.SignatureScheme = "hmac-md5"
	if _, err := New(info, newFake(), Options{}); err == nil {
		t.Error("hmac-md5: got nil error")
	}
	info = zmqInfo(t, "udp")
	if _, err := New(info, newFake(), Options{}); err == nil || !strings.Contains(err.Error(), "transport") {
		t.Errorf("udp: got %v", err)
	}
	if _, err := NewWithSockets(info, Sockets{}, newFake(), Options{}); err == nil {
		t.Error("no sockets: got nil error")
	}
}

// TestZMQReconnectWhileBusy: a client that reconnects with the same
// identity while a cell runs is answered afterwards.
func TestZMQReconnectWhileBusy(t *testing.T) {
	fi := newFake()
	running, release := make(chan struct{}, 1), make(chan struct{})
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		if req.Code == "block" {
			running <- struct{}{}
			<-release
		}
		return engine.ExecuteResult{}
	}
	k, info := newZMQKernel(t, "tcp", fi)
	c := attach(t, k, dialClient(t, info))
	dial := func() zmq4.Socket {
		d := zmq4.NewDealer(context.Background(), zmq4.WithID(zmq4.SocketIdentity("same")))
		if err := d.Dial(info.endpoint(info.ShellPort)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	c.shell.Close()
	c.shell = zmqSocket{s: dial()}
	c.send(c.shell, "execute_request", map[string]any{"code": "block"})
	<-running
	c.shell.Close()
	c.shell = zmqSocket{s: dial()}
	close(release)
	h := c.send(c.shell, "kernel_info_request", nil)
	for {
		r := c.recv(c.shell)
		if parentID(r) == h.MsgID {
			break
		}
	}
}

// TestZMQSilentPeer: a TCP peer that connects and says nothing (a port
// scanner) must not make the sockets unreachable.
func TestZMQSilentPeer(t *testing.T) {
	k, info := newZMQKernel(t, "tcp", newFake())
	var silent []net.Conn
	for _, port := range []int{info.ShellPort, info.HBPort} {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatal(err)
		}
		silent = append(silent, conn)
	}
	defer func() {
		for _, c := range silent {
			c.Close()
		}
	}()
	c := attach(t, k, dialClient(t, info))
	h := c.send(c.shell, "kernel_info_request", nil)
	if r := c.recv(c.shell); parentID(r) != h.MsgID {
		t.Errorf("reply: got %s", r.Header.MsgType)
	}
	if err := c.hb.Send([][]byte{[]byte("ping")}); err != nil {
		t.Fatal(err)
	}
	if f, err := c.hb.Recv(); err != nil || string(f[0]) != "ping" {
		t.Errorf("heartbeat: got %q %v", f, err)
	}
}

// TestHandshakeEnd: the read deadline is cleared right after the peer's
// first command, short or long.
func TestHandshakeEnd(t *testing.T) {
	greeting := make([]byte, zmtpGreetingLen)
	tests := []struct {
		name string
		head []byte
		end  int
		ok   bool
	}{
		{"greeting only", greeting, 0, false},
		{"short command", append(append([]byte{}, greeting...), 0x04, 25), zmtpGreetingLen + 2 + 25, true},
		{"long command partial", append(append([]byte{}, greeting...), 0x06, 0, 0), 0, false},
		{"long command", append(append([]byte{}, greeting...), 0x06, 0, 0, 0, 0, 0, 0, 1, 0), zmtpGreetingLen + 9 + 256, true},
		{"absurd size", append(append([]byte{}, greeting...), 0x06, 1, 0, 0, 0, 0, 0, 0, 0), 0, false},
	}
	for _, tc := range tests {
		h := &handshakeConn{head: tc.head}
		if end, ok := h.handshakeEnd(); end != tc.end || ok != tc.ok {
			t.Errorf("%s: got %d %v, want %d %v", tc.name, end, ok, tc.end, tc.ok)
		}
	}
}

// nullGreeting is a ZMTP 3.0 greeting with the NULL mechanism, as a
// client sends it.
func nullGreeting() []byte {
	g := make([]byte, zmtpGreetingLen)
	g[0], g[9] = 0xff, 0x7f
	g[10], g[11] = 3, 0
	copy(g[12:], "NULL")
	return g
}

// TestZMQHugeFrameBeforeAuth: a peer that sends a greeting and announces
// a 2^50-byte frame (73 bytes, no key needed) loses its connection; the
// kernel lives and serves its client (zmq4 allocated the announced size
// and crashed the process).
func TestZMQHugeFrameBeforeAuth(t *testing.T) {
	k, info := newZMQKernel(t, "tcp", newFake())
	c := attach(t, k, dialClient(t, info))
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", info.ShellPort))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	attack := append(nullGreeting(), 0x06, 0, 0x04, 0, 0, 0, 0, 0, 0) // a long command frame of 2^50 bytes
	if _, err := conn.Write(attack); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a deadline, not a measurement
	if _, err := io.Copy(io.Discard, conn); err != nil {
		t.Errorf("the attacking connection was not closed: %v", err)
	}
	h := c.send(c.shell, "kernel_info_request", nil)
	if r := c.recv(c.shell); parentID(r) != h.MsgID {
		t.Errorf("reply after the attack: got %s", r.Header.MsgType)
	}
}

// TestZMTPReader: small frames pass at once; a large frame's header is
// held back until its whole body has arrived, then everything passes in
// order; a frame over the limit is an error.
func TestZMTPReader(t *testing.T) {
	var z zmtpReader
	var out []byte
	small := []byte{zmtpMore, 3, 'a', 'b', 'c'}
	size := zmtpHoldAbove + 10
	large := []byte{zmtpLong, 0, 0, 0, 0, 0, byte(size >> 16), byte(size >> 8), byte(size)}
	body := bytes.Repeat([]byte{'x'}, size)
	stream := append(append(append(nullGreeting(), small...), large...), body...)
	cut := len(stream) - 5 // all but the last 5 body bytes
	for i := 0; i < cut; i += 1000 {
		if err := z.feed(stream[i:min(i+1000, cut)], &out); err != nil {
			t.Fatal(err)
		}
	}
	if want := zmtpGreetingLen + len(small); len(out) != want {
		t.Fatalf("before the large frame ends: %d bytes passed, want %d (greeting and the small frame)", len(out), want)
	}
	if err := z.feed(stream[cut:], &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, stream) {
		t.Fatalf("passed %d bytes, not the stream of %d in order", len(out), len(stream))
	}
	var z2 zmtpReader
	huge := append(nullGreeting(), zmtpLong, 0, 0x04, 0, 0, 0, 0, 0, 0)
	if err := z2.feed(huge, &out); !errors.Is(err, errFrameTooLarge) {
		t.Errorf("a 2^50-byte frame: got %v, want errFrameTooLarge", err)
	}
}
