package gil

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// guard is how long a test waits for something that must happen before it
// declares a hang. It is a deadlock detector, not a timing assertion.
const guard = 20 * time.Second

func waitDone(t *testing.T, ths ...*Thread) {
	t.Helper()
	timeout := time.After(guard)
	for _, th := range ths {
		select {
		case <-th.Done():
		case <-timeout:
			t.Fatalf("thread %d (%s) did not finish: deadlock?", th.ID(), th.Tag())
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: deadlock?", what)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func TestMutualExclusion(t *testing.T) {
	for _, tc := range []struct {
		name     string
		interval time.Duration
		det      bool
	}{
		{"wallclock-50us", 50 * time.Microsecond, false},
		{"wallclock-default", 0, false},
		{"deterministic", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := New(Options{SwitchInterval: tc.interval})
			if tc.det {
				l.SetDeterministic(7, 13)
			}
			const nThreads, iters = 6, 5000
			var (
				counter int
				m       = map[int]int{}
				s       []int
				inside  atomic.Int32
				overlap atomic.Int32
			)
			var ths []*Thread
			for i := range nThreads {
				ths = append(ths, l.Go(fmt.Sprint("w", i), func() {
					th := l.Current()
					for j := 0; j < iters; j++ {
						th.Checkpoint()
						if inside.Add(1) != 1 {
							overlap.Add(1)
						}
						counter++
						m[j%17]++
						if j%100 == 0 {
							s = append(s, i)
						}
						inside.Add(-1)
						th.Enter()
						th.Exit()
					}
				}))
			}
			waitDone(t, ths...)
			if counter != nThreads*iters {
				t.Errorf("counter: got %d, want %d", counter, nThreads*iters)
			}
			sum := 0
			for _, v := range m {
				sum += v
			}
			if sum != nThreads*iters {
				t.Errorf("map sum: got %d, want %d", sum, nThreads*iters)
			}
			if len(s) != nThreads*iters/100 {
				t.Errorf("slice length: got %d, want %d", len(s), nThreads*iters/100)
			}
			if n := overlap.Load(); n != 0 {
				t.Errorf("two threads inside the critical section %d times", n)
			}
			st := l.Stats()
			if st.Acquisitions < nThreads {
				t.Errorf("acquisitions: got %d, want >= %d", st.Acquisitions, nThreads)
			}
			if l.holderP.Load() != nil {
				t.Errorf("lock still held after all threads ended")
			}
		})
	}
}

func TestForcedSwitching(t *testing.T) {
	// The monitor is pushed out of the way: on a loaded machine a thread
	// granted the lock may not run for longer than the default delay.
	l := New(Options{SwitchInterval: time.Millisecond, MonitorDelay: time.Minute})
	var took atomic.Bool
	var spins atomic.Int64
	spinner := l.Go("spinner", func() {
		th := l.Current()
		for !took.Load() {
			spins.Add(1)
			th.Checkpoint()
		}
	})
	waiter := l.Go("waiter", func() { took.Store(true) })
	waitDone(t, spinner, waiter)
	st := l.Stats()
	if st.ForcedSwitches == 0 || st.DropRequests == 0 {
		t.Errorf("stats: got forced=%d drops=%d, want both > 0", st.ForcedSwitches, st.DropRequests)
	}
	if st.Handoffs != 0 {
		t.Errorf("handoffs: got %d, want 0 (the spinner passes check points)", st.Handoffs)
	}
	if st.Switches < 2 {
		t.Errorf("switches: got %d, want >= 2", st.Switches)
	}
}

func TestForcedSwitchingAlternates(t *testing.T) {
	// Two spinners that each need the other to progress: only forced
	// switching lets both finish their turns.
	l := New(Options{SwitchInterval: 200 * time.Microsecond, MonitorDelay: time.Minute})
	var turn atomic.Int32
	const rounds = 5
	mk := func(me int32) func() {
		return func() {
			th := l.Current()
			for r := 0; r < rounds; r++ {
				for turn.Load() != me {
					th.Checkpoint()
				}
				turn.Store(1 - me)
			}
		}
	}
	a := l.Go("a", mk(0))
	b := l.Go("b", mk(1))
	waitDone(t, a, b)
	if st := l.Stats(); st.ForcedSwitches < rounds {
		t.Errorf("forced switches: got %d, want >= %d", st.ForcedSwitches, rounds)
	}
}

func TestBlockingOverlaps(t *testing.T) {
	l := New(Options{})
	const n = 10
	var cur, peak atomic.Int32
	gate := make(chan struct{})
	var arrived sync.WaitGroup
	arrived.Add(n)
	var ths []*Thread
	for i := range n {
		ths = append(ths, l.Go(fmt.Sprint("sleeper", i), func() {
			th := l.Current()
			blocking := th.Blocking
			if i%2 == 0 {
				blocking = l.Blocking // identity-free form
			}
			blocking(func() {
				c := cur.Add(1)
				for {
					p := peak.Load()
					if c <= p || peak.CompareAndSwap(p, c) {
						break
					}
				}
				arrived.Done()
				<-gate // "sleep" until all ten sleep at once
				cur.Add(-1)
			})
		}))
	}
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	select {
	case <-all:
	case <-time.After(guard):
		t.Fatalf("only %d of %d threads got into Blocking at once: it does not release", cur.Load(), n)
	}
	close(gate)
	waitDone(t, ths...)
	if p := peak.Load(); p != n {
		t.Errorf("concurrent blockers: got %d, want %d", p, n)
	}
	if st := l.Stats(); st.VoluntaryReleases != n {
		t.Errorf("voluntary releases: got %d, want %d", st.VoluntaryReleases, n)
	}
}

func TestBlockingPanicReacquires(t *testing.T) {
	l := New(Options{})
	th := l.NewThread("main")
	th.Acquire()
	func() {
		defer func() { _ = recover() }()
		th.Blocking(func() { panic("boom") })
	}()
	if !th.Holding() {
		t.Errorf("after a panic in Blocking: thread does not hold the lock")
	}
	th.Close()
}

func TestDisableRunsInParallel(t *testing.T) {
	l := New(Options{})
	l.Disable()
	if l.Enabled() {
		t.Fatalf("Enabled after Disable: got true")
	}
	var inside atomic.Int32
	var both atomic.Bool
	body := func() {
		th := l.Current()
		inside.Add(1)
		deadline := time.Now().Add(guard)
		for inside.Load() < 2 && time.Now().Before(deadline) {
			th.Checkpoint()
			runtime.Gosched()
		}
		if inside.Load() >= 2 {
			both.Store(true)
		}
	}
	a, b := l.Go("a", body), l.Go("b", body)
	waitDone(t, a, b)
	if !both.Load() {
		t.Errorf("with the GIL disabled two threads were never inside at once")
	}

	// Disable while one holds and one waits: both go on.
	l2 := New(Options{SwitchInterval: time.Hour, MonitorDelay: -1})
	holder := l2.NewThread("holder")
	holder.Acquire()
	w := l2.Go("waiter", func() {})
	l2.Disable()
	waitDone(t, w)
	holder.Close()

	// Enable again: exclusion is back.
	l.Enable()
	if !l.Enabled() {
		t.Fatalf("Enabled after Enable: got false")
	}
	var overlap atomic.Int32
	var ths []*Thread
	for i := range 4 {
		ths = append(ths, l.Go(fmt.Sprint("e", i), func() {
			th := l.Current()
			for range 2000 {
				if inside.Add(1) != 3 { // 2 left over from above
					overlap.Add(1)
				}
				inside.Add(-1)
				th.Checkpoint()
			}
		}))
	}
	waitDone(t, ths...)
	if overlap.Load() != 0 {
		t.Errorf("after Enable: %d overlaps", overlap.Load())
	}
}

func TestEnableDisplacesFreeThreads(t *testing.T) {
	// No monitor: main must keep the lock while a and b queue.
	l := New(Options{MonitorDelay: time.Minute})
	l.Disable()
	var stop atomic.Bool
	var inside, overlap atomic.Int32
	var enabled atomic.Bool
	body := func() {
		th := l.Current()
		for !stop.Load() {
			th.Checkpoint()
			n := inside.Add(1)
			if enabled.Load() && n != 1 {
				overlap.Add(1)
			}
			inside.Add(-1)
		}
	}
	a, b := l.Go("a", body), l.Go("b", body)
	main := l.NewThread("main")
	main.Bind()
	main.Acquire() // free: the lock is disabled
	l.Enable()     // main takes the lock; a and b must queue
	if !main.Holding() {
		t.Fatalf("Enable from a bound thread: caller does not hold the lock")
	}
	// After Enable returned, a and b may only have been inside between
	// their last free check point and now; from here on, exclusion.
	waitFor(t, "a and b to queue", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.nwait == 2
	})
	enabled.Store(true)
	main.BeginBlocking()
	waitFor(t, "some switches", func() bool { return l.Stats().Switches > 5 })
	stop.Store(true)
	waitDone(t, a, b)
	main.EndBlocking()
	main.Close()
	if overlap.Load() != 0 {
		t.Errorf("after Enable: %d overlaps", overlap.Load())
	}
}

