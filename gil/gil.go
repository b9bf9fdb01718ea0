package gil

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// ErrInterrupted is the value a check point panics with after Interrupt.
// The runtime recognises it with errors.Is.
var ErrInterrupted = errors.New("interrupted")

// RecursionError is the value Enter panics with when a thread's call depth
// would pass the recursion limit.
type RecursionError struct {
	Limit int    // the limit in force
	Tag   string // the thread's tag
}

func (e *RecursionError) Error() string { return "maximum recursion depth exceeded" }

// Defaults.
const (
	DefaultSwitchInterval = 5 * time.Millisecond
	// DefaultMonitorDelay is how long Enable waits for displaced threads
	// when the monitor is off, and the monitor's shortest default delay
	// when the Lock has no Busy; with one it is twice the switch interval
	// (Options.MonitorDelay).
	DefaultMonitorDelay   = 20 * time.Millisecond
	DefaultRecursionLimit = 10000
)

// Options configure a Lock. The zero value gives the defaults.
type Options struct {
	// SwitchInterval is how long a waiter waits before it sets a drop
	// request (sys.setswitchinterval). Default 5 ms.
	SwitchInterval time.Duration
	// MonitorDelay is how long a drop request may stay unanswered (wall-clock
	// mode), or a holder may pass no check point while others wait
	// (deterministic mode), before the monitor hands the lock to a waiter.
	// Default twice the switch interval (10 ms with the default interval,
	// following SetSwitchInterval), so a waiter behind a parked holder
	// waits about three switch intervals; at least DefaultMonitorDelay
	// when Busy is nil (the monitor cannot tell a running holder from a
	// parked one then); negative disables the monitor (tests only: a
	// parked holder then blocks the others).
	MonitorDelay time.Duration
	// RecursionLimit is the initial maximum call depth (Enter). Default 10000.
	RecursionLimit int
	// Now is the clock for statistics and traces. Default time.Now. Lock
	// timing (waits, the monitor) always uses the real clock.
	Now func() time.Time
	// OnPanic is called by Go when the goroutine's function panics with a
	// value other than ErrInterrupted, on that goroutine, still holding the
	// lock (released right after). Without it the panic is logged.
	OnPanic func(t *Thread, value any, stack []byte)
	// Logger receives debug records (monitor hand-offs). Default: discard.
	Logger *slog.Logger
	// Busy, if set, is asked by the monitor before it hands the lock on:
	// true means the holder is not parked but running (for example
	// compiling, or computing in compiled code), so the lock is not taken
	// from it (taking it would let two goroutines run interpreted code at
	// once); the monitor asks again after MonitorDelay. It is called
	// without the lock's internal mutex held, from a waiting goroutine.
	Busy func() bool
}

// unset marks a Thread timestamp that is not running.
const unset = time.Duration(-1)

// clock is the time since New on the Options.Now clock, or on the
// monotonic clock (cheaper than time.Now: no wall-clock read).
func (l *Lock) clock() time.Duration {
	if l.fake != nil {
		return l.fake().Sub(l.base)
	}
	return time.Since(l.base)
}

// breaker bits: any set bit sends check points to the slow path.
const (
	bitDrop      uint32 = 1 << iota // a drop request is pending
	bitInterrupt                    // Interrupt was called
	bitDisplaced                    // some thread lost the lock without dropping it
	bitCount                        // deterministic mode: count every check point
)

type threadState uint8

const (
	stIdle      threadState = iota // not holding, not waiting
	stWaiting                      // in Acquire
	stHolding                      // holds the lock
	stFree                         // running while the GIL is disabled
	stBlocked                      // released around a blocking call
	stDisplaced                    // was holding; the monitor (or Enable) took the lock away
	stExited                       // Close was called
)

var stateNames = [...]string{"idle", "waiting", "holding", "free", "blocked", "displaced", "exited"}

func (s threadState) String() string { return stateNames[s] }

