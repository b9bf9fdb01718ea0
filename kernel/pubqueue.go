// pubqueue.go: the per-subscriber send queue of IOPub connections.

package kernel

import (
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gilgo/gilgo/internal/rawio"
)

// Default bounds of an IOPub subscriber's send queue (pubLimits).
const (
	pubQueueSoft  = 16 << 20 // bytes queued before large messages are dropped
	pubQueueHard  = 18 << 20 // bytes queued before every message is dropped
	pubQueueSmall = 16 << 10 // a message this small may use the reserve
	// pubWarnEvery is the least time between two warnings about one
	// subscriber's dropped messages.
	pubWarnEvery = time.Minute
)

// pubLimits bound the bytes queued for one IOPub subscriber. A message
// (or command) is queued whole or not at all: always when nothing is
// queued, when the queue stays within Soft with it, or, for a message of
// at most Small bytes, within Hard; commands (the handshake) always.
// The zero value means the defaults.
type pubLimits struct {
	Soft, Hard, Small int
}

func (l pubLimits) orDefaults() pubLimits {
	if l.Soft <= 0 {
		l.Soft = pubQueueSoft
	}
	if l.Hard < l.Soft {
		l.Hard = l.Soft + (pubQueueHard - pubQueueSoft)
	}
	if l.Small <= 0 {
		l.Small = pubQueueSmall
	}
	return l
}

// pubConfig is shared by the connections of one IOPub socket: their
// limits, the logger, and the live queues (for tests and diagnostics).
// Safe for concurrent use.
type pubConfig struct {
	limits pubLimits
	log    *slog.Logger
	warns  logLimit // all connections' warnings together

	mu     sync.Mutex
	queues map[*outQueue]struct{}
}

func newPubConfig(limits pubLimits, log *slog.Logger) *pubConfig {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &pubConfig{limits: limits.orDefaults(), log: log, queues: map[*outQueue]struct{}{}}
}

// pubQueueStats describe one subscriber's queue.
type pubQueueStats struct {
	Peer     string
	Bytes    int // queued, not yet written
	MaxBytes int // the most ever queued, the message being copied included
	Dropped  int // messages dropped
}

// stats returns the live queues' statistics.
func (c *pubConfig) stats() []pubQueueStats {
	c.mu.Lock()
	qs := make([]*outQueue, 0, len(c.queues))
	for q := range c.queues {
		qs = append(qs, q)
	}
	c.mu.Unlock()
	out := make([]pubQueueStats, 0, len(qs))
	for _, q := range qs {
		q.mu.Lock()
		out = append(out, pubQueueStats{Peer: q.peer, Bytes: q.bytes, MaxBytes: q.maxBytes, Dropped: q.dropped})
		q.mu.Unlock()
	}
	return out
}

// outQueue decouples one subscriber's connection from zmq4's PUB sender,
// which writes every message to each connection in turn: a subscriber
// that reads slowly or not at all would block the others and make zmq4's
// unbounded queue grow. add never blocks; a goroutine of the queue writes
// to the connection. Units (messages, commands) are kept or dropped whole
// (pubLimits), so the peer never sees part of a multipart message. Safe
// for concurrent use.
type outQueue struct {
	cfg  *pubConfig
	conn net.Conn
	raw  *rawio.Conn // conn with raw system calls; nil without a RawConn
	peer string

	mu       sync.Mutex
	msgs     [][]byte // whole units, oldest first
	bytes    int      // bytes of msgs and of the batch being written
	maxBytes int
	pending  []byte // the unit being added
	inUnit   bool
	dropping bool // the unit being added is dropped
	err      error
	closed   bool
	dropped  int // units dropped in all
	unwarned int // units dropped since the last warning
	warned   time.Time

	wake chan struct{} // 1-buffered
	done chan struct{} // closed when the writer has returned
}

func newOutQueue(cfg *pubConfig, conn net.Conn) *outQueue {
	q := &outQueue{cfg: cfg, conn: conn, raw: rawio.New(conn), peer: conn.RemoteAddr().String(),
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	cfg.mu.Lock()
	cfg.queues[q] = struct{}{}
	cfg.mu.Unlock()
	go q.run()
	return q
}

// add appends p to the unit being added; end says whether the unit ends
// with p, keep that it must not be dropped (a command).
func (q *outQueue) add(p []byte, end, keep bool) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return q.err
	}
	if q.closed {
		return net.ErrClosed
	}
	lim := q.cfg.limits
	if !q.inUnit {
		q.inUnit = true
		q.dropping = !keep && q.bytes >= lim.Hard
	}
	if !q.dropping {
		q.pending = append(q.pending, p...)
		q.maxBytes = max(q.maxBytes, q.bytes+len(q.pending))
	}
	if !end {
		return nil
	}
	unit := q.pending
	q.pending, q.inUnit = nil, false
	size := len(unit)
	if q.dropping || !(keep || q.bytes == 0 || q.bytes+size <= lim.Soft || (size <= lim.Small && q.bytes+size <= lim.Hard)) {
		q.dropLocked()
		return nil
	}
	q.msgs = append(q.msgs, unit)
	q.bytes += size
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// dropLocked counts a dropped unit and warns, at most once per
// pubWarnEvery for this peer (and within the socket's logLimit).
func (q *outQueue) dropLocked() {
	q.dropped++
	q.unwarned++
	now := time.Now()
	if !q.warned.IsZero() && now.Sub(q.warned) < pubWarnEvery {
		return
	}
	if notLogged, ok := q.cfg.warns.allow(now); ok {
		q.cfg.log.Warn("iopub: dropping messages for a subscriber that does not keep up",
			"peer", q.peer, "dropped", q.unwarned, "queued_bytes", q.bytes, "not_logged_before", notLogged)
		q.warned, q.unwarned = now, 0
	}
}

// run writes the queued units until the connection fails or is closed.
func (q *outQueue) run() {
	defer close(q.done)
	defer func() {
		q.cfg.mu.Lock()
		delete(q.cfg.queues, q)
		q.cfg.mu.Unlock()
	}()
	for range q.wake {
		q.mu.Lock()
		batch, closed := q.msgs, q.closed
		q.msgs = nil
		q.mu.Unlock()
		if closed {
			return
		}
		n := 0
		for _, b := range batch {
			n += len(b)
		}
		var err error
		if q.raw != nil {
			_, err = q.raw.Writev(&batch) // one writev for what accumulated
		} else {
			bufs := net.Buffers(batch)
			_, err = bufs.WriteTo(q.conn)
		}
		q.mu.Lock()
		if !q.closed {
			q.bytes -= n
		}
		if err != nil {
			q.err, q.msgs, q.bytes = err, nil, 0
		}
		q.mu.Unlock()
		if err != nil {
			q.conn.Close() // the reader side ends too, and zmq4 drops the peer
			return
		}
	}
}

// close drops what is queued and stops the writer; a write in progress
// ends when the caller closes the connection.
func (q *outQueue) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.msgs, q.pending, q.bytes = nil, nil, 0
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
	q.mu.Unlock()
}