// lostUpdates runs the read-modify-write-with-check-point experiment in
// deterministic mode and returns the acquire sequence and the lost updates.
func lostUpdates(seed int64) ([]int64, int) {
	l := New(Options{MonitorDelay: -1})
	l.SetDeterministic(seed, 7)
	const n, iters = 3, 300
	counter := 0
	main := l.NewThread("main")
	main.Acquire()
	var tr *Trace
	l.StartTrace()
	var ths []*Thread
	for i := range n {
		ths = append(ths, l.Go(fmt.Sprint("rmw", i), func() {
			th := l.Current()
			for range iters {
				v := counter
				th.Checkpoint() // work()
				counter = v + 1
				th.Checkpoint() // loop back-edge
			}
		}))
	}
	main.Release()
	for _, th := range ths {
		<-th.Done()
	}
	tr = l.StopTrace()
	main.Close()
	return tr.Acquires(), n*iters - counter
}

func TestDeterministicSchedule(t *testing.T) {
	seq1, lost1 := lostUpdates(1)
	for range 3 {
		seq, lost := lostUpdates(1)
		if !reflect.DeepEqual(seq, seq1) {
			t.Fatalf("same seed, different acquire sequence:\n%v\n%v", seq, seq1)
		}
		if lost != lost1 {
			t.Fatalf("same seed, lost updates: got %d, want %d", lost, lost1)
		}
	}
	if lost1 == 0 {
		t.Errorf("lost updates with a check point between read and write: got 0, want > 0")
	}
	differs := false
	for seed := int64(2); seed < 10 && !differs; seed++ {
		seq, _ := lostUpdates(seed)
		differs = !reflect.DeepEqual(seq, seq1)
	}
	if !differs {
		t.Errorf("seeds 2..9 all gave the acquire sequence of seed 1")
	}
}

