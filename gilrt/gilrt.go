package gilrt

import (
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/session/cellast"
	"github.com/gilgo/gilgo/session/hook"
)

// Options configure a Scheduler. The zero value gives a fresh gil.Lock
// with its defaults.
type Options struct {
	// Lock is the GIL to use; nil makes one with DefaultRecursionLimit and
	// Busy as the monitor's test for a running holder. A Lock made without
	// gil.Options.Busy lets the monitor take the lock from a holder that
	// compiles or computes in compiled code (two goroutines may then run
	// interpreted code at once until the holder's next check point).
	Lock *gil.Lock
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// NoCheckpoints leaves out the check point pass (benchmarks only:
	// goroutines then switch only when they block or the monitor acts).
	NoCheckpoints bool
	// SamplePeriod is how often a check point samples the call depth for
	// the recursion limit (recursion.go); 0 means DefaultSamplePeriod,
	// negative turns sampling off (benchmarks only: runaway recursion then
	// ends in Go's fatal stack overflow).
	SamplePeriod time.Duration
	// CompiledCheckpoints makes check points call the compiled __gil.C
	// instead of loading the interpreted mirror (always so under -race;
	// benchmarks compare the two).
	CompiledCheckpoints bool
	// OnSample, if set, is called every SamplePeriod while the recursion
	// sampler runs (a thread of the scheduler is alive), for check points
	// that are not the scheduler's: compiled cells (compiled/rt) sample
	// their own depth. It must be quick and must not block.
	OnSample func()
}

// Scheduler implements hook.Scheduler on a gil.Lock.
type Scheduler struct {
	lock  *gil.Lock
	log   *slog.Logger
	brk   *uint32 // the lock's eval breaker word (gil.Lock.Breaker)
	host  hook.Host
	noChk bool
	callC bool // check points call __gil.C (Options.CompiledCheckpoints)

	mu   sync.Mutex
	cell *gil.Thread // the running cell's thread

	// Mirrors of the breaker (breaker.go): [0] is word, then one per
	// interpreter (__gilF), the oldest dropped past maxMirrors.
	word    uint32 // the scheduler's own mirror; atomic access only
	mmu     sync.Mutex
	mirrors []*gil.Mirror
	inline  atomic.Bool // an interpreter registered its word

	// The sample ticker runs while live > 0.
	period   time.Duration
	onSample func() // Options.OnSample
	tmu      sync.Mutex
	live     int
	closed   bool
	tickStop chan struct{}
	tickDone chan struct{}

	counting atomic.Bool  // recursion.go: every check point counts
	entries  atomic.Int64 // check points until the next depth sample
	samples  atomic.Int64 // depth samples taken
	headroom atomic.Int64 // depth allowed after a RecursionError, 0 if none
	errMu    sync.Mutex
	errs     []int    // depths of the last RecursionErrors
	pcs      sync.Map // pc -> bool: is it yaegi's runCfg
}

// DefaultRecursionLimit is the recursion limit of the lock New makes:
// Python's 1000. yaegi unwinds a panic through interpreted frames in time
// that grows faster than linearly (measured: 0.3 s at depth 500, 1.7 s at
// 1000, 4.1 s at 2000), so gil's default of 10000 would take minutes to
// report a runaway recursion.
const DefaultRecursionLimit = 1000

// breaker bits of package gil (gil.go), read through brk.
const bitDisplaced = 1 << 2

