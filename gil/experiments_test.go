package gil

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The experiments of the GIL chapter (spec/gil.md, "Numbers to
// reproduce") with Go CPU work in place of Python bytecode. They are
// measurements, not assertions; run them with
//
//	go test -run '^$' -bench Experiments -benchtime 1x ./gil
//
// testdata/cpython_gil.py measures the same rows in CPython and prints the
// same row keys, so the two tables can be shown side by side. With
// GIL_EXPERIMENTS_TSV=1 the rows print as key<TAB>value lines (like
// cpython_gil.py --tsv).

// spinSink keeps the compiler from removing the work loops.
var spinSink atomic.Uint64

// step is one "bytecode" worth of work between two check points.
func step(x uint64) uint64 {
	for range 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// cpuWork runs n steps with a check point after each.
func cpuWork(cp func(), n int) {
	x := uint64(88172645463325252)
	for range n {
		x = step(x)
		cp()
	}
	spinSink.Add(x)
}

// spinUntil returns a CPU-bound thread body with a check point per step
// that runs until stop is set.
func spinUntil(stop *atomic.Bool) func(th *Thread) {
	return func(th *Thread) {
		x := uint64(1)
		for !stop.Load() {
			x = step(x)
			th.Checkpoint()
		}
		spinSink.Add(x)
	}
}

// calibrate returns how many steps take d on one uncontended thread.
func calibrate(d time.Duration) int {
	l := New(Options{})
	th := l.NewThread("calibrate")
	th.Acquire()
	defer th.Close()
	n := 10000
	for {
		t0 := time.Now()
		cpuWork(th.Checkpoint, n)
		el := time.Since(t0)
		if el > 20*time.Millisecond {
			return int(float64(n) * float64(d) / float64(el))
		}
		n *= 2
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// runThreads starts one Go thread per body from a holding main thread and
// returns the wall time until all ended.
func runThreads(l *Lock, bodies ...func(th *Thread)) time.Duration {
	main := l.NewThread("main")
	main.Acquire()
	t0 := time.Now()
	var ths []*Thread
	for i, f := range bodies {
		ths = append(ths, l.Go(fmt.Sprint("exp", i), func() { f(l.Current()) }))
	}
	main.Release()
	for _, th := range ths {
		<-th.Done()
	}
	el := time.Since(t0)
	main.Close()
	return el
}

type row struct{ key, what, value string }

func BenchmarkExperiments(b *testing.B) {
	for i := 0; i < b.N; i++ {
		rows := experiments()
		if os.Getenv("GIL_EXPERIMENTS_TSV") != "" {
			for _, r := range rows {
				fmt.Printf("%s\t%s\n", r.key, r.value)
			}
			continue
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "\n| key | experiment | gilgo (Go work) |\n|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&sb, "| %s | %s | %s |\n", r.key, r.what, r.value)
		}
		// b.Log truncates long benchmark output: print the table whole.
		fmt.Print(sb.String())
	}
}

func experiments() []row {
	var rows []row
	add := func(key, what, value string) { rows = append(rows, row{key, what, value}) }
	n100 := calibrate(100 * time.Millisecond)

	// 1. Two threads of 100 ms CPU work each.
	for _, gil := range []bool{true, false} {
		l := New(Options{})
		if !gil {
			l.Disable()
		}
		work := func(th *Thread) { cpuWork(th.Checkpoint, n100) }
		el := runThreads(l, work, work)
		if gil {
			add("cpu2x100_gil_ms", "2 × 100 ms CPU, wall, with GIL", ms(el))
		} else {
			add("cpu2x100_nogil_ms", "2 × 100 ms CPU, wall, GIL disabled", ms(el))
		}
	}

	// 2. Switches in 300 ms of 2-way contention, and the slice lengths.
	{
		l := New(Options{})
		var stop atomic.Bool
		spin := spinUntil(&stop)
		go func() { time.Sleep(300 * time.Millisecond); stop.Store(true) }()
		var tr *Trace
		tr = l.Trace(func() { runThreads(l, spin, spin) })
		st := l.Stats()
		add("switches_300ms", "switches in 300 ms of 2-way CPU contention", fmt.Sprint(st.Switches))
		add("forced_300ms", "forced switches (drop requests honoured) in the same run", fmt.Sprint(st.ForcedSwitches))
		add("median_slice_ms", "median slice a holder keeps the lock (5 ms interval)", ms(median(tr.Slices())))
	}

	// 3. Ten threads sleeping 100 ms.
	for _, gil := range []bool{true, false} {
		l := New(Options{})
		if !gil {
			l.Disable()
		}
		var bodies []func(*Thread)
		for range 10 {
			bodies = append(bodies, func(th *Thread) {
				l.Blocking(func() { time.Sleep(100 * time.Millisecond) })
			})
		}
		el := runThreads(l, bodies...)
		if gil {
			add("sleep10x100_ms", "10 × sleep 100 ms, wall, with GIL", ms(el))
		} else {
			add("sleep10x100_nogil_ms", "10 × sleep 100 ms, wall, GIL disabled", ms(el))
		}
	}

	// 4. Convoy: how long past its sleep a waiter gets the lock back from
	// a CPU-bound holder.
	for _, iv := range []time.Duration{5 * time.Millisecond, time.Millisecond} {
		l := New(Options{SwitchInterval: iv})
		var stop atomic.Bool
		var over []time.Duration
		spin := spinUntil(&stop)
		probe := func(th *Thread) {
			for range 15 {
				t0 := time.Now()
				th.Blocking(func() { time.Sleep(10 * time.Millisecond) })
				over = append(over, time.Since(t0)-10*time.Millisecond)
			}
			stop.Store(true)
		}
		runThreads(l, spin, probe)
		add(fmt.Sprintf("overshoot_%dms_ms", iv/time.Millisecond),
			fmt.Sprintf("wake-up overshoot past a 10 ms sleep next to a spinner, interval %v (median)", iv), ms(median(over)))
	}

	// 5. counter++ × 1e6 in each of 2 threads.
	{
		const n = 1_000_000
		l := New(Options{})
		counter := 0
		inc := func(th *Thread) {
			for range n {
				counter++ // no check point inside the statement
				th.Checkpoint()
			}
		}
		runThreads(l, inc, inc)
		add("counter_gil", "counter++ × 1e6 in 2 threads, with GIL (want 2000000)", fmt.Sprint(counter))

		l2 := New(Options{})
		l2.Disable()
		var c atomic.Int64 // separate load and store: a non-atomic ++ without a data race report
		inc2 := func(th *Thread) {
			for range n {
				c.Store(c.Load() + 1)
				th.Checkpoint()
			}
		}
		runThreads(l2, inc2, inc2)
		add("counter_nogil", "counter++ × 1e6 in 2 threads, GIL disabled", fmt.Sprint(c.Load()))
	}

	// 6. v := counter; work(); counter = v + 1. work() is about as slow as a
	// CPython call (~0.1 µs) so that the run spans many switch intervals.
	// Like interpreted code, it has check points of its own (entry, loop
	// back-edges): that is where the switches land.
	work := func(th *Thread, v int) {
		th.Checkpoint()
		x := uint64(v)
		for range 10 {
			x = step(x)
			th.Checkpoint()
		}
		spinSink.Add(x)
	}
	{
		const n = 1_000_000
		l := New(Options{})
		counter := 0
		rmw := func(th *Thread) {
			for range n {
				v := counter
				work(th, v)
				counter = v + 1
				th.Checkpoint()
			}
		}
		runThreads(l, rmw, rmw)
		add("rmw_gil", "v := counter; work(); counter = v+1, × 1e6 in 2 threads, with GIL", fmt.Sprint(counter))

		l2 := New(Options{})
		l2.Disable()
		var c atomic.Int64
		rmw2 := func(th *Thread) {
			for range n {
				v := c.Load()
				work(th, int(v))
				c.Store(v + 1)
				th.Checkpoint()
			}
		}
		runThreads(l2, rmw2, rmw2)
		add("rmw_nogil", "the same, GIL disabled", fmt.Sprint(c.Load()))
	}

	// 7. IO latency next to a CPU-bound thread (1 ms "I/O" waits).
	{
		l := New(Options{})
		var stop atomic.Bool
		var lat []time.Duration
		spin := spinUntil(&stop)
		io := func(th *Thread) {
			for range 30 {
				t0 := time.Now()
				th.Blocking(func() { time.Sleep(time.Millisecond) })
				lat = append(lat, time.Since(t0)-time.Millisecond)
			}
			stop.Store(true)
		}
		runThreads(l, spin, io)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		add("io_latency_median_ms", "IO thread next to a CPU-bound one: extra latency per 1 ms wait, median", ms(median(lat)))
		add("io_latency_max_ms", "the same, max", ms(lat[len(lat)-1]))
	}
	errText := "no error"
	if err := New(Options{}).SetSwitchInterval(0); err != nil {
		errText = err.Error()
	}
	add("setswitchinterval_0", "SetSwitchInterval(0) error", errText)
	return rows
}