func TestDeterministicModeSwitch(t *testing.T) {
	l := New(Options{})
	if _, _, on := l.Deterministic(); on {
		t.Fatalf("new lock: deterministic on")
	}
	l.SetDeterministic(3, 100)
	if seed, every, on := l.Deterministic(); !on || seed != 3 || every != 100 {
		t.Fatalf("Deterministic: got %d %d %v, want 3 100 true", seed, every, on)
	}
	l.SetWallClock()
	if _, _, on := l.Deterministic(); on {
		t.Fatalf("after SetWallClock: deterministic on")
	}
	if atomic.LoadUint32(&l.breaker)&bitCount != 0 {
		t.Fatalf("after SetWallClock: check points still take the slow path")
	}
}

func TestSwitchInterval(t *testing.T) {
	for _, tc := range []struct {
		d       time.Duration
		wantErr string
	}{
		{0, "switch interval must be strictly positive"},
		{-time.Millisecond, "switch interval must be strictly positive"},
		{time.Nanosecond, ""},
		{time.Millisecond, ""},
		{time.Second, ""},
	} {
		l := New(Options{})
		err := l.SetSwitchInterval(tc.d)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("SetSwitchInterval(%v): got %v, want %q", tc.d, err, tc.wantErr)
			}
			if got := l.SwitchInterval(); got != DefaultSwitchInterval {
				t.Errorf("after a refused SetSwitchInterval(%v): got %v, want %v", tc.d, got, DefaultSwitchInterval)
			}
			continue
		}
		if err != nil {
			t.Errorf("SetSwitchInterval(%v): %v", tc.d, err)
		}
		if got := l.SwitchInterval(); got != tc.d {
			t.Errorf("SwitchInterval: got %v, want %v", got, tc.d)
		}
	}
}