// Lock is a global interpreter lock. Create one with New; the zero value is
// not usable. All methods of Lock are safe for concurrent use.
type Lock struct {
	breaker uint32 // eval breaker bits; atomic access only (see Breaker)
	limit   atomic.Int64

	fake         func() time.Time // Options.Now, or nil for the monotonic clock
	base         time.Time        // clock() == 0
	onPanic      func(*Thread, any, []byte)
	log          *slog.Logger
	monitorDelay time.Duration
	busy         func() bool

	mirMu   sync.Mutex                // serialises writes to mirrors
	mirrors atomic.Pointer[[]*Mirror] // copy on write, under mirMu

	ids     sync.Map               // goroutine id -> *binding (Bind, Adopt)
	holderP atomic.Pointer[Thread] // l.holder, readable without l.mu

	off atomic.Bool // !enabled, readable without l.mu (Enabled)

	mu           sync.Mutex
	enabled      bool
	interval     time.Duration
	locked       bool
	holder       *Thread
	lastHolder   *Thread
	switchNumber uint64
	dropPending  bool
	dropAt       time.Time // real clock, when the pending drop request was set
	qhead, qtail *Thread   // the waiters, first come first (wait.go)
	nwait        int       // their number
	steps        uint64    // waiters visited or linked (tests: no scans)
	wakes        uint64    // times a waiter woke up (tests: no broadcasts)
	contendedAt  time.Time // real clock: the holder's turn became contended
	detProgress  uint64    // deterministic mode: holder's check points then
	timer        *time.Timer
	timerArmed   bool
	timerAt      time.Time
	epoch        uint64 // Interrupt calls; a thread of an older epoch is doomed
	intrBit      bool   // bitInterrupt is set in the breaker
	det          bool
	every        int
	seed         int64
	rng          *rand.Rand
	displacedN   int
	busyUntil    time.Time // real clock: Busy said true, do not ask again before
	nextID       int64
	threads      map[int64]*Thread
	exited       []ThreadStats
	stats        Stats
	trace        *Trace
	interrupted  bool
	intrCh       chan struct{}
}

