package gil

import (
	"fmt"
	"html"
	"math"
	"strings"
	"time"
)

// EventKind is the kind of a trace event.
type EventKind uint8

// Trace event kinds.
const (
	EvAcquire     EventKind = iota // the thread took the lock
	EvRelease                      // the thread gave the lock up (also before a forced switch)
	EvWaitBegin                    // the thread started waiting for the lock
	EvDropRequest                  // the thread asked the holder to drop the lock
	EvBlockBegin                   // the thread entered a blocking call without the lock
	EvBlockEnd                     // the blocking call returned
	EvHandoff                      // the monitor took the lock from this (parked) thread
)

var eventNames = [...]string{"acquire", "release", "wait-begin", "drop-request", "block-begin", "block-end", "handoff"}

func (k EventKind) String() string {
	if int(k) < len(eventNames) {
		return eventNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// Event is one state change of one thread.
type Event struct {
	At     time.Duration // since the trace started, on the Options.Now clock
	Thread int64
	Kind   EventKind
}

// TraceThread names a thread seen in a trace.
type TraceThread struct {
	ID  int64
	Tag string
}

// Trace is a recording of lock events. A stopped Trace is not shared with
// the lock and may be read freely; its methods are safe for concurrent use.
type Trace struct {
	Start     time.Time
	Duration  time.Duration
	Interval  time.Duration // the switch interval when the trace started
	Every     int           // deterministic mode: check points per turn, else 0
	Seed      int64         // deterministic mode: the seed
	Threads   []TraceThread
	Events    []Event
	Truncated int // events not recorded because of MaxTraceEvents

	seen    map[int64]bool
	startAt time.Duration // lock clock at Start
}

// MaxTraceEvents bounds the events one trace keeps.
const MaxTraceEvents = 1 << 20

func (tr *Trace) addThread(t *Thread) {
	if tr.seen[t.id] {
		return
	}
	tr.seen[t.id] = true
	tr.Threads = append(tr.Threads, TraceThread{ID: t.id, Tag: t.tag})
}

// event records a state change when a trace is running; l.mu is held.
func (l *Lock) event(t *Thread, k EventKind) {
	tr := l.trace
	if tr == nil {
		return
	}
	if len(tr.Events) >= MaxTraceEvents {
		tr.Truncated++
		return
	}
	tr.addThread(t)
	tr.Events = append(tr.Events, Event{At: l.clock() - tr.startAt, Thread: t.id, Kind: k})
}

// StartTrace starts recording events, replacing a running trace. Threads
// that hold, wait or block at the start get an event at time 0.
func (l *Lock) StartTrace() {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := l.clock()
	tr := &Trace{Start: l.base.Add(at), startAt: at, Interval: l.interval, seen: map[int64]bool{}}
	if l.det {
		tr.Every, tr.Seed = l.every, l.seed
	}
	l.trace = tr
	ids := make([]int64, 0, len(l.threads))
	for id := range l.threads {
		ids = append(ids, id)
	}
	sortInt64(ids)
	for _, id := range ids {
		t := l.threads[id]
		switch t.state {
		case stHolding:
			tr.addThread(t)
			tr.Events = append(tr.Events, Event{Thread: id, Kind: EvAcquire})
		case stWaiting:
			tr.addThread(t)
			tr.Events = append(tr.Events, Event{Thread: id, Kind: EvWaitBegin})
		case stBlocked:
			tr.addThread(t)
			tr.Events = append(tr.Events, Event{Thread: id, Kind: EvBlockBegin})
		}
	}
}

// StopTrace stops recording and returns the trace, or nil if none ran.
func (l *Lock) StopTrace() *Trace {
	l.mu.Lock()
	defer l.mu.Unlock()
	tr := l.trace
	if tr == nil {
		return nil
	}
	l.trace = nil
	tr.Duration = l.clock() - tr.startAt
	return tr
}

// Trace runs f under a new trace and returns it.
func (l *Lock) Trace(f func()) (tr *Trace) {
	l.StartTrace()
	defer func() { tr = l.StopTrace() }()
	f()
	return nil
}

func sortInt64(a []int64) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// Acquires returns the ids of the threads that took the lock, in order.
func (tr *Trace) Acquires() []int64 {
	var ids []int64
	for _, e := range tr.Events {
		if e.Kind == EvAcquire {
			ids = append(ids, e.Thread)
		}
	}
	return ids
}

// Segment is a stretch of time one thread spent in one state.
type Segment struct {
	Thread     int64
	State      string // "holding", "waiting" or "blocked"
	Start, End time.Duration
}

// Segments turns the events into per-thread state segments, in event order
// of their ends. Open segments end at the trace's Duration.
func (tr *Trace) Segments() []Segment {
	type open struct {
		state string
		start time.Duration
	}
	cur := map[int64]open{}
	var segs []Segment
	closeSeg := func(id int64, at time.Duration) {
		if o, ok := cur[id]; ok {
			segs = append(segs, Segment{Thread: id, State: o.state, Start: o.start, End: at})
			delete(cur, id)
		}
	}
	for _, e := range tr.Events {
		switch e.Kind {
		case EvAcquire:
			closeSeg(e.Thread, e.At)
			cur[e.Thread] = open{"holding", e.At}
		case EvWaitBegin:
			closeSeg(e.Thread, e.At)
			cur[e.Thread] = open{"waiting", e.At}
		case EvBlockBegin:
			closeSeg(e.Thread, e.At)
			cur[e.Thread] = open{"blocked", e.At}
		case EvRelease, EvBlockEnd, EvHandoff:
			closeSeg(e.Thread, e.At)
		}
	}
	for _, th := range tr.Threads {
		closeSeg(th.ID, tr.Duration)
	}
	return segs
}

// Slices returns the lengths of the holding segments that ended in a
// switch to another thread (the time a holder kept the lock under
// contention), in order.
func (tr *Trace) Slices() []time.Duration {
	var out []time.Duration
	for _, s := range tr.Segments() {
		if s.State == "holding" && s.End < tr.Duration {
			out = append(out, s.End-s.Start)
		}
	}
	return out
}

var stateColour = map[string]string{
	"holding": "#2e7d32",
	"waiting": "#f9a825",
	"blocked": "#90caf9",
}

// SVG draws the timeline: one lane per thread (holding, waiting,
// released-while-blocked), drop requests and monitor hand-offs marked, a
// time axis in ms and a legend. The picture uses inline attributes only: no
// script, no style sheet, no external font.
func (tr *Trace) SVG() string {
	const (
		left   = 130.0
		width  = 720.0
		top    = 28.0
		laneH  = 20.0
		laneG  = 8.0
		right  = 20.0
		font   = `font-family="sans-serif" font-size="11"`
		markUp = 5.0
	)
	n := len(tr.Threads)
	plotH := float64(n)*(laneH+laneG) + laneG
	axisY := top + plotH
	height := axisY + 62
	total := left + width + right
	dur := tr.Duration
	if dur <= 0 {
		dur = 1
	}
	x := func(at time.Duration) float64 { return left + width*float64(at)/float64(dur) }
	lane := map[int64]int{}
	for i, th := range tr.Threads {
		lane[th.ID] = i
	}
	laneY := func(id int64) float64 { return top + laneG + float64(lane[id])*(laneH+laneG) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`+"\n", total, height, total, height)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff"/>`+"\n", total, height)
	mode := "switch interval " + fmtMS(tr.Interval)
	if tr.Every > 0 {
		mode = fmt.Sprintf("deterministic: switch every %d check points, seed %d", tr.Every, tr.Seed)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="16" %s font-weight="bold" fill="#212121">GIL timeline: %d threads, %s, %s</text>`+"\n",
		left, font, n, fmtMS(tr.Duration), mode)
	for _, th := range tr.Threads {
		y := laneY(th.ID)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#f5f5f5"/>`+"\n", left, y, width, laneH)
		label := fmt.Sprintf("#%d %s", th.ID, th.Tag)
		if len(label) > 22 {
			label = label[:21] + "…"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s text-anchor="end" fill="#212121">%s</text>`+"\n", left-6, y+laneH/2+4, font, html.EscapeString(label))
	}
	segs := tr.Segments()
	if len(segs) > maxDrawnSegments {
		// Per pixel column: what each thread did most of that column.
		segs = perColumn(segs, dur, int(width))
	}
	for _, s := range segs {
		x0, x1 := x(s.Start), x(s.End)
		w := math.Max(x1-x0, 0.5)
		y := laneY(s.Thread)
		h := laneH
		if s.State != "holding" {
			y += 4
			h -= 8
		}
		fmt.Fprintf(&b, `<rect x="%.2f" y="%.1f" width="%.2f" height="%.1f" fill="%s"><title>#%d %s %s–%s</title></rect>`+"\n",
			x0, y, w, h, stateColour[s.State], s.Thread, s.State, fmtMS(s.Start), fmtMS(s.End))
	}
	type mark struct {
		thread int64
		kind   EventKind
		column int
	}
	marked := map[mark]bool{} // one marker of a kind per thread and pixel column
	for _, e := range tr.Events {
		if e.Kind == EvDropRequest || e.Kind == EvHandoff {
			m := mark{e.Thread, e.Kind, int(x(e.At))}
			if marked[m] {
				continue
			}
			marked[m] = true
		}
		y := laneY(e.Thread)
		switch e.Kind {
		case EvDropRequest:
			fmt.Fprintf(&b, `<path d="M %.2f %.1f l -3.5 -%.1f h 7 z" fill="#c62828"><title>#%d drop request at %s</title></path>`+"\n",
				x(e.At), y+markUp, markUp, e.Thread, fmtMS(e.At))
		case EvHandoff:
			fmt.Fprintf(&b, `<path d="M %.2f %.1f l 4 4 l -4 4 l -4 -4 z" fill="#6a1b9a"><title>#%d lost the lock to the monitor at %s</title></path>`+"\n",
				x(e.At), y+laneH/2-4, e.Thread, fmtMS(e.At))
		}
	}
	// Axis.
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#616161"/>`+"\n", left, axisY, left+width, axisY)
	step := niceStep(float64(dur) / float64(time.Millisecond) / 8)
	for v := 0.0; v <= float64(dur)/float64(time.Millisecond)+1e-9; v += step {
		px := left + width*v*float64(time.Millisecond)/float64(dur)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#616161"/>`+"\n", px, axisY, px, axisY+4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s text-anchor="middle" fill="#424242">%s</text>`+"\n", px, axisY+16, font, trimFloat(v))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s text-anchor="end" fill="#424242">ms</text>`+"\n", left-6, axisY+16, font)
	// Legend.
	ly := axisY + 34
	lx := left
	for _, it := range []struct{ name, colour string }{{"holding", stateColour["holding"]}, {"waiting", stateColour["waiting"]}, {"blocked (released)", stateColour["blocked"]}} {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="14" height="10" fill="%s"/>`+"\n", lx, ly, it.colour)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s fill="#212121">%s</text>`+"\n", lx+18, ly+9, font, it.name)
		lx += 130
	}
	fmt.Fprintf(&b, `<path d="M %.1f %.1f l -3.5 -5 h 7 z" fill="#c62828"/>`+"\n", lx+7, ly+8)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s fill="#212121">drop request</text>`+"\n", lx+18, ly+9, font)
	lx += 110
	fmt.Fprintf(&b, `<path d="M %.1f %.1f l 4 4 l -4 4 l -4 -4 z" fill="#6a1b9a"/>`+"\n", lx+7, ly+1)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s fill="#212121">monitor hand-off</text>`+"\n", lx+18, ly+9, font)
	b.WriteString("</svg>\n")
	return b.String()
}