func TestInterruptStopsSpinners(t *testing.T) {
	var mu sync.Mutex
	var panics []any
	l := New(Options{SwitchInterval: 500 * time.Microsecond, OnPanic: func(_ *Thread, v any, _ []byte) {
		mu.Lock()
		panics = append(panics, v)
		mu.Unlock()
	}})
	var started atomic.Int32
	var ths []*Thread
	for i := range 3 {
		ths = append(ths, l.Go(fmt.Sprint("spin", i), func() {
			th := l.Current()
			started.Add(1)
			for {
				th.Checkpoint()
			}
		}))
	}
	ths = append(ths, l.Go("sleeper", func() {
		th := l.Current()
		started.Add(1)
		th.Blocking(func() { <-l.Interrupted() })
		panic("not reached: EndBlocking must panic")
	}))
	waitFor(t, "all threads to start", func() bool { return started.Load() == 4 })
	l.Interrupt()
	waitDone(t, ths...)
	if len(panics) != 0 {
		t.Errorf("OnPanic got %v, want nothing (interrupts are not reported)", panics)
	}
	if l.holderP.Load() != nil {
		t.Fatalf("lock held after interrupt")
	}
	func() {
		th := l.NewThread("after")
		defer th.Close()
		th.Acquire()
		defer func() {
			r := recover()
			if err, ok := r.(error); !ok || !errors.Is(err, ErrInterrupted) {
				t.Errorf("check point while interrupted: got %v, want ErrInterrupted", r)
			}
		}()
		th.Checkpoint()
	}()
	l.ClearInterrupt()
	select {
	case <-l.Interrupted():
		t.Errorf("Interrupted channel closed after ClearInterrupt")
	default:
	}
	th := l.NewThread("cleared")
	th.Acquire()
	th.Checkpoint() // must not panic
	th.Close()
}

func TestRecursionLimit(t *testing.T) {
	l := New(Options{})
	if got := l.RecursionLimit(); got != DefaultRecursionLimit {
		t.Fatalf("default recursion limit: got %d, want %d", got, DefaultRecursionLimit)
	}
	for _, n := range []int{0, -5} {
		if err := l.SetRecursionLimit(n); err == nil {
			t.Errorf("SetRecursionLimit(%d): got nil error", n)
		}
	}
	if err := l.SetRecursionLimit(50); err != nil {
		t.Fatal(err)
	}
	th := l.NewThread("main")
	th.Bind()
	th.Acquire()
	defer th.Close()
	for _, tc := range []struct {
		name  string
		enter func()
		exit  func()
	}{
		{"thread", th.Enter, th.Exit},
		{"lock", l.Enter, l.Exit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			maxDepth := 0
			var rec func(n int)
			rec = func(n int) {
				tc.enter()
				defer tc.exit()
				if th.Depth() > maxDepth {
					maxDepth = th.Depth()
				}
				rec(n + 1)
			}
			var got any
			func() {
				defer func() { got = recover() }()
				rec(0)
			}()
			re, ok := got.(*RecursionError)
			if !ok {
				t.Fatalf("got panic %v, want *RecursionError", got)
			}
			if re.Error() != "maximum recursion depth exceeded" || re.Limit != 50 {
				t.Errorf("error: got %q limit %d", re.Error(), re.Limit)
			}
			if maxDepth != 50 {
				t.Errorf("max depth: got %d, want 50", maxDepth)
			}
			if th.Depth() != 0 {
				t.Errorf("depth after unwinding: got %d, want 0", th.Depth())
			}
		})
	}
}

func TestMonitorHandsOverFromParkedHolder(t *testing.T) {
	l := New(Options{SwitchInterval: 200 * time.Microsecond, MonitorDelay: time.Millisecond})
	parked := l.NewThread("parked")
	parked.Acquire()
	unpark := make(chan struct{})
	var ran atomic.Bool
	w := l.Go("waiter", func() { ran.Store(true) })
	go func() {
		waitDone(t, w)
		close(unpark)
	}()
	<-unpark // parked in "compiled code" without releasing
	if !ran.Load() {
		t.Fatalf("waiter never ran")
	}
	if parked.Holding() {
		t.Errorf("parked holder still holds after the hand-off")
	}
	if st := l.Stats(); st.Handoffs != 1 {
		t.Errorf("handoffs: got %d, want 1", st.Handoffs)
	}
	parked.Checkpoint() // back in interpreted code: must re-acquire
	if !parked.Holding() {
		t.Errorf("after its next check point the parked thread does not hold the lock")
	}
	if atomic.LoadUint32(&l.breaker)&bitDisplaced != 0 {
		t.Errorf("displaced bit still set")
	}
	parked.Close()
}

