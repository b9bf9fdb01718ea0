package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gilgo/gilgo/internal/rawio"
	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

const (
	// zmqSendTimeout bounds a blocked socket write (a peer that stopped
	// reading, or a ROUTER that never had a peer).
	zmqSendTimeout = 10 * time.Second
	// pubLinger is how long closing IOPub waits for zmq4's sender goroutine
	// to write what was queued (the last status: idle); zmq4 has no linger.
	pubLinger = 100 * time.Millisecond
	// handshakeTimeout bounds a peer's ZMTP greeting and READY command.
	handshakeTimeout = 5 * time.Second
	// guarded transports: tcp and ipc whose listeners keep silent peers
	// away from zmq4's accept loop (see guardedListener).
	guardedTCP = "gilgo-tcp"
	guardedIPC = "gilgo-ipc"
)

// registerGuarded registers the guarded transports with zmq4 (process-wide,
// once). If that fails, the plain transports are used.
var registerGuarded = sync.OnceValue(func() error {
	if err := zmq4.RegisterTransport(guardedTCP, guardedTransport{transport.New("tcp"), "tcp"}); err != nil {
		return err
	}
	return zmq4.RegisterTransport(guardedIPC, guardedTransport{transport.New("unix"), "unix"})
})

// zmqSocket adapts a zmq4 socket to Socket.
type zmqSocket struct {
	s      zmq4.Socket
	linger time.Duration
	pub    *pubConfig // IOPub's subscriber queues; nil for other sockets
}

func (z zmqSocket) Recv() ([][]byte, error) {
	m, err := z.s.Recv()
	if err != nil {
		return nil, err
	}
	return m.Frames, nil
}

func (z zmqSocket) Send(frames [][]byte) error {
	return z.s.SendMulti(zmq4.NewMsgFrom(frames...))
}

func (z zmqSocket) Close() error {
	if z.linger > 0 {
		time.Sleep(z.linger)
	}
	return z.s.Close()
}

// listenZMQ binds the five sockets of info. zmq4 has no linger: Close
// releases the ports at once, so a restarted kernel can bind them again.
// zmq4 accepts a second connection with an identity already known, and a
// ROUTER sends to every connection with the addressed identity, so a client
// that reconnects with the same identity (what ROUTER_HANDOVER is for in
// libzmq) gets its replies.
//
// IOPub's connections each get an outQueue (limits), so that a subscriber
// that does not read cannot block the others.
func listenZMQ(ctx context.Context, info ConnectionInfo, logger *slog.Logger, limits pubLimits) (Sockets, error) {
	var socks Sockets
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	opts := []zmq4.Option{
		zmq4.WithTimeout(zmqSendTimeout),
		zmq4.WithLogger(slog.NewLogLogger(logger.With("component", "zmq4").Handler(), slog.LevelWarn)),
	}
	guard := registerGuarded() == nil
	if !guard {
		logger.Warn("guarded transports unavailable, a silent peer can stall a socket", "err", registerGuarded())
	}
	specs := []struct {
		name string
		dst  *Socket
		mk   func(context.Context, ...zmq4.Option) zmq4.Socket
		port int
	}{
		{"shell", &socks.Shell, zmq4.NewRouter, info.ShellPort},
		{"control", &socks.Control, zmq4.NewRouter, info.ControlPort},
		{"stdin", &socks.Stdin, zmq4.NewRouter, info.StdinPort},
		{"iopub", &socks.IOPub, zmq4.NewPub, info.IOPubPort},
		{"hb", &socks.HB, zmq4.NewRep, info.HBPort},
	}
	pub := newPubConfig(limits, logger)
	for _, sp := range specs {
		sctx := ctx
		if sp.name == "iopub" {
			sctx = context.WithValue(ctx, pubConfigKey{}, pub)
		}
		s := sp.mk(sctx, opts...)
		ep := info.endpoint(sp.port)
		bind := ep
		if guard {
			bind = "gilgo-" + ep
		}
		if err := s.Listen(bind); err != nil {
			_ = s.Close()
			socks.closeAll()
			return Sockets{}, fmt.Errorf("listen %s on %s: %w", sp.name, ep, err)
		}
		zs := zmqSocket{s: s}
		if sp.name == "iopub" {
			zs.linger = pubLinger
			if guard {
				zs.pub = pub
			}
		}
		*sp.dst = zs
	}
	return socks, nil
}

// pubConfigKey is the context key under which listenZMQ passes IOPub's
// pubConfig through zmq4 (which hands the socket's context to the
// transport's Listen) to the guarded listener.
type pubConfigKey struct{}

