package kernel

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

// TestOutQueueAdmission: with a peer that reads nothing, units are
// queued or dropped whole by the limits, commands are always queued, and
// once the peer reads it gets exactly the queued units, in order.
func TestOutQueueAdmission(t *testing.T) {
	lim := pubLimits{Soft: 100, Hard: 150, Small: 10}
	type unit struct {
		size int
		cmd  bool
		kept bool
	}
	tests := []struct {
		name  string
		units []unit
	}{
		{"first unit whatever its size", []unit{{500, false, true}, {1, false, false}, {3, true, true}}},
		{"soft then reserve then nothing", []unit{
			{60, false, true},
			{50, false, false}, // 110 > soft, not small
			{30, false, true},  // 90
			{10, false, true},  // 100 = soft
			{8, false, true},   // small: 108 within hard
			{11, false, false}, // not small
			{10, false, true},  // 118
			{40, true, true},   // a command: 158
			{1, false, false},  // over hard
			{5, true, true},    // commands still go
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kernelEnd, peer := net.Pipe()
			defer peer.Close()
			cfg := newPubConfig(lim, nil)
			q := newOutQueue(cfg, kernelEnd)
			var want []byte
			queued := 0
			for i, u := range tc.units {
				b := bytes.Repeat([]byte{byte('a' + i)}, u.size)
				// Two pieces, as zmq4 writes header and body.
				if err := q.add(b[:u.size/2], false, u.cmd); err != nil {
					t.Fatal(err)
				}
				if err := q.add(b[u.size/2:], true, u.cmd); err != nil {
					t.Fatal(err)
				}
				if u.kept {
					want = append(want, b...)
					queued += u.size
				}
				st := cfg.stats()
				if len(st) != 1 || st[0].Bytes != queued {
					t.Fatalf("unit %d: stats %+v, want %d bytes queued", i, st, queued)
				}
			}
			dropped := 0
			for _, u := range tc.units {
				if !u.kept {
					dropped++
				}
			}
			if st := cfg.stats(); st[0].Dropped != dropped {
				t.Errorf("dropped: got %d, want %d", st[0].Dropped, dropped)
			}
			got := make([]byte, len(want))
			if _, err := io.ReadFull(peer, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("peer read %q, want %q", got, want)
			}
			q.close()
			kernelEnd.Close()
			<-q.done
		})
	}
}

// TestZMTPWriterQueueWholeMessages: through a zmtpWriter with a queue and
// a stalled peer, whatever is dropped, the peer reads the greeting, the
// command and a sequence of whole messages, each one of those written.
func TestZMTPWriterQueueWholeMessages(t *testing.T) {
	kernelEnd, peer := net.Pipe()
	defer peer.Close()
	cfg := newPubConfig(pubLimits{Soft: 4000, Hard: 5000, Small: 100}, nil)
	q := newOutQueue(cfg, kernelEnd)
	z := &zmtpWriter{conn: kernelEnd, queue: q, greetLeft: zmtpGreetingLen}
	var stream bytes.Buffer
	write := func(p []byte) {
		stream.Write(p)
		if _, err := z.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	write(nullGreeting())
	ready := []byte("\x05READY")
	write(zmtpFrame(ready, false, true))
	write(ready)
	var sent [][]byte // each message's bytes
	for i := range 200 {
		start := stream.Len()
		nf := 1 + i%5
		for j := range nf {
			body := bytes.Repeat([]byte{byte(i)}, (i*37+j*101)%700)
			write(zmtpFrame(body, j < nf-1, false))
			write(body)
		}
		sent = append(sent, append([]byte(nil), stream.Bytes()[start:]...))
	}
	st := cfg.stats()[0]
	if st.Dropped == 0 {
		t.Fatal("nothing dropped: the test does not exercise the limits")
	}
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(peer); got <- b }()
	waitFor(t, func() bool { return cfg.stats()[0].Bytes == 0 })
	q.close()
	kernelEnd.Close()
	<-q.done
	out := <-got
	head := stream.Bytes()[:zmtpGreetingLen+2+len(ready)]
	if !bytes.HasPrefix(out, head) {
		t.Fatalf("the greeting and READY did not come first")
	}
	rest := out[len(head):]
	next := 0
	for len(rest) > 0 {
		matched := false
		for next < len(sent) {
			m := sent[next]
			next++
			if bytes.HasPrefix(rest, m) {
				rest, matched = rest[len(m):], true
				break
			}
		}
		if !matched {
			t.Fatalf("%d bytes left that are not a whole message written, in order", len(rest))
		}
	}
	if kept := len(sent) - st.Dropped; next < kept {
		t.Errorf("the peer read at most %d messages, %d were kept", next, kept)
	}
}

