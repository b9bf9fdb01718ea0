package gil

import (
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// deterministicTrace records a reproducible schedule on a fake clock: a
// main thread spawns three CPU-bound threads and one that blocks until
// they ended.
func deterministicTrace(t *testing.T) *Trace {
	t.Helper()
	clock := &fakeClock{step: 100 * time.Microsecond}
	l := New(Options{Now: clock.Now, MonitorDelay: -1})
	l.SetDeterministic(42, 4)
	main := l.NewThread("main cell[1]")
	l.StartTrace()
	main.Acquire()
	gate := make(chan struct{})
	blocker := l.Go("cell[1] waiter", func() {
		l.Current().Blocking(func() { <-gate })
	})
	var workers []*Thread
	for i := range 3 {
		workers = append(workers, l.Go(fmt.Sprintf("cell[1] worker %d", i), func() {
			th := l.Current()
			for range 10 + 4*i {
				th.Checkpoint()
			}
		}))
	}
	main.Release()
	waitDone(t, workers...)
	// The blocker released the lock at its first turn; now wake it.
	close(gate)
	waitDone(t, blocker)
	tr := l.StopTrace()
	main.Close()
	return tr
}

func TestTraceSVGGolden(t *testing.T) {
	tr := deterministicTrace(t)
	got := tr.SVG()
	// Well-formed XML, no script, no external resources.
	d := xml.NewDecoder(strings.NewReader(got))
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("SVG is not well-formed XML: %v", err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && (se.Name.Local == "script" || se.Name.Local == "style" || se.Name.Local == "image") {
			t.Errorf("SVG contains <%s>", se.Name.Local)
		}
	}
	for _, bad := range []string{"href", "@import", "url("} {
		if strings.Contains(got, bad) {
			t.Errorf("SVG contains %q", bad)
		}
	}
	golden := filepath.Join("testdata", "trace.svg")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("SVG differs from %s (run go test -update and review the diff)", golden)
	}
	// The same run again gives the same picture.
	if again := deterministicTrace(t).SVG(); again != got {
		t.Errorf("two deterministic traces differ")
	}
}

func TestTraceSegments(t *testing.T) {
	tr := &Trace{
		Duration: 10 * time.Millisecond,
		Threads:  []TraceThread{{1, "a"}, {2, "b"}},
		Events: []Event{
			{0, 1, EvAcquire},
			{1 * time.Millisecond, 2, EvWaitBegin},
			{5 * time.Millisecond, 2, EvDropRequest},
			{6 * time.Millisecond, 1, EvRelease},
			{6 * time.Millisecond, 1, EvWaitBegin},
			{6 * time.Millisecond, 2, EvAcquire},
			{8 * time.Millisecond, 2, EvRelease},
			{8 * time.Millisecond, 2, EvBlockBegin},
			{8 * time.Millisecond, 1, EvAcquire},
		},
	}
	want := []Segment{
		{1, "holding", 0, 6 * time.Millisecond},
		{2, "waiting", 1 * time.Millisecond, 6 * time.Millisecond},
		{2, "holding", 6 * time.Millisecond, 8 * time.Millisecond},
		{1, "waiting", 6 * time.Millisecond, 8 * time.Millisecond},
		{1, "holding", 8 * time.Millisecond, 10 * time.Millisecond},
		{2, "blocked", 8 * time.Millisecond, 10 * time.Millisecond},
	}
	got := tr.Segments()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("segments:\ngot  %v\nwant %v", got, want)
	}
	if s := tr.Slices(); fmt.Sprint(s) != "[6ms 2ms]" {
		t.Errorf("slices: got %v, want [6ms 2ms]", s)
	}
	if a := tr.Acquires(); fmt.Sprint(a) != "[1 2 1]" {
		t.Errorf("acquires: got %v", a)
	}
}

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ raw, want float64 }{
		{0, 1}, {0.3, 0.5}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {37.5, 50},
	} {
		if got := niceStep(tc.raw); got != tc.want {
			t.Errorf("niceStep(%v): got %v, want %v", tc.raw, got, tc.want)
		}
	}
}

// TestTraceSVGBounded: a trace of many short turns (two threads taking
// turns 100,000 times, as a deterministic schedule does) is drawn per
// pixel column, so the picture stays small; each thread still shows
// holding and waiting.
func TestTraceSVGBounded(t *testing.T) {
	tr := &Trace{Duration: time.Second, Interval: 5 * time.Millisecond,
		Threads: []TraceThread{{ID: 1, Tag: "a"}, {ID: 2, Tag: "b"}}}
	const turns = 100000
	step := time.Second / turns
	for i := 0; i < turns; i++ {
		at := time.Duration(i) * step
		holder, waiter := int64(1+i%2), int64(2-i%2)
		tr.Events = append(tr.Events,
			Event{At: at, Thread: waiter, Kind: EvRelease},
			Event{At: at, Thread: waiter, Kind: EvWaitBegin},
			Event{At: at, Thread: holder, Kind: EvAcquire},
			Event{At: at, Thread: holder, Kind: EvDropRequest})
	}
	if n := len(tr.Segments()); n <= maxDrawnSegments {
		t.Fatalf("the trace has %d segments, want more than %d for this test", n, maxDrawnSegments)
	}
	svg := tr.SVG()
	if len(svg) > 400<<10 {
		t.Errorf("SVG of %d turns is %d bytes, want at most 400 KiB", turns, len(svg))
	}
	for _, want := range []string{`#1 holding`, `#2 holding`, `#1 waiting`, `#2 waiting`} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Errorf("SVG is not well-formed: %v", err)
	}
}
