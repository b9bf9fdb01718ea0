package experiment

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"time"
)

// Step is one small piece of a goroutine's work in a Timeline: when it
// started and ended, from the common start.
type Step struct{ Start, End time.Duration }

// Stepper is a piece of work sized to take about a target time alone:
// f(N) takes about Alone.
type Stepper struct {
	N     int
	Alone time.Duration // the median wall time of f(N) alone, of 21 runs
	f     func(n int)
	b     *binding
}

// NewStepper sizes f to about target of CPU time (Calibrate) and measures
// how long f(N) takes alone, by the wall clock: the median of 21 runs. It
// runs on the wall clock (see WallClock).
//
//	st := experiment.NewStepper(500*time.Microsecond, func(n int) { work(n) })
//	fmt.Println(st.N, st.Alone)
func (b *binding) NewStepper(target time.Duration, f func(n int)) *Stepper {
	st := &Stepper{f: f, b: b}
	b.WallClock(func() {
		st.N = calibrate(target, f)
		ds := make([]time.Duration, 21)
		for i := range ds {
			t0 := time.Now()
			f(st.N)
			ds[i] = time.Since(t0)
		}
		slices.Sort(ds)
		st.Alone = ds[len(ds)/2]
	})
	return st
}

// Lanes runs k goroutines of the calling cell at once, each doing steps
// steps f(N) one after another, and records when each step started and
// ended. It runs on the wall clock (see WallClock). With the GIL on the
// lanes take turns; with it off they overlap, as far as the machine has
// free cores.
//
//	tl := st.Lanes(2, 60)
//	display.SVG(tl.SVG("GIL on: two goroutines take turns"))
//	fmt.Println(tl)
func (st *Stepper) Lanes(k, steps int) *Timeline {
	tl := &Timeline{Steps: make([][]Step, k), Alone: st.Alone, GIL: st.b.lock == nil || st.b.lock.Enabled()}
	st.b.WallClock(func() {
		t0 := time.Now()
		tl.Run = measure(func() {
			st.b.Go(k, func(g int) {
				for i := 0; i < steps; i++ {
					s := time.Since(t0)
					st.f(st.N)
					tl.Steps[g] = append(tl.Steps[g], Step{s, time.Since(t0)})
				}
			})
		})
		if !tl.GIL && tl.Overlap() < 0.5 && k >= 2 {
			tl.Machine = st.b.machine()
			tl.Control = st.b.Control(2, 30*time.Millisecond)
		}
	})
	return tl
}

// Timeline is what Stepper.Lanes recorded.
type Timeline struct {
	Steps   [][]Step      // per goroutine, in order
	Alone   time.Duration // how long one step takes alone
	Run     Run           // the whole run's wall and CPU time
	GIL     bool          // whether the lock was on
	Machine MachineInfo   // GIL off and little overlap: the machine, to say why
	Control Run           // GIL off and little overlap: a compiled pair right after (Control)
}

// end is when the last step ended.
func (tl *Timeline) end() time.Duration {
	var end time.Duration
	for _, l := range tl.Steps {
		if len(l) > 0 && l[len(l)-1].End > end {
			end = l[len(l)-1].End
		}
	}
	return end
}

// bars returns the bars Timeline draws for lane g: each step as long as
// a step takes alone, ending when it ended (the time before, if any, the
// goroutine was not running), with touching bars merged.
func (tl *Timeline) bars(g int) []Step {
	var out []Step
	for _, s := range tl.Steps[g] {
		from := max(s.End-tl.Alone, s.Start)
		if n := len(out); n > 0 && from <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, Step{from, s.End})
	}
	return out
}

