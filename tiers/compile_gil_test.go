package tiers

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/needs"
	"github.com/gilgo/gilgo/notebook"
	"github.com/gilgo/gilgo/session"
)

// The GIL invariants with compiled workers (issue 9): %%compile cells whose
// goroutines (go → rt.Go) run under the session's lock.

// gilCounterCell is compiled: bump is `counter++` n times (check points
// only at its loop top), bumpSlow is the read-modify-write with a call in
// the middle (work's loop top is a check point), start runs two
// goroutines and signals done when each ends, so the interpreted caller
// waits with channel receives that release the lock.
const gilCounterCell = `%%compile
// counter is on the heap: the race detector ignores a plugin's globals
// (only the host binary's data and bss have shadow memory).
var counter = new(int)
var sink = new(int)

func bump(n int) {
	for i := 0; i < n; i++ {
		*counter++
	}
}

func work() int {
	s := 0
	for i := 0; i < 20; i++ {
		s += i
	}
	return s
}

func bumpSlow(n int) {
	for i := 0; i < n; i++ {
		v := *counter
		*sink += work()
		*counter = v + 1
	}
}

func start(slow bool, n int, done chan bool) {
	*counter = 0
	for g := 0; g < 2; g++ {
		go func() {
			if slow {
				bumpSlow(n)
			} else {
				bump(n)
			}
			done <- true
		}()
	}
}

func count() int { return *counter }
`

// cellRunner runs cells in one session and returns their stdout.
type cellRunner struct {
	tb   testing.TB
	sess *session.Session
	n    int
}

func newCellRunner(tb testing.TB) *cellRunner {
	tb.Helper()
	needs.CompiledTier(tb, compiled.Check())
	return newRunnerWith(tb, Options{})
}

// newRunnerWith is a cellRunner on a session made with opts, whatever the
// compiled tier can do here.
func newRunnerWith(tb testing.TB, opts Options) *cellRunner {
	tb.Helper()
	sess, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sess.Shutdown(context.Background(), false) })
	return &cellRunner{tb: tb, sess: sess}
}

// execute runs code as the next cell, bounded by a minute, and returns
// its result and output.
func (r *cellRunner) execute(code string) (engine.ExecuteResult, *captureOutput) {
	r.n++
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := &captureOutput{}
	return r.sess.Execute(ctx, engine.ExecuteRequest{Code: code, ExecutionCount: r.n}, out), out
}

// must runs code and returns its output; a cell error fails the test.
func (r *cellRunner) must(code string) *captureOutput {
	r.tb.Helper()
	res, out := r.execute(code)
	if res.Error != nil {
		r.tb.Fatalf("cell %q: %s: %s\nstderr: %s", code, res.Error.Name, res.Error.Value, out.text("stderr"))
	}
	return out
}

// run executes code and returns its stdout; a cell error or a cell that
// runs past a minute fails the test.
func (r *cellRunner) run(code string) string {
	r.tb.Helper()
	return r.must(code).text("stdout")
}

// display runs code and returns the text/html of what it displayed.
func (r *cellRunner) display(code string) string {
	r.tb.Helper()
	return r.must(code).text("display text/html")
}

// runInt runs code that prints one integer.
func (r *cellRunner) runInt(code string) int {
	r.tb.Helper()
	s := strings.TrimSpace(r.run(code))
	v, err := strconv.Atoi(s)
	if err != nil {
		r.tb.Fatalf("cell %q printed %q, want one integer", code, s)
	}
	return v
}

// captureOutput keeps a cell's streams.
type captureOutput struct {
	mu      sync.Mutex
	streams map[string]*strings.Builder
}

func (o *captureOutput) Stream(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.streams == nil {
		o.streams = map[string]*strings.Builder{}
	}
	if o.streams[name] == nil {
		o.streams[name] = &strings.Builder{}
	}
	o.streams[name].WriteString(text)
}

func (o *captureOutput) text(name string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if b := o.streams[name]; b != nil {
		return b.String()
	}
	return ""
}

func (*captureOutput) Result(engine.MIMEBundle, map[string]any) {}

// Display keeps the text/html of displays as the stream "display text/html"
// and the text of gilgo's notes (engine.Note, engine.Progress) as "note",
// a line each.
func (o *captureOutput) Display(data engine.MIMEBundle, metadata map[string]any, _ string, _ bool) {
	if h, ok := data["text/html"].(string); ok {
		o.Stream("display text/html", h)
	}
	if engine.IsNote(metadata) {
		o.Stream("note", fmt.Sprint(data["text/plain"])+"\n")
	}
}
func (*captureOutput) ClearOutput(bool) {}
func (*captureOutput) Input(context.Context, string, bool) (string, error) {
	return "", notebook.ErrNoStdin
}

