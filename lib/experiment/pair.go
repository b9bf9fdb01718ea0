package experiment

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gilgo/gilgo/lib/display"
)

// Pair compares one task alone with two at once, with the GIL on and off,
// beside a compiled control pair: ComparePair's result.
type Pair struct {
	Name    string // what the tasks are, e.g. "CPU-bound"
	Rounds  int
	One     Run         // one task alone
	On      Run         // two at once with the GIL on
	Off     Run         // two at once with the GIL off
	Control Run         // two compiled goroutines outside the GIL (CPU-bound tasks only)
	Machine MachineInfo // the machine when the comparison ended
}

// ComparePair measures one, on and off (one task alone, two tasks at once
// with the GIL on, two with it off) in turn, rounds times over, and keeps
// the best run of each (Interleave). For CPU-bound tasks each round also
// runs Control(2, one task's CPU time): how many cores the machine gave
// this process just then. The result prints the figures and what they
// show on this machine. It runs on the wall clock (see WallClock).
//
//	task := func(int) { work(n) }
//	p := experiment.ComparePair("CPU-bound", 3,
//		func() experiment.Run { return experiment.Together(1, task) },
//		func() experiment.Run { return experiment.Together(2, task) },
//		func() (r experiment.Run) { gil.Without(func() { r = experiment.Together(2, task) }); return })
//	fmt.Println(p)
func (b *binding) ComparePair(name string, rounds int, one, on, off func() Run) Pair {
	p := Pair{Name: name, Rounds: rounds}
	b.WallClock(func() {
		cpu := time.Duration(0)
		control := func() Run {
			if cpu == 0 {
				return Run{Wall: time.Duration(math.MaxInt64)} // waiting tasks: no control; never the best
			}
			return b.Control(2, cpu)
		}
		first := func() Run {
			r := one()
			if cpu == 0 && computes(r) {
				cpu = max(10*time.Millisecond, min(r.CPU, 200*time.Millisecond))
			}
			return r
		}
		rs := Interleave(max(rounds, 1), first, on, off, control)
		p.One, p.On, p.Off, p.Control = rs[0], rs[1], rs[2], rs[3]
		if p.Control.Wall == math.MaxInt64 {
			p.Control = Run{}
		}
		p.Machine = b.machine()
	})
	return p
}

// cpuBound reports whether the task computed rather than waited.
func (p Pair) cpuBound() bool { return computes(p.One) }

// computes reports whether r computed rather than waited: its CPU time is
// at least a tenth of its wall time (a waiting task's is about a
// hundredth; a computing one's stays above a tenth on a machine ten times
// oversubscribed).
func computes(r Run) bool { return r.Wall > 0 && r.CPU*10 >= r.Wall }

// ratio is a's wall time over one task's.
func (p Pair) ratio(a Run) float64 {
	if p.One.Wall <= 0 {
		return 0
	}
	return float64(a.Wall) / float64(p.One.Wall)
}

// String prints the figures, then what they show here: whether the GIL-off
// pair ran in parallel and, if not, why (one usable core, a busy machine);
// and an explanation for any figure a lock or a core count cannot give by
// itself (a GIL-on pair faster than twice one task, a pair faster than one
// task).
func (p Pair) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, best of %d interleaved rounds:\n", p.Name, p.Rounds)
	fmt.Fprintf(&b, "  one task:            %s\n", p.One)
	if p.cpuBound() {
		fmt.Fprintf(&b, "  two tasks, GIL on:   %s = %.2f× one task; %.2f cores busy\n", MS(p.On.Wall), p.ratio(p.On), p.On.Cores())
		fmt.Fprintf(&b, "  two tasks, GIL off:  %s = %.2f× one task; %.2f cores busy\n", MS(p.Off.Wall), p.ratio(p.Off), p.Off.Cores())
		if p.Control.Wall > 0 {
			fmt.Fprintf(&b, "  control, two compiled goroutines without the GIL: %.2f cores busy\n", p.Control.Cores())
		}
	} else {
		fmt.Fprintf(&b, "  two tasks, GIL on:   %s = %.2f× one task\n", MS(p.On.Wall), p.ratio(p.On))
		fmt.Fprintf(&b, "  two tasks, GIL off:  %s = %.2f× one task\n", MS(p.Off.Wall), p.ratio(p.Off))
	}
	b.WriteString(p.Machine.String())
	for _, n := range p.Notes() {
		b.WriteString("\n" + n)
	}
	return b.String()
}