// New returns an enabled Lock in wall-clock mode.
func New(opts Options) *Lock {
	l := &Lock{
		fake:         opts.Now,
		onPanic:      opts.OnPanic,
		log:          opts.Logger,
		monitorDelay: opts.MonitorDelay,
		busy:         opts.Busy,
		enabled:      true,
		interval:     opts.SwitchInterval,
		threads:      make(map[int64]*Thread),
		intrCh:       make(chan struct{}),
	}
	if l.fake != nil {
		l.base = l.fake()
	} else {
		l.base = time.Now()
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.interval <= 0 {
		l.interval = DefaultSwitchInterval
	}
	lim := opts.RecursionLimit
	if lim <= 0 {
		lim = DefaultRecursionLimit
	}
	l.limit.Store(int64(lim))
	l.stats.Since = l.base
	return l
}

// Thread is the per-goroutine state of the lock (CPython's thread state).
// A Thread belongs to one goroutine at a time: its methods must not be
// called concurrently with each other, except Stats-like reads documented
// as safe (ID, Tag, Done). It may be handed from one goroutine to another
// (a generator body running inside its caller's turn) with no other
// synchronisation than the hand-off itself.
type Thread struct {
	l     *Lock
	id    int64
	tag   string
	done  chan struct{}
	depth int // owned by the goroutine using the thread
	count int // check points since the last switch (deterministic mode)

	progress atomic.Uint64 // check points passed, read by the monitor
	gid      atomic.Uint64 // goroutine recorded by the last Bind, 0 if none
	bindSeq  atomic.Uint64 // bumped by Bind, Adopt, Unbind (see binding)
	pending  atomic.Bool   // adopted by a goroutine not recorded yet (Adopt)

	// Under l.mu.
	state        threadState
	wake         chan struct{}
	qprev, qnext *Thread // neighbours in the lock's queue of waiters
	queued       bool
	fn           func()        // Go's function until the thread starts (granted the lock)
	epoch        uint64        // l.epoch at NewThread (see Lock.doomed)
	waitStart    time.Duration // clock() when it started waiting, or unset
	holdStart    time.Duration // clock() when it took the lock, or unset
	st           ThreadStats
}

// NewThread registers a new thread state. tag names it in statistics and
// traces (for example the cell that started it). The thread starts idle.
func (l *Lock) NewThread(tag string) *Thread {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.newThreadLocked(tag)
}

func (l *Lock) newThreadLocked(tag string) *Thread {
	l.nextID++
	t := &Thread{l: l, id: l.nextID, tag: tag, done: make(chan struct{}), wake: make(chan struct{}, 1), epoch: l.epoch, waitStart: unset, holdStart: unset}
	t.st.ID, t.st.Tag = t.id, tag
	l.threads[t.id] = t
	if l.trace != nil {
		l.trace.addThread(t)
	}
	return t
}

// ID is the thread's number, unique within its Lock. Safe for concurrent use.
func (t *Thread) ID() int64 { return t.id }

// Tag is the name given to NewThread. Safe for concurrent use.
func (t *Thread) Tag() string { return t.tag }

// Breaker returns the lock's eval breaker word, for inline check points in
// rewritten code: it is zero while check points may take the fast path.
// Read it only with an atomic load (or a plain load where a stale value is
// harmless and no race detector runs); never write it.
func (l *Lock) Breaker() *uint32 { return &l.breaker }

// Lock returns the lock the thread belongs to.
func (t *Thread) Lock() *Lock { return t.l }

// Done is closed by Close (and when a goroutine started by Go ends).
// Safe for concurrent use.
func (t *Thread) Done() <-chan struct{} { return t.done }

// Close releases the lock if the thread holds it and retires the thread:
// its statistics move to the lock's list of exited threads. Calling Close
// twice is harmless.
func (t *Thread) Close() {
	l := t.l
	l.mu.Lock()
	if t.state == stExited {
		l.mu.Unlock()
		return
	}
	l.releaseAnyLocked(t)
	t.state = stExited
	delete(l.threads, t.id)
	l.exited = append(l.exited, t.st)
	if len(l.exited) > maxExited {
		l.exited = append(l.exited[:0], l.exited[len(l.exited)-maxExited:]...)
	}
	l.mu.Unlock()
	t.Unbind()
	close(t.done)
}

const maxExited = 256

// ----------------------------------------------------------------------
// Check points.

// Checkpoint is the eval breaker, called at function entry, loop back-edges
// and after calls. On the fast path (no drop request, interrupt, displaced
// thread or deterministic schedule) it is one atomic load. Otherwise it
// honours a drop request (forced switching), re-acquires a lock the monitor
// took away, counts check points in deterministic mode, and panics with
// ErrInterrupted after Interrupt (holding the lock).
func (t *Thread) Checkpoint() {
	if atomic.LoadUint32(&t.l.breaker) != 0 {
		t.checkpointSlow()
	}
}

func (t *Thread) checkpointSlow() {
	l := t.l
	b := atomic.LoadUint32(&l.breaker)
	t.progress.Add(1)
	if b&(bitDisplaced|bitInterrupt) != 0 {
		l.mu.Lock()
		if t.state == stDisplaced {
			l.acquireLocked(t)
		}
		intr := l.stopping(t)
		l.mu.Unlock()
		if intr {
			panic(ErrInterrupted)
		}
	}
	if b&bitCount != 0 {
		t.count++
		l.mu.Lock()
		if l.det && l.holder == t && t.count >= l.every {
			t.count = 0
			if l.nwait > 0 {
				l.stats.DropRequests++
				l.event(t, EvDropRequest)
				l.dropLocked(t)
			}
		}
		l.mu.Unlock()
		return
	}
	if b&bitDrop != 0 {
		l.mu.Lock()
		if l.dropPending && l.holder == t {
			l.dropLocked(t)
		}
		l.mu.Unlock()
	}
}

// dropLocked honours a drop request (forced switching): the lock goes to
// a waiter and t waits behind the others, so it cannot take the lock back
// before another thread took it. With nobody waiting (the requester left)
// t keeps the lock.
func (l *Lock) dropLocked(t *Thread) {
	if l.nwait == 0 {
		l.clearDropLocked()
		return
	}
	l.stats.ForcedSwitches++
	t.st.ForcedSwitches++
	l.releaseLocked(t)
	l.acquireLocked(t)
}

// Enter is called at function entry: it counts the call depth, panics with
// *RecursionError past the limit (without counting the refused call), and
// then acts as Checkpoint. Pair it with a deferred Exit registered after
// Enter returned.
func (t *Thread) Enter() {
	t.depth++
	if int64(t.depth) > t.l.limit.Load() || atomic.LoadUint32(&t.l.breaker) != 0 {
		t.enterSlow()
	}
}

func (t *Thread) enterSlow() {
	if lim := t.l.limit.Load(); int64(t.depth) > lim {
		t.depth--
		panic(&RecursionError{Limit: int(lim), Tag: t.tag})
	}
	t.checkpointSlow()
}

// Exit undoes one Enter.
func (t *Thread) Exit() {
	if t.depth > 0 {
		t.depth--
	}
}

// Depth is the current call depth counted by Enter and Exit.
func (t *Thread) Depth() int { return t.depth }

// SetRecursionLimit sets the maximum call depth; n must be positive.
func (l *Lock) SetRecursionLimit(n int) error {
	if n <= 0 {
		return fmt.Errorf("recursion limit must be greater or equal than 1, got %d", n)
	}
	l.limit.Store(int64(n))
	return nil
}

// RecursionLimit returns the maximum call depth.
func (l *Lock) RecursionLimit() int { return int(l.limit.Load()) }

// ----------------------------------------------------------------------
// Blocking calls.

// BeginBlocking gives the lock up before a blocking call (sleep, channel
// operation, sync wait, I/O). It panics with ErrInterrupted, still holding
// the lock, if an interrupt is pending.
func (t *Thread) BeginBlocking() {
	l := t.l
	l.mu.Lock()
	if (t.state == stHolding || t.state == stFree) && l.stopping(t) {
		l.mu.Unlock()
		panic(ErrInterrupted)
	}
	switch t.state {
	case stHolding:
		l.stats.VoluntaryReleases++
		t.st.VoluntaryReleases++
		l.releaseLocked(t)
	case stDisplaced:
		l.undisplaceLocked(t)
	case stWaiting:
		l.removeWaiter(t)
	}
	t.state = stBlocked
	l.event(t, EvBlockBegin)
	l.mu.Unlock()
}

// EndBlocking re-acquires the lock after a blocking call. It panics with
// ErrInterrupted, holding the lock, if an interrupt is pending.
func (t *Thread) EndBlocking() {
	if t.endBlocking() {
		panic(ErrInterrupted)
	}
}

func (t *Thread) endBlocking() (interrupted bool) {
	l := t.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.state == stBlocked {
		t.state = stIdle
		l.event(t, EvBlockEnd)
	}
	l.acquireLocked(t)
	return l.stopping(t)
}

// Blocking runs f without the lock: BeginBlocking, f, EndBlocking. If f
// panics, the lock is re-acquired and the panic goes on.
func (t *Thread) Blocking(f func()) {
	t.BeginBlocking()
	ok := false
	defer func() {
		if !ok {
			t.endBlocking()
		}
	}()
	f()
	ok = true
	t.EndBlocking()
}

// ----------------------------------------------------------------------
// Goroutines.

// Go runs f on a new goroutine as a new thread tagged tag, bound to that
// goroutine (see Bind), and returns the thread. The thread is queued for
// the lock before Go returns, so spawns made by a holder keep their order
// in deterministic mode; its goroutine starts when the lock is granted to
// it (a queued thread costs no goroutine and no stack). A panic in f is
// passed to Options.OnPanic (not for ErrInterrupted) and never crosses the
// goroutine; the lock is released and the thread closed when f ends.
func (l *Lock) Go(tag string, f func()) *Thread {
	l.mu.Lock()
	t := l.newThreadLocked(tag)
	start := true
	if l.enabled {
		if !l.locked && l.nwait == 0 {
			l.takeLocked(t)
		} else {
			t.fn = f
			l.addWaiter(t)
			start = false
		}
	}
	l.mu.Unlock()
	if start {
		go t.run(f)
	}
	return t
}

func (t *Thread) run(f func()) {
	t.Bind()
	defer t.Close()
	defer func() {
		if r := recover(); r != nil {
			if err, ok := r.(error); ok && errors.Is(err, ErrInterrupted) {
				return
			}
			if t.l.onPanic != nil {
				t.l.onPanic(t, r, debug.Stack())
			} else {
				t.l.log.Error("gil: panic in goroutine", "thread", t.id, "tag", t.tag, "value", fmt.Sprint(r))
			}
		}
	}()
	t.Acquire()
	f()
}

// Run runs f on the calling goroutine as a new thread tagged tag: bound,
// holding the lock while f runs, closed afterwards. Use it for interpreted
// callbacks that compiled code calls on goroutines of its own. Panics
// propagate after the lock is released.
func (l *Lock) Run(tag string, f func()) {
	t := l.NewThread(tag)
	t.Bind()
	defer t.Close()
	t.Acquire()
	f()
}

// ----------------------------------------------------------------------
// Configuration.

// Enabled reports whether the GIL is on: one atomic load, so hot paths
// may ask.
func (l *Lock) Enabled() bool { return !l.off.Load() }

// Disable switches to free-threaded mode: the holder and every waiter go on
// at once, in parallel; Acquire returns at once and check points stay on
// their fast path.
func (l *Lock) Disable() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.enabled {
		return
	}
	l.enabled = false
	l.off.Store(true)
	if h := l.holder; h != nil {
		l.accountHeld(h)
		l.event(h, EvRelease)
		h.state = stFree
		l.locked = false
		l.holder = nil
		l.holderP.Store(nil)
	}
	for _, w := range l.allWaiters() {
		// They see !enabled and leave as free threads; those of Go that
		// did not start yet start now, free.
		l.removeWaiter(w)
		w.state = stFree
		if f := w.fn; f != nil {
			w.fn = nil
			go w.run(f)
		} else {
			signal(w)
		}
	}
	for _, t := range l.threads {
		if t.state == stDisplaced {
			t.state = stFree
		}
	}
	l.displacedN = 0
	l.clearBreaker(bitDisplaced)
	l.clearDropLocked()
	l.doomedHolderLocked(nil)
}