// stalledSubscriber connects to a PUB port with a raw ZMTP handshake,
// subscribes to everything and never reads.
func stalledSubscriber(t *testing.T, port int) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		// A small receive buffer: the peer stalls sooner.
		return c.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10)
		})
	}}
	conn, err := d.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var ready []byte
	ready = append(ready, 5)
	ready = append(ready, "READY"...)
	for _, p := range [][2]string{{"Socket-Type", "SUB"}, {"Identity", ""}} {
		ready = append(ready, byte(len(p[0])))
		ready = append(ready, p[0]...)
		ready = binary.BigEndian.AppendUint32(ready, uint32(len(p[1])))
		ready = append(ready, p[1]...)
	}
	var hello []byte
	hello = append(hello, nullGreeting()...)
	hello = append(hello, zmtpCommand, byte(len(ready)))
	hello = append(hello, ready...)
	hello = append(hello, 0, 1, 1) // a message of one frame: subscribe to ""
	if _, err := conn.Write(hello); err != nil {
		t.Fatal(err)
	}
	return conn
}

// syncBuffer is a bytes.Buffer safe for concurrent use (a log sink).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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

// TestZMQStalledSubscriber: an IOPub subscriber that never reads does not
// hold up another one, which gets every message of a cell that shows more
// than the stalled peer's buffers and queue hold, up to its idle status;
// the stalled peer's queue stays within its bounds and its drops are
// logged with its address. (zmq4 writes each message to one connection
// after the other: the live client got nothing more once the stalled
// peer's TCP buffers were full.)
func TestZMQStalledSubscriber(t *testing.T) {
	const (
		nmsg    = 32
		msgSize = 512 << 10
	)
	// Room for a message being written and the next one: the live
	// client's queue never drops.
	lim := pubLimits{Soft: 4 * msgSize, Hard: 4*msgSize + 256<<10, Small: 16 << 10}
	got := make(chan struct{}, nmsg)
	quit := make(chan struct{})
	defer close(quit)
	fi := newFake()
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		if req.Code != "flood" {
			return engine.ExecuteResult{}
		}
		text := strings.Repeat("x", msgSize)
		for range nmsg {
			out.Display(engine.MIMEBundle{"text/plain": text}, nil, "", false)
			// One message at a time for the live client, so that its own
			// queue never fills: this test is about the stalled one.
			select {
			case <-got:
			case <-quit:
				return engine.ExecuteResult{}
			}
		}
		return engine.ExecuteResult{}
	}
	var logged syncBuffer
	k, info := newZMQKernelWith(t, "tcp", fi, Options{
		Logger:      slog.New(slog.NewTextHandler(&logged, nil)),
		iopubLimits: lim,
	})
	pub := k.socks.IOPub.(zmqSocket).pub
	c := attach(t, k, dialClient(t, info))
	c.awaitSubscribed()

	stalled := stalledSubscriber(t, info.IOPubPort)
	peer := stalled.LocalAddr().String()
	stats := func() (pubQueueStats, bool) {
		for _, s := range pub.stats() {
			if s.Peer == peer {
				return s, true
			}
		}
		return pubQueueStats{}, false
	}
	// Subscribed once a status reaches its queue (beyond the handshake).
	waitFor(t, func() bool {
		h := c.send(c.shell, "kernel_info_request", nil)
		c.recv(c.shell)
		c.untilIdle(h.MsgID)
		s, ok := stats()
		return ok && s.MaxBytes > 200
	})

	h := c.send(c.shell, "execute_request", map[string]any{"code": "flood"})
	displays := 0
	for done := false; !done; {
		m := c.recv(c.iopub)
		if parentID(m) != h.MsgID {
			continue
		}
		switch m.Header.MsgType {
		case "display_data":
			displays++
			got <- struct{}{}
		case "status":
			done = c.content(m)["execution_state"] == "idle"
		}
	}
	if r := c.recv(c.shell); parentID(r) != h.MsgID {
		t.Errorf("reply: got %s", r.Header.MsgType)
	}
	if displays != nmsg {
		t.Errorf("live client: got %d display_data, want %d", displays, nmsg)
	}
	s, ok := stats()
	if !ok {
		t.Fatal("the stalled peer's queue is gone")
	}
	t.Logf("stalled peer: %d messages dropped, at most %d bytes queued (limits %+v)", s.Dropped, s.MaxBytes, lim)
	if s.Dropped == 0 {
		t.Errorf("stalled peer: nothing dropped (%+v)", s)
	}
	if bound := lim.Hard + 2*(msgSize+64<<10); s.MaxBytes > bound {
		t.Errorf("stalled peer: %d bytes queued at most, want at most %d", s.MaxBytes, bound)
	}
	if log := logged.String(); !strings.Contains(log, "iopub: dropping messages") || !strings.Contains(log, "peer="+peer) {
		t.Errorf("no warning naming the peer %s in the log:\n%s", peer, log)
	}
}