func TestMonitorDisplacedWaitsForHolder(t *testing.T) {
	// A displaced thread's check point must wait while the new holder runs.
	l := New(Options{SwitchInterval: 200 * time.Microsecond, MonitorDelay: time.Millisecond})
	parked := l.NewThread("parked")
	parked.Acquire()
	holding := make(chan struct{})
	finish := make(chan struct{})
	var inside atomic.Int32
	w := l.Go("waiter", func() {
		inside.Add(1)
		close(holding)
		th := l.Current()
		th.Blocking(func() { <-finish }) // lets parked run
		inside.Add(1)
		th.Checkpoint()
		inside.Add(-1)
	})
	<-holding
	close(finish)
	parked.Checkpoint()
	if n := inside.Load(); n != 1 && n != 2 {
		t.Errorf("inside: got %d", n)
	}
	parked.Release()
	waitDone(t, w)
	parked.Close()
}

func TestGoRecoversPanics(t *testing.T) {
	type rep struct {
		tag string
		v   any
	}
	ch := make(chan rep, 1)
	l := New(Options{OnPanic: func(th *Thread, v any, stack []byte) {
		if len(stack) == 0 {
			t.Errorf("empty stack")
		}
		ch <- rep{th.Tag(), v}
	}})
	th := l.Go("cell[4]", func() {
		var m map[string]int
		m["x"] = 1
	})
	waitDone(t, th)
	r := <-ch
	if r.tag != "cell[4]" || fmt.Sprint(r.v) != "assignment to entry in nil map" {
		t.Errorf("OnPanic: got %q %v", r.tag, r.v)
	}
	if l.holderP.Load() != nil {
		t.Errorf("lock held after a panicking goroutine")
	}
	st := l.Stats()
	if len(st.Threads) != 1 || st.Threads[0].State != "exited" {
		t.Errorf("threads: got %+v, want one exited", st.Threads)
	}
}

func TestIdentityFreeCheckpoint(t *testing.T) {
	l := New(Options{SwitchInterval: 200 * time.Microsecond, MonitorDelay: time.Minute})
	var stop atomic.Bool
	var n atomic.Int64
	body := func() {
		for !stop.Load() {
			l.Checkpoint()
			n.Add(1)
		}
	}
	a, b := l.Go("a", body), l.Go("b", body)
	waitFor(t, "switches", func() bool { return l.Stats().ForcedSwitches >= 3 })
	stop.Store(true)
	waitDone(t, a, b)
	if l.Current() != nil {
		t.Errorf("Current on an unbound goroutine: got a thread")
	}
}

func TestStatsAndReset(t *testing.T) {
	clock := &fakeClock{step: time.Millisecond}
	l := New(Options{Now: clock.Now})
	th := l.NewThread("main")
	th.Acquire()
	th.BeginBlocking()
	th.EndBlocking()
	st := l.Stats()
	if st.Acquisitions != 2 || st.VoluntaryReleases != 1 || st.Switches != 1 {
		t.Errorf("stats: got %+v", st)
	}
	if len(st.Threads) != 1 || st.Threads[0].Held <= 0 || st.Threads[0].State != "holding" {
		t.Errorf("thread stats: got %+v", st.Threads)
	}
	l.ResetStats()
	st = l.Stats()
	if st.Acquisitions != 0 || st.VoluntaryReleases != 0 || st.Threads[0].Acquisitions != 0 {
		t.Errorf("after reset: got %+v", st)
	}
	th.Close()
}

type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		c.t = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	c.t = c.t.Add(c.step)
	return c.t
}

func TestMonitorDisplacedIdentityFree(t *testing.T) {
	l := New(Options{SwitchInterval: 200 * time.Microsecond, MonitorDelay: time.Millisecond})
	parked := l.NewThread("parked")
	parked.Bind()
	parked.Acquire()
	w := l.Go("waiter", func() {})
	waitDone(t, w) // parked "in compiled code" all along
	if st := l.Stats(); st.Handoffs != 1 {
		t.Fatalf("handoffs: got %d, want 1", st.Handoffs)
	}
	l.Checkpoint() // identity-free: must find parked via Bind, not act for anyone else
	if !parked.Holding() {
		t.Errorf("after l.Checkpoint the displaced thread does not hold the lock")
	}
	if got := l.holderP.Load(); got != parked {
		t.Errorf("holder: got %v, want parked", got)
	}
	parked.Close()
	if l.Current() != nil {
		t.Errorf("Current after Close: got a thread, want nil")
	}
}

