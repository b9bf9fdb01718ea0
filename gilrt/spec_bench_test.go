package gilrt

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// specCell runs the "numbers to reproduce" of spec/gil.md as interpreted
// cells under the GIL and prints key<TAB>value lines, with the keys of
// gil/testdata/cpython_gil.py (plus the free-threaded and one-goroutine
// references CPython has no column for).
const specCell = `import ("fmt"; "sort"; "sync"; "time"; "gil")
func step(x uint32) uint32 { return x*1103515245 + 12345 }
func cpuWork(n int) uint32 { x := uint32(1); for i := 0; i < n; i++ { x = step(x) }; return x }
func calibrate(d time.Duration) int {
	n := 10000
	for {
		t0 := time.Now()
		cpuWork(n)
		el := time.Since(t0)
		if el > 20*time.Millisecond { return int(float64(n) * float64(d) / float64(el)) }
		n *= 2
	}
}
func runAll(fs ...func()) time.Duration {
	var wg sync.WaitGroup
	t0 := time.Now()
	for _, f := range fs {
		wg.Add(1)
		go func(f func()) { defer wg.Done(); f() }(f)
	}
	wg.Wait()
	return time.Since(t0)
}
func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }
func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}
func spinUntil(stop *bool) { x := uint32(1); for !*stop { for i := 0; i < 50; i++ { x = step(x) } } }
func sleepProbe(n int, d time.Duration, stop *bool) []time.Duration {
	var over []time.Duration
	for i := 0; i < n; i++ {
		t0 := time.Now()
		time.Sleep(d)
		over = append(over, time.Since(t0)-d)
	}
	*stop = true
	return over
}
var counter int
func work() {}
func spec() {
	n100 := calibrate(100 * time.Millisecond)
	one := runAll(func() { cpuWork(n100) })
	fmt.Printf("cpu1x100_ms\t%s\n", ms(one))
	el := runAll(func() { cpuWork(n100) }, func() { cpuWork(n100) })
	fmt.Printf("cpu2x100_gil_ms\t%s\n", ms(el))
	gil.Disable()
	el = runAll(func() { cpuWork(n100) }, func() { cpuWork(n100) })
	gil.Enable()
	fmt.Printf("cpu2x100_nogil_ms\t%s\n", ms(el))

	stop := false
	s0 := gil.Stats().Switches
	tr := gil.Record(func() {
		runAll(func() { spinUntil(&stop) }, func() { spinUntil(&stop) }, func() { time.Sleep(300 * time.Millisecond); stop = true })
	})
	fmt.Printf("switches_300ms\t%d\n", gil.Stats().Switches-s0)
	if sl := tr.Slices(); len(sl) > 0 { fmt.Printf("median_slice_ms\t%s\n", ms(median(sl))) }

	sleeps := []func(){}
	for i := 0; i < 10; i++ { sleeps = append(sleeps, func() { time.Sleep(100 * time.Millisecond) }) }
	fmt.Printf("sleep10x100_ms\t%s\n", ms(runAll(sleeps...)))

	for _, iv := range []time.Duration{5 * time.Millisecond, time.Millisecond} {
		gil.SetSwitchInterval(iv)
		stop = false
		var over []time.Duration
		runAll(func() { spinUntil(&stop) }, func() { over = sleepProbe(15, 10*time.Millisecond, &stop) })
		fmt.Printf("overshoot_%dms_ms\t%s\n", iv/time.Millisecond, ms(median(over)))
	}
	gil.SetSwitchInterval(5 * time.Millisecond)

	const n = 1000000
	counter = 0
	inc := func() { for i := 0; i < n; i++ { counter++ } }
	runAll(inc, inc)
	fmt.Printf("counter_gil\t%d\n", counter)
	counter = 0
	rmw := func() { for i := 0; i < n; i++ { v := counter; work(); counter = v + 1 } }
	runAll(rmw, rmw)
	fmt.Printf("rmw_gil\t%d\n", counter)

	stop = false
	var lat []time.Duration
	runAll(func() { spinUntil(&stop) }, func() { lat = sleepProbe(30, time.Millisecond, &stop) })
	fmt.Printf("io_latency_median_ms\t%s\n", ms(median(lat)))
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("io_latency_max_ms\t%s\n", ms(lat[len(lat)-1]))
	fmt.Printf("setswitchinterval_0\t%v\n", gil.SetSwitchInterval(0))
}`

// specRows describes the keys, in the order of the table.
var specRows = []struct{ key, what string }{
	{"cpu1x100_ms", "1 × 100 ms CPU, wall (reference)"},
	{"cpu2x100_gil_ms", "2 × 100 ms CPU, wall, with GIL"},
	{"cpu2x100_nogil_ms", "2 × 100 ms CPU, wall, GIL disabled"},
	{"switches_300ms", "switches in 300 ms of 2-way CPU contention"},
	{"median_slice_ms", "median slice a holder keeps the lock (5 ms interval)"},
	{"sleep10x100_ms", "10 × sleep 100 ms, wall, with GIL"},
	{"overshoot_5ms_ms", "wake-up overshoot past a 10 ms sleep next to a spinner, 5 ms (median)"},
	{"overshoot_1ms_ms", "the same, 1 ms interval"},
	{"counter_gil", "counter++ × 1e6 in 2 goroutines, with GIL (want 2000000)"},
	{"rmw_gil", "v := counter; work(); counter = v+1, × 1e6 in 2 goroutines"},
	{"io_latency_median_ms", "IO goroutine next to a CPU-bound one: extra latency per 1 ms wait, median"},
	{"io_latency_max_ms", "the same, max"},
	{"setswitchinterval_0", "SetSwitchInterval(0) error"},
}