// raceEnabled reports whether this test binary was built with -race (the
// compiled tier copies the flag into its plugin builds).
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// startCell is the interpreted cell that runs start and prints the count.
func startCell(slow bool, n int) string {
	return fmt.Sprintf("import \"fmt\"\ndone := make(chan bool, 2)\nstart(%v, %d, done)\n<-done\n<-done\nfmt.Println(count())", slow, n)
}

// TestCompiledGILMutualExclusion: `counter++` from two compiled goroutines
// is exact with the GIL on (check points only at loop tops, as in CPython
// 3.10+), also under -race: the plugin is built with -race (copied from
// this binary) and the counter is on the heap, so a race is seen; with the
// GIL off, TSan then dies with "failed to restore address" (it cannot
// unwind plugin frames), which fails the run. With the GIL off and no
// -race the same run may lose updates; that is logged, not asserted.
func TestCompiledGILMutualExclusion(t *testing.T) {
	r := newCellRunner(t)
	r.run(gilCounterCell)
	// Long enough for many switches at a 0.5 ms interval (bump is ~1 ns
	// per increment compiled, ~20x that under -race).
	n := 20_000_000
	if raceEnabled() {
		n = 2_000_000
	}
	r.run("import (\n\t\"gil\"\n\t\"sys\"\n)\nif err := sys.SetSwitchInterval(0.0005); err != nil {\n\tpanic(err)\n}")
	defer r.run("sys.SetSwitchInterval(0.005)")
	// A first, unmeasured run: the plugin's code runs for the first time
	// (page faults, the goroutines' first start), which on a loaded
	// machine has let one goroutine finish before the other asked for
	// the lock.
	r.runInt(startCell(false, n))
	// Every run must be exact; at least one must have interleaved the two
	// goroutines (>= 2 forced switches), or exactness proves nothing. On
	// a loaded machine one goroutine may still finish before the other
	// asks for the lock in a given run.
	interleaved := 0
	for try := 0; try < 3; try++ {
		r.run("gil.ResetStats()")
		got := r.runInt(startCell(false, n))
		forced := r.runInt("fmt.Println(gil.Stats().ForcedSwitches)")
		t.Logf("GIL on: counter = %d, forced switches %d", got, forced)
		if got != 2*n {
			t.Fatalf("try %d: counter = %d with the GIL on, want exactly %d", try, got, 2*n)
		}
		if forced >= 2 {
			interleaved++
		}
	}
	if interleaved == 0 {
		t.Errorf("no run interleaved the two goroutines (>= 2 forced switches): exactness shows nothing")
	}
	if raceEnabled() {
		t.Log("-race: the GIL-off run is skipped (it races by design)")
		return
	}
	r.run("gil.Disable()")
	got := r.runInt(startCell(false, n))
	r.run("gil.Enable()")
	t.Logf("GIL off: counter = %d of %d (lost %d)", got, 2*n, 2*n-got)
	if got > 2*n {
		t.Errorf("GIL off: counter = %d, more than the %d increments", got, 2*n)
	}
}

// TestCompiledGILLostUpdate: `v := counter; work(); counter = v + 1` loses
// updates with the GIL on, because work's loop top is a check point where
// the lock may switch (the GIL is not thread safety). A loss depends on
// when a drop request lands, so up to 5 tries must show one.
func TestCompiledGILLostUpdate(t *testing.T) {
	r := newCellRunner(t)
	r.run(gilCounterCell)
	r.run("import \"sys\"\nif err := sys.SetSwitchInterval(0.0005); err != nil {\n\tpanic(err)\n}")
	defer r.run("sys.SetSwitchInterval(0.005)")
	n := 1_000_000 // the spec's table: CPython loses ≈ 0.35M–0.85M of 2M
	if raceEnabled() {
		n = 200_000
	}
	var got []int
	for try := 0; try < 5; try++ {
		c := r.runInt(startCell(true, n))
		got = append(got, c)
		if c > 2*n {
			t.Fatalf("counter = %d, more than the %d increments", c, 2*n)
		}
		if c < 2*n {
			t.Logf("GIL on, interval 0.5 ms: counter = %d of %d after %d tries (%v)", c, 2*n, try+1, got)
			return
		}
	}
	t.Errorf("counter = %v in 5 tries, want at least one below %d (a switch inside the read-modify-write)", got, 2*n)
}

// twoXCells: the CPU-bound body compiled and interpreted, and pairs that
// run it on two goroutines, done signalled on a channel.
const (
	twoXCompiled = `%%compile
func spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x = x*31 + i
	}
	return x
}

func pair(n int, done chan bool) {
	for g := 0; g < 2; g++ {
		go func() {
			spin(n)
			done <- true
		}()
	}
}
`
	twoXInterpreted = `func ispin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x = x*31 + i
	}
	return x
}

func ipair(n int, done chan bool) {
	for g := 0; g < 2; g++ {
		go func() {
			ispin(n)
			done <- true
		}()
	}
}
`
)