// Enable switches the GIL back on. Threads running free are treated like
// displaced holders: each re-acquires at its next check point. The calling
// goroutine, if bound to a thread, takes the lock first. Enable then waits
// until the others have reached a check point, blocked or exited, or until
// the monitor delay passed (a thread in a long compiled call), so that it
// never hangs.
func (l *Lock) Enable() {
	self := l.Current()
	l.mu.Lock()
	if l.enabled {
		l.mu.Unlock()
		return
	}
	l.enabled = true
	l.off.Store(false)
	for _, t := range l.threads {
		if t.state == stFree {
			t.state = stDisplaced
			l.displacedN++
		}
	}
	if l.displacedN > 0 {
		l.setBreaker(bitDisplaced)
	}
	if self != nil && self.state == stDisplaced {
		l.acquireLocked(self)
	}
	l.mu.Unlock()
	l.mu.Lock()
	delay := l.monitorDelayLocked()
	l.mu.Unlock()
	if delay <= 0 {
		delay = DefaultMonitorDelay
	}
	deadline := time.Now().Add(delay)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		n := l.displacedN
		l.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// SetSwitchInterval sets the switch interval; d must be positive.
func (l *Lock) SetSwitchInterval(d time.Duration) error {
	if d <= 0 {
		return errors.New("switch interval must be strictly positive")
	}
	l.mu.Lock()
	l.interval = d
	l.mu.Unlock()
	return nil
}

// SetSwitchIntervalSeconds is sys.setswitchinterval: seconds as a float,
// kept in whole microseconds like CPython (at least 1 µs).
func (l *Lock) SetSwitchIntervalSeconds(s float64) error {
	if !(s > 0) { // also NaN
		return errors.New("switch interval must be strictly positive")
	}
	if s > float64(math.MaxInt64/int64(time.Second)) {
		return fmt.Errorf("switch interval too large: %g s", s)
	}
	us := math.Floor(s * 1e6)
	if us < 1 {
		us = 1
	}
	return l.SetSwitchInterval(time.Duration(us) * time.Microsecond)
}

// SwitchIntervalSeconds is sys.getswitchinterval.
func (l *Lock) SwitchIntervalSeconds() float64 { return l.SwitchInterval().Seconds() }

// SwitchInterval returns the switch interval.
func (l *Lock) SwitchInterval() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.interval
}