// Overlap returns the share of the run during which the first two
// goroutines were both running a step (bars as SVG draws them), counted
// in 0.1 ms slots.
//
//	fmt.Printf("both running at once: %.0f%%\n", 100*tl.Overlap())
func (tl *Timeline) Overlap() float64 {
	if len(tl.Steps) < 2 {
		return 0
	}
	const slot = 100 * time.Microsecond
	n := int(tl.end()/slot) + 1
	running := [2][]bool{make([]bool, n), make([]bool, n)}
	for g := range 2 {
		for _, s := range tl.bars(g) {
			for t := s.Start / slot; t < s.End/slot; t++ {
				running[g][t] = true
			}
		}
	}
	both := 0
	for t := range n {
		if running[0][t] && running[1][t] {
			both++
		}
	}
	return float64(both) / float64(n)
}

// String reports the overlap and the cores busy, and, when the lock was
// off but the goroutines barely overlapped, why: this process may use one
// core only, or other programs kept the others busy (a compiled control
// pair right after measured how many cores were free).
func (tl *Timeline) String() string {
	s := fmt.Sprintf("both goroutines running at once: %.0f%% of the time; %.2f cores busy on average",
		100*tl.Overlap(), tl.Run.Cores())
	if why := tl.why(); why != "" {
		s += "\n" + why
	}
	return s
}

func (tl *Timeline) why() string {
	if tl.Control.Wall == 0 {
		return ""
	}
	if c := tl.Machine.Cores(); c < 2 {
		return fmt.Sprintf("This process may use %s only (%s): without the lock the goroutines still take turns, switched by Go's scheduler instead of the GIL.",
			cores(c), tl.Machine.Limit())
	}
	if tl.Control.Cores() < 1.6 {
		return fmt.Sprintf("Other programs kept this machine's cores busy: two compiled goroutines, which never take the GIL, kept only %.2f cores busy right after, so these could not overlap either.",
			tl.Control.Cores())
	}
	return fmt.Sprintf("Two compiled goroutines kept %.2f cores busy right after, so the machine had cores free: the load changed meanwhile; run the cell again.",
		tl.Control.Cores())
}

// SVG draws the timeline: one row per goroutine, one green bar per step
// (as long as a step takes alone, ending when the step ended; touching
// bars merged), so a gap is time the goroutine was not running: it waited
// for the lock, or for a core. The picture's size grows with the number of
// bars only, at most one per step.
//
//	display.SVG(tl.SVG("GIL off: two goroutines at the same time"))
func (tl *Timeline) SVG(title string) string {
	end := max(tl.end(), 1)
	const left, width, laneH = 100.0, 640.0, 28.0
	x := func(d time.Duration) float64 { return left + width*float64(d)/float64(end) }
	axisY := 40 + laneH*float64(len(tl.Steps))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`,
		left+width+30, axisY+50)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff"/>`, left+width+30, axisY+50)
	fmt.Fprintf(&b, `<text x="%.0f" y="20" font-weight="bold">%s</text>`, left, html.EscapeString(title))
	for g := range tl.Steps {
		y := 35 + laneH*float64(g)
		fmt.Fprintf(&b, `<text x="8" y="%.0f">goroutine %d</text>`, y+14, g+1)
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="20" fill="#eeeeee"/>`, left, y, width)
		for _, s := range tl.bars(g) {
			fmt.Fprintf(&b, `<rect x="%.2f" y="%.0f" width="%.2f" height="20" fill="#2e7d32"/>`,
				x(s.Start), y, math.Max(x(s.End)-x(s.Start), 0.6))
		}
	}
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#333"/>`, left, axisY, left+width, axisY)
	for i := 0; i <= 5; i++ {
		t := end * time.Duration(i) / 5
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle">%.0f ms</text>`, x(t), axisY+16, float64(t)/float64(time.Millisecond))
	}
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="12" height="12" fill="#2e7d32"/><text x="%.0f" y="%.0f">running a step of work</text>`,
		left, axisY+28, left+18, axisY+38)
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="12" height="12" fill="#eeeeee"/><text x="%.0f" y="%.0f">not running: waiting for the lock (or for a core)</text>`,
		left+200, axisY+28, left+218, axisY+38)
	b.WriteString("</svg>")
	return b.String()
}
