package kernel

import (
	"context"
	"fmt"
	"time"

	"github.com/go-zeromq/zmq4"
)

// zmqSendTimeout bounds a blocked socket write (a peer that stopped reading).
const zmqSendTimeout = 10 * time.Second

// pubLinger is how long closing IOPub waits for zmq4's sender goroutine to
// write what was queued (the last status: idle); zmq4 has no linger option.
const pubLinger = 100 * time.Millisecond

// zmqSocket adapts a zmq4 socket to Socket.
type zmqSocket struct {
	s      zmq4.Socket
	linger time.Duration
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
func listenZMQ(ctx context.Context, info ConnectionInfo) (Sockets, error) {
	var socks Sockets
	opts := []zmq4.Option{zmq4.WithTimeout(zmqSendTimeout)}
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
	for _, sp := range specs {
		s := sp.mk(ctx, opts...)
		ep := info.endpoint(sp.port)
		if err := s.Listen(ep); err != nil {
			_ = s.Close()
			socks.closeAll()
			return Sockets{}, fmt.Errorf("listen %s on %s: %w", sp.name, ep, err)
		}
		zs := zmqSocket{s: s}
		if sp.name == "iopub" {
			zs.linger = pubLinger
		}
		*sp.dst = zs
	}
	return socks, nil
}
