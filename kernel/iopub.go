package kernel

import (
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/gilgo/gilgo/internal/streambatch"
)

// publisher owns the IOPub socket: one goroutine sends, everyone else
// hands it messages through an unbounded queue, so publishing never blocks
// a cell. It also batches stream text per (parent, name). Safe for
// concurrent use.
type publisher struct {
	sock    Socket
	sign    *signer
	session string
	log     *slog.Logger

	mu    sync.Mutex
	queue [][][]byte
	wake  chan struct{} // 1-buffered: queue is non-empty
	// streams batches stream text under mu; tests change its Config
	// before the first stream write.
	streams *streambatch.Batcher[streamKey, json.RawMessage]
	closed  bool
	done    chan struct{}
}

// streamKey names the text of one stream of one request; the batcher
// carries the request's header with it.
type streamKey struct{ parentID, name string }

func newPublisher(sock Socket, sign *signer, session string, log *slog.Logger) *publisher {
	p := &publisher{
		sock: sock, sign: sign, session: session, log: log,
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	p.streams = streambatch.New(&p.mu, streambatch.Config{
		Delay: streamInterval, MaxDelay: streamMaxInterval, KeyLimit: streamBatchSize,
	}, func(k streamKey, parent json.RawMessage, text string) {
		p.enqueueLocked(parent, "stream", map[string]any{"name": k.name, "text": text})
	})
	return p
}

func (p *publisher) start() { go p.run() }

func (p *publisher) run() {
	defer close(p.done)
	for {
		<-p.wake
		p.mu.Lock()
		q, closed := p.queue, p.closed
		p.queue = nil
		p.mu.Unlock()
		for _, frames := range q {
			if err := p.sock.Send(frames); err != nil {
				p.log.Warn("publish", "err", err)
			}
		}
		if closed {
			return
		}
	}
}

// close publishes what is buffered and waits for the sender to finish.
// Later publications are dropped.
func (p *publisher) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.streams.Flush()
	p.closed = true
	p.streams.Stop()
	p.signalLocked()
	p.mu.Unlock()
	<-p.done
}

func (p *publisher) signalLocked() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// publish flushes buffered stream text, then queues one message.
func (p *publisher) publish(parent json.RawMessage, msgType string, content any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.streams.Flush()
	p.enqueueLocked(parent, msgType, content)
}

// publishMsg is publish with the message's metadata and binary buffers.
func (p *publisher) publishMsg(parent json.RawMessage, msgType string, content, metadata any, buffers [][]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.streams.Flush()
	p.enqueueFullLocked(parent, msgType, content, metadata, buffers)
}

func (p *publisher) enqueueLocked(parent json.RawMessage, msgType string, content any) {
	p.enqueueFullLocked(parent, msgType, content, nil, nil)
}

func (p *publisher) enqueueFullLocked(parent json.RawMessage, msgType string, content, metadata any, buffers [][]byte) {
	frames, err := encode(&outMsg{
		Identities: [][]byte{[]byte("kernel." + p.session + "." + msgType)},
		Header:     newHeader(msgType, p.session, time.Now()),
		Parent:     parent,
		Metadata:   metadata,
		Content:    content,
		Buffers:    buffers,
	}, p.sign)
	if err != nil {
		p.log.Error("encode iopub message", "msg_type", msgType, "err", err)
		return
	}
	p.queue = append(p.queue, frames)
	p.signalLocked()
}

// flush publishes all buffered stream text now.
func (p *publisher) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.streams.Flush()
	}
}

// stream buffers text for the stream name of the request parent.
func (p *publisher) stream(parent json.RawMessage, parentID, name, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.streams.Write(streamKey{parentID, name}, parent, text)
	}
}