// New returns a Scheduler. Pass it as session.Options.Scheduler.
func New(opts Options) *Scheduler {
	l := opts.Lock
	if l == nil {
		l = gil.New(gil.Options{RecursionLimit: DefaultRecursionLimit, Busy: Busy})
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{lock: l, log: log, noChk: opts.NoCheckpoints, callC: opts.CompiledCheckpoints || raceEnabled,
		onSample: opts.OnSample}
	s.brk = l.Breaker()
	s.mirrors = []*gil.Mirror{l.MirrorBreaker(&s.word)}
	switch {
	case opts.SamplePeriod == 0:
		s.period = DefaultSamplePeriod
	case opts.SamplePeriod > 0:
		s.period = opts.SamplePeriod
	}
	return s
}

// Lock returns the scheduler's GIL.
func (s *Scheduler) Lock() *gil.Lock { return s.lock }

// Attach implements hook.Scheduler.
func (s *Scheduler) Attach(h hook.Host) (hook.Attachment, error) {
	s.host = h
	installHooks()
	var passes []cellast.Pass
	if !s.noChk {
		passes = append(passes, cellast.Pass{Name: "gil-checkpoints", Apply: s.passCheckpoints})
	}
	passes = append(passes, cellast.Pass{Name: "gil-blocking", Apply: passBlocking})
	return hook.Attachment{
		Exports: []hook.Exports{s.helpers(), s.syncExports(), s.ioExports(), s.timeExports()},
		Passes:  passes,
		Prelude: "import " + helperName + " \"" + helperPath + "\"\n" +
			"var " + inlineFlag + " bool\n" +
			"var " + inlineFlag + "OK = " + helperName + ".R(&" + inlineFlag + ")\n",
		Magics: []string{"gil"},
	}, nil
}

// helperName is the package name rewritten code calls; helperPath its
// import path.
const (
	helperName = "__gil"
	helperPath = "gilgo/gilrt"
	// inlineFlag is the interpreted global every interpreter declares
	// and registers as a mirror of the breaker (breaker.go).
	inlineFlag = "__gilF"
)

// helpers is the package the passes call.
func (s *Scheduler) helpers() interp.Exports {
	return interp.Exports{helperPath + "/gilrt": {
		"F": reflect.ValueOf(&s.brk).Elem(),
		"C": reflect.ValueOf(s.checkpoint),
		"E": reflect.ValueOf(s.checkpoint), // the entry check point of earlier rewrites
		"R": reflect.ValueOf(s.register),
		"B": reflect.ValueOf(s.begin),
		"U": reflect.ValueOf(s.end),
		"I": reflect.ValueOf(s.lock.Interrupted),
		"X": reflect.ValueOf(s.interrupted),
		"W": reflect.ValueOf(s.recvInto),
		"S": reflect.ValueOf(s.send),
	}}
}

// BeginCell implements hook.Scheduler.
// A cell that fails with the GIL off, having found it on, turns it back
// on and says so on its stderr: gil.Disable and gil.Enable around code an
// interrupt or a panic left the lock off for the rest of the session.
func (s *Scheduler) BeginCell(n int) (end func(failed bool)) {
	t := s.lock.NewThread(fmt.Sprintf("cell[%d]", n))
	s.alive()
	t.Acquire()
	s.drainInterrupted()
	s.mu.Lock()
	s.cell = t
	s.mu.Unlock()
	wasOn := s.lock.Enabled()
	return func(failed bool) {
		if failed && wasOn && !s.lock.Enabled() {
			s.lock.Enable()
			if s.host != nil {
				if out := s.host.CurrentOutput(); out != nil {
					engine.Note(out, "note: the cell ended with the GIL off; it is on again (gil.Without restores it however its func ends)")
				}
			}
		}
		s.mu.Lock()
		if s.cell == t {
			s.cell = nil
		}
		s.mu.Unlock()
		t.Close()
		s.dead()
	}
}

// drainInterrupted clears a pending interrupt for the new cell, whose thread
// holds the lock. The goroutines of the interrupted cells stay
// doomed (gil.Lock.Interrupt): each panics with gil.ErrInterrupted when it
// next takes the lock or passes a check point, so none of them runs on
// into the new cell, however many there are.
func (s *Scheduler) drainInterrupted() {
	select {
	case <-s.lock.Interrupted():
		s.lock.ClearInterrupt()
	default:
	}
}

// Go implements hook.Scheduler.
func (s *Scheduler) Go(n int, f func()) {
	s.alive()
	s.lock.Go(fmt.Sprintf("cell[%d] go", n), func() {
		defer s.dead()
		f()
	})
}

// Adopt implements hook.Scheduler.
func (s *Scheduler) Adopt(n int, f func()) {
	s.alive()
	defer s.dead()
	s.lock.Run(fmt.Sprintf("cell[%d] callback", n), f)
}

// free reports whether the GIL is off. Blocking calls then run without
// telling the lock (there is nothing to release) and generator hooks move
// no thread, so free-threaded code pays no goroutine-id lookup (1-90 µs,
// more than the operations themselves). What it costs: threads blocked
// when gil.Enable runs count as running free, so Enable may wait its full
// monitor delay for them, and they re-acquire at their first check point
// after the blocking call; a generator body driven only while the GIL was
// off is not bound to its caller's thread, so after Enable its goroutine
// is taken for the running cell's (s.thread).
func (s *Scheduler) free() bool { return !s.lock.Enabled() }

// Blocking implements hook.Scheduler.
func (s *Scheduler) Blocking(f func()) {
	if s.free() {
		f()
		return
	}
	t := s.thread()
	if t == nil {
		f()
		return
	}
	t.Blocking(f)
}

// Interrupt implements hook.Scheduler.
func (s *Scheduler) Interrupt() { s.lock.Interrupt() }

// thread returns the calling goroutine's thread. A cell's code runs on
// goroutines yaegi starts, which are not bound: the first lookup from such
// a goroutine binds it to the running cell's thread.
func (s *Scheduler) thread() *gil.Thread {
	if t := s.lock.Current(); t != nil {
		return t
	}
	s.mu.Lock()
	t := s.cell
	s.mu.Unlock()
	if t != nil {
		t.Bind()
	}
	return t
}

// retake makes the running cell's thread hold the lock again if the
// monitor handed it on while the cell's goroutine was parked (in a var
// initialiser, say): the passes run on the session's goroutine before each
// unit of a cell compiles, and compiling changes the interpreter's state
// the other goroutines read.
func (s *Scheduler) retake() {
	s.mu.Lock()
	t := s.cell
	s.mu.Unlock()
	if t != nil && atomic.LoadUint32(s.brk)&bitDisplaced != 0 {
		t.Acquire()
	}
}

// begin releases the lock before a blocking channel operation; end takes
// it back. The thread travels between them so end needs no lookup.
func (s *Scheduler) begin() *gil.Thread {
	if s.free() {
		return nil
	}
	t := s.thread()
	if t != nil {
		t.BeginBlocking()
	}
	return t
}

func (s *Scheduler) end(t *gil.Thread) {
	if t != nil {
		t.EndBlocking()
	}
}

// interrupted ends a wait that an interrupt cut short: it takes the lock
// back and panics with gil.ErrInterrupted (also if the interrupt was
// cleared meanwhile: the goroutine belongs to the interrupted cell).
func (s *Scheduler) interrupted(t *gil.Thread) {
	if t != nil {
		t.EndBlocking()
	}
	panic(gil.ErrInterrupted)
}

// recvInto is __gil.W: it receives from c into *p (p points to a variable
// of c's element type; nil: the value is discarded) and reports whether the value came from a send, as
// `v, ok := <-c` does. A receive that can complete at once does so with
// the lock held; else the lock is released while it waits, and an
// interrupt ends the wait (interrupted). The value is set through
// reflection on the variable itself, so it keeps the interpreter's
// representation of its type.
func (s *Scheduler) recvInto(c, p any) bool {
	ch := reflect.ValueOf(c)
	if ch.IsValid() && !ch.IsNil() {
		if v, ok := ch.TryRecv(); v.IsValid() {
			if ok && p != nil {
				reflect.ValueOf(p).Elem().Set(v)
			}
			return ok
		}
	}
	t := s.begin()
	cases := []reflect.SelectCase{
		{Dir: reflect.SelectRecv, Chan: ch},
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.lock.Interrupted())},
	}
	i, v, ok := s.selectUnlocked(t, cases)
	if i == 1 {
		s.interrupted(t)
	}
	s.end(t)
	if ok && p != nil {
		reflect.ValueOf(p).Elem().Set(v)
	}
	return ok
}