// BenchmarkCompiled2xCPU is the 2×CPU GIL experiment: one call of a
// CPU-bound func (~100 ms), then two goroutines calling it concurrently
// with the GIL on and with gil.Disable(), compiled and interpreted in the
// same run. It reports pair/one, the ratio of medians (on-x ≈ 2: the GIL
// serialises; off-x ≈ 1 on 2 idle cores), and native-x, the same loop as
// plain Go goroutines in this binary: what parallelism the machine gives
// right now, the floor for off-x (a shared VM may give none).
func BenchmarkCompiled2xCPU(b *testing.B) {
	r := newCellRunner(b)
	r.run("import (\n\t\"fmt\"\n\t\"gil\"\n\t\"time\"\n)")
	r.run(twoXCompiled)
	r.run(twoXInterpreted)
	// timed runs code between t0 and the print of the elapsed time.
	timed := func(code string) time.Duration {
		return time.Duration(r.runInt("t0 := time.Now()\n" + code + "\nfmt.Println(int64(time.Since(t0)))"))
	}
	// calibrate scales n so that one call takes about 100 ms.
	calibrate := func(f string, n0 int) int {
		timed(fmt.Sprintf("_ = %s(%d)", f, n0)) // warm up
		for {
			d := timed(fmt.Sprintf("_ = %s(%d)", f, n0))
			if d >= 20*time.Millisecond {
				return int(float64(n0) * float64(100*time.Millisecond) / float64(d))
			}
			n0 *= 10
		}
	}
	type tier struct {
		name, one, pair string
		n               int
		d               [3][]time.Duration // one, pair GIL on, pair GIL off
	}
	tiers := []*tier{
		{name: "compiled", one: "spin", pair: "pair", n: calibrate("spin", 1_000_000)},
		{name: "interpreted", one: "ispin", pair: "ipair", n: calibrate("ispin", 10_000)},
	}
	// native: the same loop in this binary, no GIL: what two goroutines
	// gain on this machine right now.
	nativeN := 1_000_000
	nativeSpin(nativeN) // warm up
	for {
		t0 := time.Now()
		nativeSpin(nativeN)
		if d := time.Since(t0); d >= 20*time.Millisecond {
			nativeN = int(float64(nativeN) * float64(100*time.Millisecond) / float64(d))
			break
		}
		nativeN *= 10
	}
	var native [2][]time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		nativeSpin(nativeN)
		native[0] = append(native[0], time.Since(t0))
		t0 = time.Now()
		var wg sync.WaitGroup
		for g := 0; g < 2; g++ {
			wg.Go(func() { nativeSpin(nativeN) })
		}
		wg.Wait()
		native[1] = append(native[1], time.Since(t0))
		for _, t := range tiers {
			t.d[0] = append(t.d[0], timed(fmt.Sprintf("_ = %s(%d)", t.one, t.n)))
			pairCode := fmt.Sprintf("done := make(chan bool, 2)\n%s(%d, done)\n<-done\n<-done", t.pair, t.n)
			t.d[1] = append(t.d[1], timed(pairCode))
			r.run("gil.Disable()")
			t.d[2] = append(t.d[2], timed(pairCode))
			r.run("gil.Enable()")
		}
	}
	b.StopTimer()
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n%-12s %10s %12s %12s %6s %6s\n", "tier", "one", "pair GIL on", "pair GIL off", "on-x", "off-x")
	one, pair := median(native[0]), median(native[1])
	fmt.Fprintf(&tab, "%-12s %10v %12s %12v %6s %6.2f\n", "native go", one.Round(time.Millisecond), "-", pair.Round(time.Millisecond), "-", float64(pair)/float64(one))
	b.ReportMetric(float64(pair)/float64(one), "native-x")
	for _, t := range tiers {
		one, on, off := median(t.d[0]), median(t.d[1]), median(t.d[2])
		onx, offx := float64(on)/float64(one), float64(off)/float64(one)
		fmt.Fprintf(&tab, "%-12s %10v %12v %12v %6.2f %6.2f\n", t.name,
			one.Round(time.Millisecond), on.Round(time.Millisecond), off.Round(time.Millisecond), onx, offx)
		prefix := ""
		if t.name == "interpreted" {
			prefix = "interp-"
		}
		b.ReportMetric(onx, prefix+"on-x")
		b.ReportMetric(offx, prefix+"off-x")
	}
	if b.N > 1 { // the probing b.N=1 round would crowd it out (benchmark logs are cut at 10 lines)
		b.Log(strings.TrimSuffix(tab.String(), "\n"))
	}
}

// nativeSink keeps nativeSpin's result alive.
var nativeSink atomic.Int64

// nativeSpin is spin compiled into the test binary, without check points.
func nativeSpin(n int) {
	x := 0
	for i := 0; i < n; i++ {
		x = x*31 + i
	}
	nativeSink.Add(int64(x))
}
