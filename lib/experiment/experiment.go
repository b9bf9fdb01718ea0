package experiment

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"time"

	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/session/hook"
)

// Package returns the cell package "experiment" of a session: goroutines
// start as h's cells' go statements would, and measurements switch lock to
// the wall clock while they run.
func Package(h hook.Host, lock *gil.Lock) hook.Package {
	b := &binding{h: h, lock: lock, machine: Machine}
	return hook.Package{Path: "experiment", Symbols: b.symbols(), Docs: docs()}
}

// binding is the package bound to one session.
type binding struct {
	h       hook.Host
	lock    *gil.Lock
	machine func() MachineInfo
}

func (b *binding) symbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		// running and timing
		"WallClock":  reflect.ValueOf(b.WallClock),
		"Go":         reflect.ValueOf(b.Go),
		"Timed":      reflect.ValueOf(b.Timed),
		"Together":   reflect.ValueOf(b.Together),
		"Best":       reflect.ValueOf(Best),
		"Interleave": reflect.ValueOf(Interleave),
		"Calibrate":  reflect.ValueOf(b.Calibrate),
		"Control":    reflect.ValueOf(b.Control),
		"MS":         reflect.ValueOf(MS),

		// timelines
		"NewStepper": reflect.ValueOf(b.NewStepper),

		// comparisons and the machine
		"ComparePair": reflect.ValueOf(b.ComparePair),
		"Explain":     reflect.ValueOf(b.Explain),
		"Machine":     reflect.ValueOf(b.Machine),

		// types
		"Run":         reflect.ValueOf((*Run)(nil)),
		"Step":        reflect.ValueOf((*Step)(nil)),
		"Stepper":     reflect.ValueOf((*Stepper)(nil)),
		"Timeline":    reflect.ValueOf((*Timeline)(nil)),
		"Pair":        reflect.ValueOf((*Pair)(nil)),
		"MachineInfo": reflect.ValueOf((*MachineInfo)(nil)),
	}
}

// Run is one measurement: the wall time it took and the CPU time the
// whole process used meanwhile.
type Run struct {
	Wall time.Duration
	CPU  time.Duration
}

// Cores returns how many cores were busy on average: CPU time over wall
// time. Two goroutines that ran in parallel the whole time give about 2;
// goroutines that took turns, on one lock or one core, give about 1.
//
//	r := experiment.Together(2, func(int) { work(n) })
//	fmt.Printf("%.2f cores busy\n", r.Cores())
func (r Run) Cores() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.CPU) / float64(r.Wall)
}

// String formats the run as "120 ms (CPU 118 ms)".
func (r Run) String() string { return fmt.Sprintf("%s (CPU %s)", MS(r.Wall), MS(r.CPU)) }