// Notes returns what the figures show on this machine, one sentence each.
func (p Pair) Notes() []string {
	if !p.cpuBound() {
		return []string{"Waiting releases the lock, so the two tasks overlap their waits with the GIL on or off."}
	}
	var notes []string
	slowOne := fmt.Sprintf("the one-task runs were slowed by other programs (%s of wall time for %s of CPU time)", MS(p.One.Wall), MS(p.One.CPU))
	if c := p.On.Cores(); c > 1.25 {
		notes = append(notes, fmt.Sprintf("With the GIL on, %.2f cores were busy: goroutines other than the two tasks ran meanwhile (Go's garbage collector, or goroutines an earlier cell left running).", c))
	}
	if r := p.ratio(p.On); r < 1.8 {
		notes = append(notes, fmt.Sprintf("With the GIL on the pair took %.2f× one task, less than the 2× that taking turns on one lock allows: %s. By CPU time the pair did %.2f× one task's work, %.2f cores busy.",
			r, slowOne, float64(p.On.CPU)/float64(max(p.One.CPU, 1)), p.On.Cores()))
	}
	m, off := p.Machine.Cores(), p.Off.Cores()
	switch {
	case m < 2:
		notes = append(notes, fmt.Sprintf("This process may use %s only (%s): nothing runs in parallel here, GIL or not. The GIL-off pair kept %.2f cores busy, the GIL-on pair %.2f, for the same CPU work (%s and %s); any difference in their wall times is the share of the core other programs took. On a machine with two free cores the GIL-off pair takes about 1× one task, the GIL-on pair still 2×.",
			cores(m), p.Machine.Limit(), off, p.On.Cores(), MS(p.Off.CPU), MS(p.On.CPU)))
	case off >= 1.5:
		notes = append(notes, fmt.Sprintf("Without the GIL the pair ran in parallel, %.2f cores busy; with it, one core at a time.", off))
	case p.Control.Cores() < 1.6:
		notes = append(notes, fmt.Sprintf("Other programs kept this machine's cores busy: even the compiled control pair, which never takes the GIL, kept only %.2f cores busy, so the GIL-off pair could not run fully in parallel either (%.2f cores).",
			p.Control.Cores(), off))
	default:
		notes = append(notes, fmt.Sprintf("Unexpected: the compiled control pair kept %.2f cores busy but the GIL-off pair only %.2f; the machine's load changed between the runs, or the lock was not off. Run the cell again.",
			p.Control.Cores(), off))
	}
	if r := p.ratio(p.Off); r < 0.9 {
		notes = append(notes, fmt.Sprintf("The GIL-off pair took %.2f× one task, less than one task alone, which two tasks cannot: %s.", r, slowOne))
	}
	return notes
}

// Chart draws the wall times (and, for CPU-bound tasks, the CPU times) as
// a bar chart.
//
//	p.Chart() // as a cell's last expression
func (p Pair) Chart() *display.Chart {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	labels := []string{"one task", "two, GIL on", "two, GIL off"}
	series := []display.Series{{Name: "wall time", Y: []float64{ms(p.One.Wall), ms(p.On.Wall), ms(p.Off.Wall)}}}
	if p.cpuBound() {
		series = append(series, display.Series{Name: "CPU time", Y: []float64{ms(p.One.CPU), ms(p.On.CPU), ms(p.Off.CPU)}})
	}
	return display.BarChart(p.Name+" tasks (ms)", labels, series...)
}

// Explain says in a sentence or two what a run of k tasks at once that
// took ratio× one task alone shows on this machine, given control, a
// Control run of k goroutines measured beside it: that they ran in
// parallel, or why they could not (one usable core; other programs
// keeping the cores busy), and an explanation for a ratio below what the
// usable cores allow. It is for runs whose CPU time this process cannot
// see, such as a multiprocessing pool's.
//
//	fmt.Println(experiment.Explain(2, float64(two.Wall)/float64(one.Wall), control))
func (b *binding) Explain(k int, ratio float64, control Run) string {
	return explain(b.machine(), k, ratio, control)
}

func explain(m MachineInfo, k int, ratio float64, control Run) string {
	c := m.Cores()
	use := min(float64(k), c)
	expect := float64(k) / use
	if c < 2 {
		return fmt.Sprintf("This process may use %s only (%s), and so may the processes it starts: the %d tasks cannot run in parallel here, GIL or not; they take about %d× one task.",
			cores(c), m.Limit(), k, k)
	}
	var s string
	switch {
	case ratio < (expect+float64(k))/2:
		s = fmt.Sprintf("They ran in parallel: %.2f× one task, where %s allow %.2f×.", ratio, cores(use), expect)
	case control.Cores() < use-0.4:
		s = fmt.Sprintf("Other programs kept this machine's cores busy: %d compiled goroutines beside them kept only %.2f cores busy, so the %d tasks could not run fully in parallel either.",
			k, control.Cores(), k)
	default:
		s = fmt.Sprintf("Unexpected: %d compiled goroutines beside them kept %.2f cores busy, yet the tasks took %.2f× one task; the machine's load changed between the runs. Run the cell again.",
			k, control.Cores(), ratio)
	}
	if ratio < expect*0.8 {
		s += fmt.Sprintf(" %.2f× is less than %s allow: the one-task runs were slowed by other programs.", ratio, cores(use))
	}
	return s
}