// SetDeterministic switches to the deterministic schedule: the holder drops
// the lock every `every` check points (if anyone waits) and hands it to a
// waiter chosen by a generator seeded with seed among the waiters sorted by
// thread id. Time plays no part, so the same program gives the same
// interleaving run after run, as long as its goroutines only compute under
// the lock (blocking calls bring wall time back in). every <= 0 goes back
// to wall-clock mode. Every check point takes the slow path in this mode.
func (l *Lock) SetDeterministic(seed int64, every int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if every <= 0 {
		l.det = false
		l.clearBreaker(bitCount)
		if l.locked && l.nwait > 0 {
			l.contendedLocked()
		}
		return
	}
	l.det, l.every, l.seed = true, every, seed
	l.rng = rand.New(rand.NewSource(seed))
	l.clearDropLocked()
	l.setBreaker(bitCount)
	if l.locked && l.nwait > 0 {
		l.contendedLocked()
	}
}

// SetWallClock goes back to switching by the switch interval.
func (l *Lock) SetWallClock() { l.SetDeterministic(0, 0) }

// Deterministic reports the deterministic schedule, if on.
func (l *Lock) Deterministic() (seed int64, every int, on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seed, l.every, l.det
}

// ----------------------------------------------------------------------
// Interrupts.

// Interrupt makes every check point, BeginBlocking and EndBlocking panic
// with ErrInterrupted until ClearInterrupt. The channel from Interrupted is
// closed, so wrapped blocking calls can stop waiting. The threads that
// exist now are doomed: each panics with ErrInterrupted at its next check
// point, BeginBlocking or EndBlocking, or when it takes the lock, even
// after ClearInterrupt (a thread of Go that did not start yet starts and
// panics at f's first check point).
func (l *Lock) Interrupt() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.epoch++
	if l.interrupted {
		return
	}
	l.interrupted = true
	close(l.intrCh)
	l.doomedHolderLocked(l.holder)
}

