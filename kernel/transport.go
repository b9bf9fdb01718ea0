package kernel

import (
	"errors"
	"sync"

	"github.com/google/uuid"
)

// Socket is one kernel socket. Frames of a ROUTER socket start with the
// peer's identity frames; frames sent on a PUB socket start with the topic.
// Recv blocks until a message arrives or the socket is closed. Recv and Send
// may be called concurrently with each other; Close unblocks Recv.
type Socket interface {
	Recv() ([][]byte, error)
	Send(frames [][]byte) error
	Close() error
}

// Sockets are the five sockets of a kernel.
type Sockets struct {
	Shell, Control, Stdin, IOPub, HB Socket
}

func (s Sockets) closeAll() {
	for _, sk := range []Socket{s.Shell, s.Control, s.Stdin, s.IOPub, s.HB} {
		if sk != nil {
			_ = sk.Close()
		}
	}
}

// ErrClosed is returned by a closed in-memory socket.
var ErrClosed = errors.New("socket closed")

// memSocket is one end of an in-memory socket pair.
type memSocket struct {
	in, out chan [][]byte
	done    chan struct{} // closed when either end is closed
	once    *sync.Once
}

// NewMemPair returns two connected in-memory sockets: what one end sends,
// the other receives, in order. Sends never block (the queue is large) until
// the pair is closed; closing either end closes both. It stands in for a
// ZeroMQ socket and its client in tests: the client end of a ROUTER pair
// sends and receives identity frames explicitly.
func NewMemPair() (kernelEnd, clientEnd Socket) {
	a, b := make(chan [][]byte, 1<<14), make(chan [][]byte, 1<<14)
	done, once := make(chan struct{}), &sync.Once{}
	return &memSocket{in: a, out: b, done: done, once: once},
		&memSocket{in: b, out: a, done: done, once: once}
}

func (m *memSocket) Recv() ([][]byte, error) {
	select {
	case f := <-m.in:
		return f, nil
	case <-m.done:
		// Deliver what was queued before the close.
		select {
		case f := <-m.in:
			return f, nil
		default:
			return nil, ErrClosed
		}
	}
}

func (m *memSocket) Send(frames [][]byte) error {
	cp := make([][]byte, len(frames))
	for i, f := range frames {
		cp[i] = append([]byte(nil), f...)
	}
	select {
	case <-m.done:
		return ErrClosed
	default:
	}
	select {
	case m.out <- cp:
		return nil
	case <-m.done:
		return ErrClosed
	}
}

func (m *memSocket) Close() error {
	m.once.Do(func() { close(m.done) })
	return nil
}

func newID() string { return uuid.NewString() }