// guardedTransport is a net transport whose listener hands zmq4 only
// connections whose peer has started the ZMTP greeting, and bounds the rest
// of the handshake. zmq4 v0.17.0 runs each handshake inside its accept
// loop without a deadline, so one silent TCP peer (a port scanner, a health
// probe) would otherwise make the socket unreachable for everyone. A
// listener whose context carries a *pubConfig (IOPub's) gives each
// connection an outQueue.
type guardedTransport struct {
	transport.Transport
	network string
}

func (g guardedTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := g.Transport.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	pub, _ := ctx.Value(pubConfigKey{}).(*pubConfig)
	gl := &guardedListener{Listener: l, ready: make(chan net.Conn), done: make(chan struct{}), pub: pub}
	go gl.acceptLoop()
	return gl, nil
}

// guardedListener accepts on its own goroutine and passes on a connection
// once its first zmtpSignatureLen bytes arrived (libzmq sends them before
// waiting for anything), within handshakeTimeout.
type guardedListener struct {
	net.Listener
	ready     chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
	pub       *pubConfig // non-nil for IOPub: connections write through an outQueue
}

// zmtpSignatureLen is the ZMTP 3 signature every peer sends first.
const zmtpSignatureLen = 10

func (gl *guardedListener) acceptLoop() {
	for {
		c, err := gl.Listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			select {
			case <-gl.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		go gl.admit(c)
	}
}

func (gl *guardedListener) admit(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(handshakeTimeout))
	sig := make([]byte, zmtpSignatureLen)
	if _, err := io.ReadFull(c, sig); err != nil {
		c.Close()
		return
	}
	hc := &handshakeConn{Conn: c, pending: sig, w: zmtpWriter{conn: c, greetLeft: zmtpGreetingLen}}
	if raw := rawio.New(c); raw != nil {
		hc.raw, hc.w.conn = raw, raw
	}
	if gl.pub != nil {
		hc.w.queue = newOutQueue(gl.pub, c)
	}
	hc.observe(sig)
	select {
	case gl.ready <- hc:
	case <-gl.done:
		c.Close()
	}
}

func (gl *guardedListener) Accept() (net.Conn, error) {
	select {
	case c := <-gl.ready:
		return c, nil
	case <-gl.done:
		return nil, net.ErrClosed
	}
}

func (gl *guardedListener) Close() error {
	var err error
	gl.closeOnce.Do(func() {
		close(gl.done)
		err = gl.Listener.Close()
	})
	return err
}

// handshakeConn replays the bytes the listener read, clears the read
// deadline once the peer's greeting (64 bytes) and first command (READY)
// have been read, so that an idle but healthy connection is never cut, and
// bounds the frames the peer may make zmq4 allocate (zmtpReader).
type handshakeConn struct {
	net.Conn
	pending []byte
	ready   []byte // bytes the reader has passed, not yet read by zmq4
	scratch []byte
	r       zmtpReader
	head    []byte // the first bytes of the stream, up to the READY size field
	n       int    // bytes read so far
	cleared bool

	// raw reads c with raw system calls (package rawio), nil when c has
	// no RawConn.
	raw *rawio.Conn

	wmu sync.Mutex
	w   zmtpWriter
}

// Write coalesces zmq4's writes into one per ZMTP message (see zmtpWriter).
func (h *handshakeConn) Write(p []byte) (int, error) {
	h.wmu.Lock()
	defer h.wmu.Unlock()
	return h.w.Write(p)
}

// Close drops what the connection's outQueue holds and closes it.
func (h *handshakeConn) Close() error {
	if h.w.queue != nil {
		h.w.queue.close()
	}
	return h.Conn.Close()
}

// zmtpMaxCoalesce bounds the bytes zmtpWriter holds before it writes
// anyway (a message with large frames goes out in pieces).
const zmtpMaxCoalesce = 64 << 10

