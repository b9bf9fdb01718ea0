package kernel

import (
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"
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

	// Stream batching knobs; tests may change them before start.
	interval, maxInterval time.Duration
	batchSize             int

	mu       sync.Mutex
	queue    [][][]byte
	wake     chan struct{} // 1-buffered: queue is non-empty
	streams  []*streamBuf  // in order of first write
	timer    *time.Timer
	armed    bool
	curDelay time.Duration
	lastTick time.Time
	closed   bool
	done     chan struct{}
}

type streamBuf struct {
	parent   json.RawMessage
	parentID string
	name     string
	text     strings.Builder
}

func newPublisher(sock Socket, sign *signer, session string, log *slog.Logger) *publisher {
	return &publisher{
		sock: sock, sign: sign, session: session, log: log,
		interval: streamInterval, maxInterval: streamMaxInterval, batchSize: streamBatchSize,
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
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
	p.flushLocked()
	p.closed = true
	if p.timer != nil {
		p.timer.Stop()
	}
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
	p.flushLocked()
	p.enqueueLocked(parent, msgType, content)
}

func (p *publisher) enqueueLocked(parent json.RawMessage, msgType string, content any) {
	frames, err := encode(&outMsg{
		Identities: [][]byte{[]byte("kernel." + p.session + "." + msgType)},
		Header:     newHeader(msgType, p.session, time.Now()),
		Parent:     parent,
		Content:    content,
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
		p.flushLocked()
	}
}

func (p *publisher) flushLocked() {
	for _, s := range p.streams {
		if s.text.Len() > 0 {
			p.enqueueLocked(s.parent, "stream", map[string]any{"name": s.name, "text": s.text.String()})
		}
	}
	p.streams = p.streams[:0]
}

// stream buffers text for the stream name of the request parent.
func (p *publisher) stream(parent json.RawMessage, parentID, name, text string) {
	if text == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	var buf *streamBuf
	for _, s := range p.streams {
		if s.parentID == parentID && s.name == name {
			buf = s
			break
		}
	}
	if buf == nil {
		buf = &streamBuf{parent: parent, parentID: parentID, name: name}
		p.streams = append(p.streams, buf)
	}
	buf.text.WriteString(text)
	if buf.text.Len() >= p.batchSize {
		p.flushLocked()
		return
	}
	if !p.armed {
		p.armed = true
		now := time.Now()
		// Output that keeps coming waits longer, up to maxInterval.
		switch {
		case p.curDelay == 0 || now.Sub(p.lastTick) > 2*p.curDelay:
			p.curDelay = p.interval
		case p.curDelay < p.maxInterval:
			p.curDelay = min(2*p.curDelay, p.maxInterval)
		}
		if p.timer == nil {
			p.timer = time.AfterFunc(p.curDelay, p.tick)
		} else {
			p.timer.Reset(p.curDelay)
		}
	}
}

func (p *publisher) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = false
	p.lastTick = time.Now()
	if !p.closed {
		p.flushLocked()
	}
}