// ClearInterrupt ends the effect of Interrupt for threads made after it and
// for the holder (the caller, starting afresh); the other doomed threads
// still stop (see Interrupt).
func (l *Lock) ClearInterrupt() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.interrupted {
		return
	}
	l.interrupted = false
	l.intrCh = make(chan struct{})
	if l.holder != nil {
		l.holder.epoch = l.epoch
	}
	l.doomedHolderLocked(l.holder)
}

// Interrupted returns a channel closed while an interrupt is pending.
func (l *Lock) Interrupted() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.intrCh
}

// ----------------------------------------------------------------------
// Identity-free entry points for rewritten code.

// Checkpoint is Thread.Checkpoint for code that does not know its thread.
// The fast path is the same single atomic load. On the slow path the caller
// is taken to be the holder, unless some thread is displaced, in which case
// the calling goroutine is looked up (see Bind; a few microseconds). Calls
// from goroutines that are neither the holder nor bound only see interrupts.
func (l *Lock) Checkpoint() {
	if atomic.LoadUint32(&l.breaker) != 0 {
		l.checkpointSlow()
	}
}

func (l *Lock) checkpointSlow() {
	if t := l.caller(); t != nil {
		t.checkpointSlow()
	} else if atomic.LoadUint32(&l.breaker)&bitInterrupt != 0 {
		panic(ErrInterrupted)
	}
}

// Enter is Thread.Enter for the holder. While the GIL is disabled there is
// no holder and the depth is not counted.
func (l *Lock) Enter() {
	if t := l.caller(); t != nil {
		t.Enter()
	} else if atomic.LoadUint32(&l.breaker)&bitInterrupt != 0 {
		panic(ErrInterrupted)
	}
}

// Exit is Thread.Exit for the holder.
func (l *Lock) Exit() {
	if t := l.caller(); t != nil {
		t.Exit()
	}
}

// caller finds the thread of the calling goroutine: the holder when no
// thread is displaced (nil while the GIL is disabled), else the thread
// bound to the calling goroutine. The holder is loaded before the breaker:
// a holder displaced between the two loads still gets its own thread (the
// monitor sets bitDisplaced before it changes the holder), and a displaced
// thread cannot be taken for the new holder (its bit stays set until it
// re-acquires).
func (l *Lock) caller() *Thread {
	h := l.holderP.Load()
	if atomic.LoadUint32(&l.breaker)&bitDisplaced == 0 {
		return h
	}
	return l.Bound()
}

// Caller returns the thread of the calling goroutine as the identity-free
// entry points find it (Checkpoint, Blocking): the holder, unless some
// thread is displaced; nil while the GIL is disabled. For rewritten code
// that must release the lock around a statement rather than a func (a
// select whose case bodies re-take it: Thread.BeginBlocking, EndBlocking).
func (l *Lock) Caller() *Thread { return l.caller() }

// Blocking is Thread.Blocking for the calling thread, found like
// Lock.Checkpoint finds it (no lookup unless a thread is displaced). With
// no thread (the GIL disabled) it just runs f.
func (l *Lock) Blocking(f func()) {
	if t := l.caller(); t != nil {
		t.Blocking(f)
		return
	}
	if atomic.LoadUint32(&l.breaker)&bitInterrupt != 0 {
		panic(ErrInterrupted)
	}
	f()
}

// binding is a value of Lock.ids: the goroutine was bound to t when t's
// bind sequence was seq. It is stale once t was bound again (Bind, Adopt,
// Unbind bump the sequence).
type binding struct {
	t   *Thread
	seq uint64
}