// zmtpWriter turns zmq4's writes into one write per ZMTP message. zmq4
// v0.17.0 writes every frame's header and body with a Write of its own
// (a kernel message is 7 frames or more): 14 syscalls and as many TCP
// segments per message, which the peer must also wake up for. zmtpWriter
// follows the ZMTP 3 framing of the outgoing stream (after the 64-byte
// greeting, which passes straight through) and holds bytes until a message
// or command ends, or zmtpMaxCoalesce bytes are held. Bytes are never held
// past the end of a message, so nothing waits for a later write. With a
// queue, every unit (the greeting's bytes, a command, a message) goes to
// the queue instead, whole, and Write never blocks. Not safe for
// concurrent use.
type zmtpWriter struct {
	conn      io.Writer
	queue     *outQueue // when set, replaces conn
	greetLeft int       // greeting bytes still to pass through
	buf       []byte    // held bytes
	// Framing state: hdr collects a frame header (flags, then 1 or 8
	// size bytes); body counts the bytes left of the frame's body.
	hdr    zmtpHeader
	body   uint64
	inBody bool
	cmd    bool // the unit being written is a command
}

// zmtpHeader collects a ZMTP 3 frame header: the flags, then one size
// byte (a short frame) or eight (a long one).
type zmtpHeader []byte

// add appends c and, once the header is complete, returns the size of
// the frame's body.
func (h *zmtpHeader) add(c byte) (size uint64, done bool) {
	*h = append(*h, c)
	want := 2
	if (*h)[0]&zmtpLong != 0 {
		want = 9
	}
	if len(*h) < want {
		return 0, false
	}
	return zmtpSize((*h)[1:]), true
}

// zmtpSize decodes a frame's size field (big-endian).
func zmtpSize(b []byte) uint64 {
	var size uint64
	for _, c := range b {
		size = size<<8 | uint64(c)
	}
	return size
}

// ZMTP 3 frame flags.
const (
	zmtpMore    = 0x01
	zmtpLong    = 0x02
	zmtpCommand = 0x04
)

func (z *zmtpWriter) Write(p []byte) (int, error) {
	n := len(p)
	if z.greetLeft > 0 {
		k := min(z.greetLeft, len(p))
		z.greetLeft -= k
		if err := z.emit(p[:k], true, true); err != nil {
			return 0, err
		}
		p = p[k:]
	}
	for len(p) > 0 {
		k, ended, cmd := z.advance(p)
		if err := z.emit(p[:k], ended, cmd); err != nil {
			return 0, err
		}
		p = p[k:]
	}
	return n, nil
}

// emit passes on p, part of a unit that ends with p if end is set; cmd
// says the unit must not be dropped.
func (z *zmtpWriter) emit(p []byte, end, cmd bool) error {
	if z.queue != nil {
		return z.queue.add(p, end, cmd)
	}
	z.buf = append(z.buf, p...)
	if !end && len(z.buf) < zmtpMaxCoalesce {
		return nil
	}
	_, err := z.conn.Write(z.buf)
	if cap(z.buf) > zmtpMaxCoalesce {
		z.buf = nil // do not keep a large message's buffer
	} else {
		z.buf = z.buf[:0]
	}
	return err
}

// advance follows the framing over p up to the end of the first message
// or command that ends in it. It returns the bytes it consumed, whether a
// unit ended there, and whether that unit is a command.
func (z *zmtpWriter) advance(p []byte) (n int, ended, cmd bool) {
	for {
		if z.inBody {
			k := min(z.body, uint64(len(p)-n))
			z.body -= k
			n += int(k)
			if z.body > 0 {
				return n, false, z.cmd
			}
			flags := z.hdr[0]
			z.inBody, z.hdr = false, z.hdr[:0]
			if flags&zmtpMore == 0 || flags&zmtpCommand != 0 {
				cmd, z.cmd = z.cmd, false
				return n, true, cmd
			}
			continue
		}
		if n == len(p) {
			return n, false, z.cmd
		}
		size, done := z.hdr.add(p[n])
		if len(z.hdr) == 1 && p[n]&zmtpCommand != 0 {
			z.cmd = true
		}
		n++
		if done {
			z.body, z.inBody = size, true
		}
	}
}

// zmtpGreetingLen is the size of a ZMTP 3 greeting.
const zmtpGreetingLen = 64

// Read passes the peer's bytes on through a zmtpReader: zmq4 v0.17.0
// allocates the size a frame header announces before it reads the body,
// and before any signature is checked, so one unauthenticated peer could
// make it allocate 2^50 bytes (a crash) with 73.
func (h *handshakeConn) Read(p []byte) (int, error) {
	for len(h.ready) == 0 {
		var chunk []byte
		var err error
		if len(h.pending) > 0 {
			chunk, h.pending = h.pending, nil
		} else {
			if h.scratch == nil {
				h.scratch = make([]byte, 32<<10)
			}
			var n int
			if h.raw != nil {
				n, err = h.raw.Read(h.scratch)
			} else {
				n, err = h.Conn.Read(h.scratch)
			}
			chunk = h.scratch[:n]
			h.observe(chunk)
		}
		if ferr := h.r.feed(chunk, &h.ready); ferr != nil {
			h.Conn.Close() // zmq4 does not close a connection whose handshake failed
			return 0, ferr
		}
		if err != nil {
			if len(h.ready) > 0 {
				break
			}
			return 0, err
		}
	}
	n := copy(p, h.ready)
	h.ready = h.ready[n:]
	if len(h.ready) == 0 {
		h.ready = nil // do not keep a large frame's buffer
	}
	return n, nil
}