// maxDrawnSegments is how many segments SVG draws one by one. A longer
// trace (a deterministic schedule switches every few check points: one
// cell's trace was 1.6 MB) is drawn per pixel column instead, which
// bounds the picture's size by its width and number of threads.
const maxDrawnSegments = 3000

// perColumn reduces segs to at most cols segments per thread: each
// column of the picture (dur/cols long) shows the state its thread spent
// most of that column in, and equal neighbours merge.
func perColumn(segs []Segment, dur time.Duration, cols int) []Segment {
	col := float64(dur) / float64(cols)
	states := []string{"holding", "waiting", "blocked"}
	index := map[string]int{"holding": 0, "waiting": 1, "blocked": 2}
	type lane struct{ share [][3]float64 }
	lanes := map[int64]*lane{}
	var order []int64
	for _, s := range segs {
		l := lanes[s.Thread]
		if l == nil {
			l = &lane{share: make([][3]float64, cols)}
			lanes[s.Thread] = l
			order = append(order, s.Thread)
		}
		si, ok := index[s.State]
		if !ok {
			continue
		}
		from, to := float64(s.Start)/col, float64(s.End)/col
		for c := int(from); c < cols && float64(c) < to; c++ {
			l.share[c][si] += math.Min(to, float64(c+1)) - math.Max(from, float64(c))
		}
	}
	var out []Segment
	for _, id := range order {
		l := lanes[id]
		open := -1 // the state of the segment being extended, -1 none
		for c := 0; c <= cols; c++ {
			best := -1
			if c < cols {
				for i, v := range l.share[c] {
					if v > 0 && (best < 0 || v > l.share[c][best]) {
						best = i
					}
				}
			}
			if best == open {
				if open >= 0 {
					out[len(out)-1].End = time.Duration(float64(c+1) * col)
				}
				continue
			}
			open = best
			if best >= 0 {
				out = append(out, Segment{Thread: id, State: states[best],
					Start: time.Duration(float64(c) * col), End: time.Duration(float64(c+1) * col)})
			}
		}
	}
	return out
}

func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func fmtMS(d time.Duration) string {
	return trimFloat(float64(d)/float64(time.Millisecond)) + " ms"
}