// Bind associates the calling goroutine with t, for Lock.Current,
// Lock.Bound and the identity-free entry points, and ends any earlier
// binding of t. It looks the goroutine id up (runtime.Stack: 1-90 µs,
// growing with the stack's depth), so hot paths use Adopt. Go and Run bind
// for you (at the top of a fresh goroutine, where the lookup is cheap).
func (t *Thread) Bind() {
	seq := t.bindSeq.Add(1)
	t.pending.Store(false)
	t.record(goid(), seq)
}

// record binds goroutine id to t as of bind sequence seq and forgets the
// goroutine t was bound to before.
func (t *Thread) record(id, seq uint64) {
	l := t.l
	if old := t.gid.Swap(id); old != 0 && old != id {
		l.forget(old, t)
	}
	l.ids.Store(id, &binding{t: t, seq: seq})
}

// forget removes goroutine id's binding if it is to t.
func (l *Lock) forget(id uint64, t *Thread) {
	if v, ok := l.ids.Load(id); ok && v.(*binding).t == t {
		l.ids.CompareAndDelete(id, v)
	}
}

// Adopt is Bind for a hand-off on a hot path (a generator body taking its
// caller's thread over, and back): it records that the calling goroutine
// now runs t without looking the goroutine up. Lock.Current needs no
// lookup while the GIL is enabled and no thread is displaced (it returns
// the holder); otherwise the first lookup from a goroutine with no current
// binding resolves the adoption, if exactly one thread has an unresolved
// one. While the GIL is disabled or a thread is displaced, Adopt binds at
// once (as Bind).
func (t *Thread) Adopt() {
	l := t.l
	if l.holderP.Load() == nil || atomic.LoadUint32(&l.breaker)&bitDisplaced != 0 {
		t.Bind()
		return
	}
	t.pending.Store(true)
	t.bindSeq.Add(1)
}

// Unbind removes the association made by the last Bind or Adopt. It may be
// called from any goroutine.
func (t *Thread) Unbind() {
	t.bindSeq.Add(1)
	t.pending.Store(false)
	if id := t.gid.Swap(0); id != 0 {
		t.l.forget(id, t)
	}
}

// Current returns the calling goroutine's thread, or nil. While the GIL is
// enabled and no thread is displaced it returns the holder without any
// lookup: a goroutine that runs interpreted code holds the lock, so the
// caller is taken to be the holder, as the identity-free entry points do
// (call it only from such goroutines, or use Bound). Otherwise it is Bound.
func (l *Lock) Current() *Thread {
	if h := l.holderP.Load(); h != nil && atomic.LoadUint32(&l.breaker)&bitDisplaced == 0 {
		return h
	}
	return l.Bound()
}

// Bound returns the thread bound to the calling goroutine (Bind, Adopt),
// or nil. It parses runtime.Stack: 1-90 µs (see BenchmarkGoid).
func (l *Lock) Bound() *Thread {
	id := goid()
	if v, ok := l.ids.Load(id); ok {
		b := v.(*binding)
		if b.t.bindSeq.Load() == b.seq {
			return b.t
		}
	}
	// No current binding: an adoption not resolved yet may be ours.
	t := l.adoptedOnly()
	if t == nil {
		return nil
	}
	t.pending.Store(false)
	t.record(id, t.bindSeq.Load())
	return t
}

// adoptedOnly returns the thread with an unresolved adoption that the
// calling goroutine, which has no binding, must be running, or nil when it
// cannot be told: the candidates are the threads that may be running
// (holding, displaced or free) and whose goroutine is not known (adopted
// and not resolved, or never bound); exactly one of them must be adopted.
// An unbound goroutine of a holder that was never bound (a cell's, in
// gilrt) thus makes the lookup fail instead of taking an adopted thread's
// identity; the caller binds it, and the next lookup from the adopting
// goroutine succeeds.
func (l *Lock) adoptedOnly() *Thread {
	l.mu.Lock()
	defer l.mu.Unlock()
	var only *Thread
	for _, t := range l.threads {
		switch t.state {
		case stHolding, stDisplaced, stFree:
		default:
			continue
		}
		if !t.pending.Load() && t.gid.Load() != 0 {
			continue // its goroutine is known
		}
		if only != nil {
			return nil
		}
		only = t
	}
	if only == nil || !only.pending.Load() {
		return nil
	}
	return only
}