// zmtpMaxFrame bounds the size of a frame a peer may send.
const zmtpMaxFrame = 512 << 20

// zmtpHoldAbove is the frame size above which a frame's header is held
// back until its body has arrived.
const zmtpHoldAbove = 64 << 10

// zmtpReader follows the ZMTP 3 framing of an incoming stream and hands
// bytes on so that zmq4 never allocates more than the peer has sent: the
// header of a frame larger than zmtpHoldAbove is held back, with the body,
// until the whole frame has arrived (the memory then grows with the bytes
// received, at the peer's cost), and a frame announced larger than
// zmtpMaxFrame is an error that ends the connection. Not safe for
// concurrent use.
type zmtpReader struct {
	greetDone int // greeting bytes passed on so far
	hdr       zmtpHeader
	body      uint64 // body bytes still to come
	inBody    bool
	held      []byte // a large frame, header first, while its body arrives
}

// errFrameTooLarge ends a connection whose peer announced a frame larger
// than zmtpMaxFrame.
var errFrameTooLarge = errors.New("zmtp: frame larger than the limit")

// feed reads b and appends to out what may be handed on.
func (z *zmtpReader) feed(b []byte, out *[]byte) error {
	if z.greetDone < zmtpGreetingLen {
		k := min(zmtpGreetingLen-z.greetDone, len(b))
		*out = append(*out, b[:k]...)
		z.greetDone += k
		b = b[k:]
	}
	for len(b) > 0 || (z.inBody && z.body == 0) {
		if z.inBody {
			k := min(z.body, uint64(len(b)))
			if z.held != nil {
				z.held = append(z.held, b[:k]...)
			} else {
				*out = append(*out, b[:k]...)
			}
			z.body -= k
			b = b[k:]
			if z.body > 0 {
				return nil
			}
			if z.held != nil {
				*out = append(*out, z.held...)
				z.held = nil
			}
			z.inBody, z.hdr = false, z.hdr[:0]
			continue
		}
		size, done := z.hdr.add(b[0])
		b = b[1:]
		if !done {
			continue
		}
		if size > zmtpMaxFrame {
			return fmt.Errorf("%w: %d bytes announced, at most %d", errFrameTooLarge, size, zmtpMaxFrame)
		}
		if size > zmtpHoldAbove {
			z.held = append(make([]byte, 0, len(z.hdr)+int(min(size, 1<<20))), z.hdr...)
		} else {
			*out = append(*out, z.hdr...)
		}
		z.body, z.inBody = size, true
	}
	return nil
}

// observe counts bytes read from the network and clears the deadline at
// the end of the first command frame after the greeting.
func (h *handshakeConn) observe(b []byte) {
	if h.cleared {
		return
	}
	if need := zmtpGreetingLen + 9 - len(h.head); need > 0 {
		h.head = append(h.head, b[:min(need, len(b))]...)
	}
	h.n += len(b)
	if end, ok := h.handshakeEnd(); ok && h.n >= end {
		h.cleared = true
		_ = h.Conn.SetReadDeadline(time.Time{})
	}
}

// handshakeEnd returns the stream offset where the first command after
// the greeting ends, once enough of it is known.
func (h *handshakeConn) handshakeEnd() (int, bool) {
	if len(h.head) <= zmtpGreetingLen {
		return 0, false
	}
	flags := h.head[zmtpGreetingLen]
	if flags&0x02 == 0 { // short frame: one size byte
		if len(h.head) < zmtpGreetingLen+2 {
			return 0, false
		}
		return zmtpGreetingLen + 2 + int(h.head[zmtpGreetingLen+1]), true
	}
	if len(h.head) < zmtpGreetingLen+9 {
		return 0, false
	}
	size := zmtpSize(h.head[zmtpGreetingLen+1 : zmtpGreetingLen+9])
	if size > 1<<20 {
		return 0, false // no sane READY is this large; keep the deadline
	}
	return zmtpGreetingLen + 9 + int(size), true
}