// MS formats d in whole milliseconds ("120 ms"), or with one decimal below
// 10 ms.
//
//	experiment.MS(1234567 * time.Nanosecond) // "1.2 ms"
func MS(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 10 && v > -10 {
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

// WallClock runs f with the lock switching by its switch interval, as it
// does unless `gilgo run --seed` or gil.SetDeterministic made the schedule
// deterministic, and restores a deterministic schedule when f returns or
// panics. Cells whose lesson is a time or a switch interval run this way,
// so that --seed does not change what they teach.
//
//	experiment.WallClock(func() { gil.Trace(func() { experiment.Go(2, spin) }) })
func (b *binding) WallClock(f func()) {
	if b.lock == nil {
		f()
		return
	}
	seed, every, on := b.lock.Deterministic()
	if !on {
		f()
		return
	}
	b.lock.SetWallClock()
	defer b.lock.SetDeterministic(seed, every)
	f()
}

// Go runs f(0), ..., f(k-1) on k goroutines of the calling cell and waits
// for all of them, with the GIL released while it waits. It measures
// nothing and leaves the lock's schedule as it is (a seeded schedule
// stays seeded).
//
//	experiment.Go(2, func(g int) { fmt.Println("goroutine", g) })
func (b *binding) Go(k int, f func(g int)) {
	var wg sync.WaitGroup
	wg.Add(k)
	for g := 0; g < k; g++ {
		b.spawn(func() {
			defer wg.Done()
			f(g)
		})
	}
	b.blocking(wg.Wait)
}

// Together runs f(0), ..., f(k-1) on k goroutines of the calling cell at
// once, waits for all of them, and returns how long that took by the wall
// clock and in CPU time. It runs on the wall clock (see WallClock).
//
//	r := experiment.Together(3, func(g int) { work(n) })
//	fmt.Println(r.Wall, r.Cores())
func (b *binding) Together(k int, f func(g int)) Run {
	var r Run
	b.WallClock(func() { r = measure(func() { b.Go(k, f) }) })
	return r
}

// Timed runs f on the calling goroutine and returns how long it took by
// the wall clock and in CPU time, on the wall clock (see WallClock).
//
//	r := experiment.Timed(func() { work(n) })
func (b *binding) Timed(f func()) Run {
	var r Run
	b.WallClock(func() { r = measure(f) })
	return r
}

// measure times f by the wall clock and the process's CPU time.
func measure(f func()) Run {
	c0 := processCPU()
	t0 := time.Now()
	f()
	return Run{Wall: time.Since(t0), CPU: processCPU() - c0}
}

// Best returns the run with the shortest wall time of runs calls of f:
// other programs on the machine can only add time, never take it away.
//
//	r := experiment.Best(3, func() experiment.Run { return experiment.Together(2, task) })
func Best(runs int, f func() Run) Run {
	b := f()
	for i := 1; i < runs; i++ {
		if r := f(); r.Wall < b.Wall {
			b = r
		}
	}
	return b
}

// Interleave calls fs in turn, rounds times over (f1, f2, f3, f1, f2, ...),
// and returns the best run of each (the shortest wall time), in the order
// of fs. Interleaving spreads the machine's changing load over every
// measurement instead of letting it fall on one of them.
//
//	rs := experiment.Interleave(3, one, pair)
//	fmt.Println(rs[1].Wall, "vs", rs[0].Wall)
func Interleave(rounds int, fs ...func() Run) []Run {
	best := make([]Run, len(fs))
	for i := 0; i < rounds; i++ {
		for j, f := range fs {
			if r := f(); i == 0 || r.Wall < best[j].Wall {
				best[j] = r
			}
		}
	}
	return best
}

// Calibrate returns the n for which f(n) costs about target of CPU time on
// this machine: it grows n until f(n) takes a few milliseconds, then
// scales, from the best of three probes of the calling thread's CPU time
// (a busy machine makes wall time grow, not CPU time). It runs on the wall
// clock (see WallClock).
//
//	n := experiment.Calibrate(100*time.Millisecond, func(n int) { work(n) })
func (b *binding) Calibrate(target time.Duration, f func(n int)) int {
	var n int
	b.WallClock(func() { n = calibrate(target, f) })
	return n
}

func calibrate(target time.Duration, f func(n int)) int {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	n := 1000
	for {
		var d time.Duration
		for i := 0; i < 3; i++ {
			c0 := threadCPU()
			f(n)
			if c := threadCPU() - c0; i == 0 || c < d {
				d = c
			}
		}
		if d >= 5*time.Millisecond || n >= 1<<40 {
			if d <= 0 {
				return n
			}
			return max(1, int(float64(n)*float64(target)/float64(d)))
		}
		n *= 4
	}
}

// Control runs k compiled goroutines, outside the GIL, that each spin for
// cpu of CPU time, and returns the run: its Cores is how many cores the
// machine gave this process just now. Beside an experiment it tells a
// GIL-off pair that could not run in parallel (the machine was busy) from
// one that did not (the lock was on). cpu is capped at one second.
//
//	fmt.Printf("%.2f cores free\n", experiment.Control(2, 50*time.Millisecond).Cores())
func (b *binding) Control(k int, cpu time.Duration) Run {
	cpu = min(cpu, time.Second)
	intr := b.interrupted()
	return measure(func() {
		var wg sync.WaitGroup
		wg.Add(k)
		for g := 0; g < k; g++ {
			go func() {
				defer wg.Done()
				spin(cpu, intr)
			}()
		}
		b.blocking(wg.Wait)
	})
}

// spin keeps its thread busy for cpu of CPU time, or until intr closes.
func spin(cpu time.Duration, intr <-chan struct{}) uint64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	x := uint64(1)
	c0 := threadCPU()
	for threadCPU()-c0 < cpu {
		for i := 0; i < 20000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		select {
		case <-intr:
			return x
		default:
		}
	}
	return x
}

// Machine describes the cores this process may use now.
//
//	experiment.Machine() // this machine: 2 CPUs online; this process may use 2 ...
func (b *binding) Machine() MachineInfo { return b.machine() }

func (b *binding) spawn(f func()) {
	if b.h == nil {
		go f()
		return
	}
	b.h.Spawn(f)
}

func (b *binding) blocking(f func()) {
	if b.h == nil {
		f()
		return
	}
	b.h.Blocking(f)
}

func (b *binding) interrupted() <-chan struct{} {
	if b.h == nil {
		return nil
	}
	return b.h.Interrupted()
}
