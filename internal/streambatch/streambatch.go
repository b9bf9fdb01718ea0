package streambatch

import (
	"strings"
	"sync"
	"time"
)

// Config holds a Batcher's timing and size knobs.
type Config struct {
	// Delay is how long text waits for more after the write that armed the
	// timer.
	Delay time.Duration
	// MaxDelay, when above Delay, makes the delay adaptive: a write that
	// arms the timer within twice the current delay of the timer's last
	// tick doubles the delay, up to MaxDelay; after a longer pause it is
	// Delay again. Otherwise the delay is always Delay.
	MaxDelay time.Duration
	// KeyLimit, when positive, flushes everything as soon as one key's
	// buffered text reaches KeyLimit bytes.
	KeyLimit int
	// Limit, when positive, flushes everything as soon as the text buffered
	// for all keys together reaches Limit bytes.
	Limit int
	// StopOnFlush makes every flush (Flush, or a limit reached) stop the
	// timer, so that text written after it waits a full delay. Without it
	// the timer, once armed, fires after its delay whatever was flushed
	// meanwhile, and the adaptive delay measures output by its ticks.
	StopOnFlush bool
}

// Batcher buffers text per key of type K. A value of type V rides with each
// key's first write since the last flush and is handed back to emit (the
// kernel keeps a request's header there). See the package documentation
// for the lock that guards it.
type Batcher[K comparable, V any] struct {
	// Config is read at every write; change it only with the lock held.
	Config Config

	mu      sync.Locker
	emit    func(key K, val V, text string)
	pending []*piece[K, V] // in order of first write
	size    int            // bytes in pending
	timer   *time.Timer
	armed   bool
	delay   time.Duration // the current delay; 0 until the timer is first armed
	ticked  time.Time     // when the timer last fired
}

type piece[K comparable, V any] struct {
	key  K
	val  V
	text strings.Builder
}

// New returns a Batcher guarded by mu that hands each flushed piece of text
// to emit, with mu held.
func New[K comparable, V any](mu sync.Locker, cfg Config, emit func(key K, val V, text string)) *Batcher[K, V] {
	return &Batcher[K, V]{Config: cfg, mu: mu, emit: emit}
}

// Write buffers text for key; val is kept if key has text buffered already.
// It flushes everything when a limit is reached, and otherwise arms the
// timer if it is idle. Empty text is ignored. Call it with the lock held.
func (b *Batcher[K, V]) Write(key K, val V, text string) {
	if text == "" {
		return
	}
	var p *piece[K, V]
	for _, q := range b.pending {
		if q.key == key {
			p = q
			break
		}
	}
	if p == nil {
		p = &piece[K, V]{key: key, val: val}
		b.pending = append(b.pending, p)
	}
	p.text.WriteString(text)
	b.size += len(text)
	if (b.Config.KeyLimit > 0 && p.text.Len() >= b.Config.KeyLimit) ||
		(b.Config.Limit > 0 && b.size >= b.Config.Limit) {
		b.flush()
		return
	}
	if !b.armed {
		b.armed = true
		b.delay = nextDelay(b.Config, b.delay, time.Since(b.ticked))
		if b.timer == nil {
			b.timer = time.AfterFunc(b.delay, b.tick)
		} else {
			b.timer.Reset(b.delay)
		}
	}
}

// nextDelay is the delay of a timer armed sinceTick after the last tick,
// when the previous delay was cur (0: none yet).
func nextDelay(cfg Config, cur, sinceTick time.Duration) time.Duration {
	switch {
	case cur == 0 || sinceTick > 2*cur:
		return cfg.Delay
	case cur < cfg.MaxDelay:
		return min(2*cur, cfg.MaxDelay)
	}
	return cur
}

// Flush hands everything buffered to emit now, in order of first write.
// Call it with the lock held.
func (b *Batcher[K, V]) Flush() { b.flush() }

// Stop stops the timer without flushing; the next write arms it again.
// Call it with the lock held.
func (b *Batcher[K, V]) Stop() {
	b.armed = false
	if b.timer != nil {
		b.timer.Stop()
	}
}

func (b *Batcher[K, V]) flush() {
	if b.Config.StopOnFlush {
		b.Stop()
	}
	for _, p := range b.pending {
		b.emit(p.key, p.val, p.text.String())
	}
	clear(b.pending)
	b.pending, b.size = b.pending[:0], 0
}

func (b *Batcher[K, V]) tick() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.armed = false
	b.ticked = time.Now()
	b.flush()
}