// send is __gil.S: it sends *p (p points to a variable of c's element
// type) on c: at once with the lock held if it can, else with the lock
// released while it waits, an interrupt ending the wait (interrupted). A
// send on a closed channel panics as the statement would.
func (s *Scheduler) send(c, p any) {
	ch, v := reflect.ValueOf(c), reflect.ValueOf(p).Elem()
	if ch.IsValid() && !ch.IsNil() && ch.TrySend(v) {
		return
	}
	t := s.begin()
	cases := []reflect.SelectCase{
		{Dir: reflect.SelectSend, Chan: ch, Send: v},
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.lock.Interrupted())},
	}
	if i, _, _ := s.selectUnlocked(t, cases); i == 1 {
		s.interrupted(t)
	}
	s.end(t)
}

// selectUnlocked is reflect.Select, run with t's hold on the lock
// released (between begin and end); if it panics (a send on a closed
// channel), t takes the lock back before the panic goes on into
// interpreted code.
func (s *Scheduler) selectUnlocked(t *gil.Thread, cases []reflect.SelectCase) (int, reflect.Value, bool) {
	defer func() {
		if r := recover(); r != nil {
			s.end(t)
			panic(r)
		}
	}()
	return reflect.Select(cases)
}

// display shows an SVG in the calling goroutine's cell.
func (s *Scheduler) display(svg string) {
	if s.host == nil {
		return
	}
	if out := s.host.CurrentOutput(); out != nil {
		out.Display(engine.MIMEBundle{"image/svg+xml": svg, "text/plain": "<gil trace>"}, map[string]any{}, "", false)
	}
}

// Magic implements hook.Scheduler: %%gil trace runs the cell under the
// tracer and shows the timeline.
func (s *Scheduler) Magic(name, args string, run func() error) (bool, error) {
	if name != "gil" {
		return false, nil
	}
	switch args {
	case "trace":
		var err error
		s.Trace(func() { err = run() })
		return true, err
	default:
		return true, fmt.Errorf("usage: %%%%gil trace (got %q)", args)
	}
}