// BenchmarkSpecTable runs spec/gil.md's "numbers to reproduce" as
// interpreted cells in a Session with the GIL and prints them as a table,
// next to CPython's (gil/testdata/cpython_gil.py run by /usr/bin/python3,
// when it exists). Numeric rows are also reported as metrics. Measurements,
// not assertions. Run with -benchtime=1x.
func BenchmarkSpecTable(b *testing.B) {
	f := newFixture(b, Options{})
	if out := f.run(specCell); out != "" {
		b.Fatal(out)
	}
	var got map[string]string
	for i := 0; i < b.N; i++ {
		out := f.run("spec()")
		got = parseTSV(out)
		if len(got) == 0 {
			b.Fatalf("spec(): %q", out)
		}
	}
	b.StopTimer()
	py := cpythonTable(b)
	var t strings.Builder
	fmt.Fprintf(&t, "\n| key | experiment | gilgo | CPython |\n|---|---|---|---|\n")
	for _, r := range specRows {
		fmt.Fprintf(&t, "| %s | %s | %s | %s |\n", r.key, r.what, orDash(got[r.key]), orDash(py[r.key]))
		if v, err := strconv.ParseFloat(got[r.key], 64); err == nil {
			b.ReportMetric(v, r.key)
		}
	}
	fmt.Print(t.String()) // b.Log truncates benchmark output to a few lines
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func parseTSV(s string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "\t"); ok {
			m[k] = v
		}
	}
	return m
}

// cpythonTable runs the CPython script when /usr/bin/python3 exists.
func cpythonTable(b *testing.B) map[string]string {
	const py, script = "/usr/bin/python3", "../gil/testdata/cpython_gil.py"
	if _, err := os.Stat(py); err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, script, "--tsv").Output()
	if err != nil {
		b.Logf("cpython: %v", err)
		return nil
	}
	return parseTSV(string(out))
}

// BenchmarkGeneratorSend: ns per Send of a generator (package coroutine)
// under the GIL, where the hooks move the caller's gil.Thread to the body
// and back, against a round trip over two unbuffered channels between
// two goroutines of the same cell (each hop releases and re-takes the
// lock), both driven by interpreted code. Reports ns/send, ns/roundtrip
// and their ratio.
func BenchmarkGeneratorSend(b *testing.B) { benchGeneratorSend(b, false) }

// BenchmarkGeneratorSendFree is BenchmarkGeneratorSend with the GIL
// disabled (gil.Disable): the free-threaded comparison, where the hooks
// and the channel operations' wrappers have no holder to go by and look
// the goroutine up.
func BenchmarkGeneratorSendFree(b *testing.B) { benchGeneratorSend(b, true) }

func benchGeneratorSend(b *testing.B, free bool) {
	f := newFixture(b, Options{})
	if free {
		if out := f.run(`import "gil"; gil.Disable()`); out != "" {
			b.Fatal(out)
		}
	}
	if out := f.run(`import ("coroutine"; "time")
func sends(n int) time.Duration {
	g := coroutine.New(func(co *coroutine.Co) any { for { co.Yield(1) } })
	t0 := time.Now()
	for i := 0; i < n; i++ { g.Send(nil) }
	el := time.Since(t0)
	g.Close()
	return el
}
func roundTrips(n int) time.Duration {
	req, resp := make(chan int), make(chan int)
	go func() { for v := range req { resp <- v } ; close(resp) }()
	t0 := time.Now()
	for i := 0; i < n; i++ { req <- i; <-resp }
	el := time.Since(t0)
	close(req)
	return el
}`); out != "" {
		b.Fatal(out)
	}
	const n = 2000
	var gen, ch []time.Duration
	for i := 0; i < 5*b.N; i++ {
		for _, k := range []struct {
			cell string
			to   *[]time.Duration
		}{{"sends", &gen}, {"roundTrips", &ch}} {
			out := f.run(fmt.Sprintf("%s(%d).Nanoseconds()", k.cell, n))
			v, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(out, "="), "\n"), 10, 64)
			if err != nil {
				b.Fatalf("%s: %q", k.cell, out)
			}
			*k.to = append(*k.to, time.Duration(v))
		}
	}
	g, c := median(gen)/n, median(ch)/n
	b.ReportMetric(float64(g), "ns/send")
	b.ReportMetric(float64(c), "ns/roundtrip")
	b.ReportMetric(float64(g)/float64(c), "send/roundtrip")
}