func TestSwitchIntervalSeconds(t *testing.T) {
	for _, tc := range []struct {
		s       float64
		want    float64
		wantErr string
	}{
		{0, 0, "switch interval must be strictly positive"},
		{-0.001, 0, "switch interval must be strictly positive"},
		{math.NaN(), 0, "switch interval must be strictly positive"},
		{math.Inf(1), 0, "switch interval too large: +Inf s"},
		{0.005, 0.005, ""},
		{0.001, 0.001, ""},
		{1e-9, 1e-6, ""}, // at least one microsecond, like CPython
		{2.5, 2.5, ""},
	} {
		l := New(Options{})
		err := l.SetSwitchIntervalSeconds(tc.s)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("SetSwitchIntervalSeconds(%v): got %v, want %q", tc.s, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("SetSwitchIntervalSeconds(%v): %v", tc.s, err)
			continue
		}
		if got := l.SwitchIntervalSeconds(); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("SwitchIntervalSeconds after %v: got %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestMonitorSparesBusyHolder: while Options.Busy says the holder runs
// (compiling, computing in compiled code), the monitor does not hand the
// lock on; once it says parked, it does.
func TestMonitorSparesBusyHolder(t *testing.T) {
	var busy atomic.Bool
	busy.Store(true)
	l := New(Options{SwitchInterval: 100 * time.Microsecond, MonitorDelay: 200 * time.Microsecond, Busy: busy.Load})
	holder := l.NewThread("holder")
	holder.Acquire()
	var ran atomic.Bool
	w := l.Go("waiter", func() { ran.Store(true) })
	for l.Stats().BusyChecks < 3 {
		time.Sleep(100 * time.Microsecond)
	}
	if ran.Load() {
		t.Fatal("the waiter ran while the holder was busy")
	}
	if st := l.Stats(); st.Handoffs != 0 {
		t.Fatalf("handoffs while busy: got %d, want 0", st.Handoffs)
	}
	busy.Store(false)
	waitDone(t, w)
	if st := l.Stats(); st.Handoffs != 1 {
		t.Errorf("handoffs after parking: got %d, want 1", st.Handoffs)
	}
	holder.Close()
}

// TestBreakerWord: Breaker is the word check points load.
func TestBreakerWord(t *testing.T) {
	l := New(Options{})
	p := l.Breaker()
	if atomic.LoadUint32(p) != 0 {
		t.Fatal("fresh lock: breaker set")
	}
	l.Interrupt()
	if atomic.LoadUint32(p)&bitInterrupt == 0 {
		t.Error("interrupt bit not set in the Breaker word")
	}
	l.ClearInterrupt()
	l.SetDeterministic(1, 10)
	if atomic.LoadUint32(p)&bitCount == 0 {
		t.Error("count bit not set in the Breaker word")
	}
	l.SetWallClock()
	if atomic.LoadUint32(p) != 0 {
		t.Error("breaker not clear after SetWallClock")
	}
}

// TestDisplacedBeforeWaking: the monitor may hand the lock on from a
// waiter it was just granted to, before that waiter's goroutine woke (on
// a busy machine the goroutine may not run for the whole monitor delay).
// The waiter must queue again rather than sleep on a lock nobody will
// grant it: 02-the-gil's seededRace hung that way on one core.
func TestDisplacedBeforeWaking(t *testing.T) {
	l := New(Options{MonitorDelay: -1}) // the test plays the monitor
	a, b, c := l.NewThread("a"), l.NewThread("b"), l.NewThread("c")
	a.Acquire()
	nwait := func(n int) func() bool {
		return func() bool {
			l.mu.Lock()
			defer l.mu.Unlock()
			return l.nwait == n
		}
	}
	bHolds, cHolds := make(chan struct{}), make(chan struct{})
	go func() { b.Acquire(); close(bHolds) }()
	waitFor(t, "b to queue", nwait(1))
	go func() { c.Acquire(); close(cHolds) }()
	waitFor(t, "c to queue", nwait(2))

	l.mu.Lock()
	l.releaseLocked(a) // grants the lock to b, the first waiter, and wakes it
	l.stealLocked(c)   // before b's goroutine can look: the monitor hands it to c
	l.mu.Unlock()

	<-cHolds
	c.Release()
	select {
	case <-bHolds:
	case <-time.After(guard):
		t.Fatal("b, displaced before it woke, never got the lock: deadlock")
	}
	if !b.Holding() {
		t.Errorf("b returned from Acquire without holding the lock")
	}
	if atomic.LoadUint32(&l.breaker)&bitDisplaced != 0 {
		t.Errorf("displaced bit still set with no displaced thread")
	}
	for _, th := range []*Thread{a, b, c} {
		th.Close()
	}
}
