package experiment

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/internal/celltest"
	"github.com/gilgo/gilgo/session/hook"
)

const ms = time.Millisecond

// TestPairNotes: what a comparison says follows from its figures, on
// every kind of machine: parallel on two free cores, one usable core
// (taskset -c 0, cpu.max = 1), a busy machine, a load that changed, and
// the figures a lock cannot give by itself explained.
func TestPairNotes(t *testing.T) {
	two := MachineInfo{Online: 2, NumCPU: 2, GOMAXPROCS: 2, Load: 0.1}
	taskset := MachineInfo{Online: 2, NumCPU: 1, GOMAXPROCS: 1, Load: 0.1}
	quota := MachineInfo{Online: 4, NumCPU: 4, GOMAXPROCS: 2, CgroupCPU: 1, Load: 0.1}
	one := Run{Wall: 100 * ms, CPU: 100 * ms}
	tests := []struct {
		name string
		p    Pair
		want []string // a substring of each note, in order
	}{
		{"parallel", Pair{One: one, On: Run{200 * ms, 200 * ms}, Off: Run{105 * ms, 200 * ms}, Control: Run{50 * ms, 100 * ms}, Machine: two},
			[]string{"Without the GIL the pair ran in parallel, 1.90 cores busy"}},
		{"taskset -c 0", Pair{One: one, On: Run{200 * ms, 200 * ms}, Off: Run{200 * ms, 200 * ms}, Control: Run{100 * ms, 100 * ms}, Machine: taskset},
			[]string{"This process may use 1 core only (the affinity mask, as taskset sets it): nothing runs in parallel here"}},
		{"cpu.max 1", Pair{One: one, On: Run{200 * ms, 200 * ms}, Off: Run{200 * ms, 200 * ms}, Control: Run{100 * ms, 100 * ms}, Machine: quota},
			[]string{"This process may use 1 core only (the cgroup's cpu.max)"}},
		{"busy machine", Pair{One: one, On: Run{200 * ms, 200 * ms}, Off: Run{180 * ms, 200 * ms}, Control: Run{90 * ms, 100 * ms}, Machine: two},
			[]string{"Other programs kept this machine's cores busy: even the compiled control pair, which never takes the GIL, kept only 1.11 cores busy"}},
		{"load changed", Pair{One: one, On: Run{200 * ms, 200 * ms}, Off: Run{180 * ms, 200 * ms}, Control: Run{50 * ms, 100 * ms}, Machine: two},
			[]string{"Unexpected: the compiled control pair kept 2.00 cores busy but the GIL-off pair only 1.11"}},
		{"GIL-on pair faster than 2x: one task slowed", Pair{One: Run{180 * ms, 100 * ms}, On: Run{200 * ms, 200 * ms}, Off: Run{110 * ms, 200 * ms}, Control: Run{50 * ms, 100 * ms}, Machine: two},
			[]string{"pair took 1.11× one task, less than the 2× that taking turns on one lock allows: the one-task runs were slowed by other programs (180 ms of wall time for 100 ms of CPU time). By CPU time the pair did 2.00× one task's work",
				"ran in parallel",
				"The GIL-off pair took 0.61× one task, less than one task alone"}},
		{"GIL on, two cores busy", Pair{One: one, On: Run{200 * ms, 300 * ms}, Off: Run{105 * ms, 200 * ms}, Control: Run{50 * ms, 100 * ms}, Machine: two},
			[]string{"With the GIL on, 1.50 cores were busy", "ran in parallel"}},
		{"I/O-bound", Pair{One: Run{100 * ms, 1 * ms}, On: Run{101 * ms, 2 * ms}, Off: Run{101 * ms, 2 * ms}, Machine: taskset},
			[]string{"Waiting releases the lock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notes := tt.p.Notes()
			if len(notes) != len(tt.want) {
				t.Fatalf("notes:\n%s\nwant %d", strings.Join(notes, "\n"), len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(notes[i], w) {
					t.Errorf("note %d = %q, want it to contain %q", i, notes[i], w)
				}
			}
		})
	}
}

// TestPairString: the figures are printed in the lines the notebooks'
// test reads, with the machine and the notes after them.
func TestPairString(t *testing.T) {
	p := Pair{Name: "CPU-bound", Rounds: 3, One: Run{100 * ms, 100 * ms}, On: Run{200 * ms, 200 * ms},
		Off: Run{105 * ms, 200 * ms}, Control: Run{50 * ms, 100 * ms}, Machine: MachineInfo{Online: 2, NumCPU: 2, GOMAXPROCS: 2, Load: 0.5}}
	want := `CPU-bound, best of 3 interleaved rounds:
  one task:            100 ms (CPU 100 ms)
  two tasks, GIL on:   200 ms = 2.00× one task; 1.00 cores busy
  two tasks, GIL off:  105 ms = 1.05× one task; 1.90 cores busy
  control, two compiled goroutines without the GIL: 2.00 cores busy
this machine: 2 CPUs online; this process may use 2 cores (affinity 2 CPUs, GOMAXPROCS 2, no cgroup CPU limit); load average 0.50
Without the GIL the pair ran in parallel, 1.90 cores busy; with it, one core at a time.`
	if got := p.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if c := p.Chart(); len(c.Series) != 2 || c.Series[1].Y[2] != 200 {
		t.Errorf("chart series %+v, want wall and CPU times", c.Series)
	}
}

// TestExplain: a run whose CPU time is out of sight (a pool's processes)
// is judged by its ratio, the usable cores and a control beside it.
func TestExplain(t *testing.T) {
	two := MachineInfo{Online: 2, NumCPU: 2, GOMAXPROCS: 2}
	one := MachineInfo{Online: 2, NumCPU: 2, GOMAXPROCS: 2, CgroupCPU: 1}
	free, busy := Run{Wall: 50 * ms, CPU: 100 * ms}, Run{Wall: 90 * ms, CPU: 100 * ms}
	tests := []struct {
		name  string
		m     MachineInfo
		k     int
		ratio float64
		ctl   Run
		want  string
	}{
		{"parallel", two, 2, 1.05, free, "They ran in parallel: 1.05× one task, where 2 cores allow 1.00×."},
		{"three on two cores", two, 3, 1.6, free, "They ran in parallel: 1.60× one task, where 2 cores allow 1.50×."},
		{"one core", one, 2, 2.0, busy, "This process may use 1 core only (the cgroup's cpu.max), and so may the processes it starts: the 2 tasks cannot run in parallel here, GIL or not; they take about 2× one task."},
		{"busy", two, 2, 1.8, busy, "Other programs kept this machine's cores busy: 2 compiled goroutines beside them kept only 1.11 cores busy"},
		{"load changed", two, 2, 1.8, free, "Unexpected: 2 compiled goroutines beside them kept 2.00 cores busy, yet the tasks took 1.80× one task"},
		{"too fast", two, 3, 1.0, free, "They ran in parallel: 1.00× one task, where 2 cores allow 1.50×. 1.00× is less than 2 cores allow: the one-task runs were slowed by other programs."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := explain(tt.m, tt.k, tt.ratio, tt.ctl); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestComputes: a task that waits is told from one that computes on a
// machine ten times oversubscribed.
func TestComputes(t *testing.T) {
	for _, tt := range []struct {
		r    Run
		want bool
	}{
		{Run{100 * ms, 100 * ms}, true},
		{Run{900 * ms, 100 * ms}, true}, // 9 programs per core
		{Run{150 * ms, 3 * ms}, false},  // a sleep
		{Run{}, false},
	} {
		if got := computes(tt.r); got != tt.want {
			t.Errorf("computes(%v) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestMachine(t *testing.T) {
	tests := []struct {
		m     MachineInfo
		cores float64
		limit string
		text  string
	}{
		{MachineInfo{Online: 2, NumCPU: 2, GOMAXPROCS: 2, Load: -1}, 2, "",
			"this machine: 2 CPUs online; this process may use 2 cores (affinity 2 CPUs, GOMAXPROCS 2, no cgroup CPU limit)"},
		{MachineInfo{Online: 2, NumCPU: 1, GOMAXPROCS: 1, Load: 1.5}, 1, "the affinity mask, as taskset sets it",
			"this machine: 2 CPUs online; this process may use 1 core (affinity 1 CPU, GOMAXPROCS 1, no cgroup CPU limit); load average 1.50; limited by the affinity mask, as taskset sets it, so no two goroutines can run at the same instant here, GIL or not"},
		{MachineInfo{Online: 8, NumCPU: 8, GOMAXPROCS: 2, CgroupCPU: 1.5, Load: -1}, 1.5, "the cgroup's cpu.max",
			"this machine: 8 CPUs online; this process may use 1.5 cores (affinity 8 CPUs, GOMAXPROCS 2, cgroup limit 1.5 CPUs); limited by the cgroup's cpu.max, so no two goroutines can run at the same instant here, GIL or not"},
		{MachineInfo{Online: 4, NumCPU: 4, GOMAXPROCS: 1, Load: -1}, 1, "GOMAXPROCS", ""},
		{MachineInfo{Online: 1, NumCPU: 1, GOMAXPROCS: 1, Load: -1}, 1, "the machine's single CPU", ""},
		{MachineInfo{NumCPU: 4, GOMAXPROCS: 4, CgroupCPU: 2, Load: -1}, 2, "the cgroup's cpu.max", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.m), func(t *testing.T) {
			if c := tt.m.Cores(); c != tt.cores {
				t.Errorf("Cores() = %v, want %v", c, tt.cores)
			}
			if l := tt.m.Limit(); l != tt.limit {
				t.Errorf("Limit() = %q, want %q", l, tt.limit)
			}
			if tt.text != "" && tt.m.String() != tt.text {
				t.Errorf("String() = %q, want %q", tt.m.String(), tt.text)
			}
		})
	}
}

func TestReaders(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{{"0-1\n", 2}, {"0", 1}, {"0-3,6,8-9", 7}, {"", 0}, {"x", 0}, {"3-1", 0}} {
		if got := onlineCPUs(tt.in); got != tt.want {
			t.Errorf("onlineCPUs(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		want float64
	}{{"3.10 2.43 1.95 9/156 27434\n", 3.10}, {"", -1}, {"x", -1}} {
		if got := loadAverage(tt.in); got != tt.want {
			t.Errorf("loadAverage(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	files := map[string]string{
		"/sys/fs/cgroup/user.slice/cpu.max":        "200000 100000\n",
		"/sys/fs/cgroup/user.slice/hub/cpu.max":    "max 100000\n",
		"/sys/fs/cgroup/user.slice/hub/u1/cpu.max": "50000 100000\n",
		"/sys/fs/cgroup/cpu.max":                   "garbage",
	}
	read := func(name string) string { return files[name] }
	for _, tt := range []struct {
		cgroup string
		want   float64
	}{
		{"0::/user.slice/hub/u1\n", 0.5},   // its own limit is the tightest
		{"0::/user.slice/hub\n", 2},        // max: the parent's counts
		{"0::/\n", 0},                      // the root: no limit
		{"12:cpu:/x\n1:name=systemd:/", 0}, // cgroup v1: not read
		{"", 0},
	} {
		if got := cgroupCPU(read, tt.cgroup); got != tt.want {
			t.Errorf("cgroupCPU(%q) = %v, want %v", tt.cgroup, got, tt.want)
		}
	}
}

// TestTimeline: bars end where steps ended and are as long as a step
// alone; touching bars merge, so the SVG holds one rect per run of steps;
// Overlap counts the slots where both lanes run.
func TestTimeline(t *testing.T) {
	tests := []struct {
		name    string
		steps   [][]Step
		bars    int // green rects in the SVG
		overlap float64
	}{
		{"taking turns", [][]Step{
			{{0, 1 * ms}, {1 * ms, 2 * ms}, {4 * ms, 5 * ms}},
			{{0, 3 * ms}, {3 * ms, 4 * ms}}}, 3, 0},
		{"in parallel", [][]Step{
			{{0, 1 * ms}, {1 * ms, 2 * ms}},
			{{0, 1 * ms}, {1 * ms, 2 * ms}}}, 2, 1},
		{"half", [][]Step{
			{{0, 1 * ms}, {1 * ms, 2 * ms}},
			{{1 * ms, 2 * ms}}}, 2, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := &Timeline{Steps: tt.steps, Alone: ms}
			if got := tl.Overlap(); got < tt.overlap-0.06 || got > tt.overlap+0.06 {
				t.Errorf("Overlap() = %.2f, want %.2f", got, tt.overlap)
			}
			if got := strings.Count(tl.SVG("t <&>"), `fill="#2e7d32"/>`) - 1; got != tt.bars { // minus the legend's
				t.Errorf("%d bars, want %d", got, tt.bars)
			}
			if !strings.Contains(tl.SVG("t <&>"), "t &lt;&amp;&gt;") {
				t.Error("title not escaped")
			}
		})
	}
	// 10,000 steps back to back draw one bar.
	lane := make([]Step, 10000)
	for i := range lane {
		lane[i] = Step{time.Duration(i) * ms, time.Duration(i+1) * ms}
	}
	if n := len((&Timeline{Steps: [][]Step{lane}, Alone: ms}).SVG("")); n > 2000 {
		t.Errorf("SVG of one busy lane is %d bytes, want it bounded", n)
	}
}

func TestInterleave(t *testing.T) {
	var order []string
	f := func(name string, walls ...time.Duration) func() Run {
		i := 0
		return func() Run {
			order = append(order, name)
			i++
			return Run{Wall: walls[i-1]}
		}
	}
	rs := Interleave(3, f("a", 3*ms, 1*ms, 2*ms), f("b", 5*ms, 6*ms, 4*ms))
	if got := strings.Join(order, ""); got != "ababab" {
		t.Errorf("order %s, want ababab", got)
	}
	if rs[0].Wall != 1*ms || rs[1].Wall != 4*ms {
		t.Errorf("best %v, want 1ms and 4ms", rs)
	}
	if b := Best(3, f("c", 3*ms, 1*ms, 2*ms)); b.Wall != ms {
		t.Errorf("Best = %v, want 1ms", b)
	}
}

func TestMS(t *testing.T) {
	for d, want := range map[time.Duration]string{1234567: "1.2 ms", 120 * ms: "120 ms", 0: "0.0 ms"} {
		if got := MS(d); got != want {
			t.Errorf("MS(%v) = %q, want %q", d, got, want)
		}
	}
}

// newSession runs cells with the package bound to the session and to
// lock.
func newSession(t testing.TB, lock *gil.Lock) *celltest.Session {
	return celltest.New(t, func(h hook.Host) []hook.Package { return []hook.Package{Package(h, lock)} })
}

// TestCells: from a cell, Go and Together run the cell's func on k
// goroutines, Calibrate sizes it, a Stepper records lanes and a pair is
// compared, and the measurements restore a deterministic schedule.
func TestCells(t *testing.T) {
	lock := gil.New(gil.Options{})
	lock.SetDeterministic(7, 1000)
	s := newSession(t, lock)
	s.Must(`import ("fmt"; "sync"; "time"; "experiment")`)
	s.Must(`func work(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i % 7
	}
	return s
}`)
	out := s.Must(`mu := &sync.Mutex{}
seen := map[int]bool{}
experiment.Go(3, func(g int) { mu.Lock(); seen[g] = true; mu.Unlock() })
fmt.Println(len(seen), seen[0], seen[2])`)
	if out != "3 true true\n" {
		t.Errorf("Go: %q", out)
	}
	out = s.Must(`n := experiment.Calibrate(5*time.Millisecond, func(n int) { work(n) })
r := experiment.Together(2, func(int) { work(n) })
fmt.Println(n > 0, r.Wall > 0, r.CPU > 0)`)
	if out != "true true true\n" {
		t.Errorf("Calibrate, Together: %q", out)
	}
	out = s.Must(`st := experiment.NewStepper(200*time.Microsecond, func(n int) { work(n) })
tl := st.Lanes(2, 5)
fmt.Println(len(tl.Steps), len(tl.Steps[0]), len(tl.Steps[1]), st.Alone > 0)`)
	if out != "2 5 5 true\n" {
		t.Errorf("Lanes: %q", out)
	}
	out = s.Must(`task := func(int) { work(n) }
p := experiment.ComparePair("CPU-bound", 1,
	func() experiment.Run { return experiment.Together(1, task) },
	func() experiment.Run { return experiment.Together(2, task) },
	func() experiment.Run { return experiment.Together(2, task) })
fmt.Println(p)`)
	if !regexp.MustCompile(`(?s)^CPU-bound, best of 1 interleaved rounds:\n.*control, two compiled goroutines without the GIL: [\d.]+ cores busy\nthis machine: `).MatchString(out) {
		t.Errorf("ComparePair printed %q", out)
	}
	if seed, every, on := lock.Deterministic(); !on || seed != 7 || every != 1000 {
		t.Errorf("after the measurements: Deterministic() = %d, %d, %v, want 7, 1000, true", seed, every, on)
	}
}

// TestWallClock: f runs on the wall clock and the seeded schedule comes
// back after it, also when f panics; a wall-clock lock stays one.
func TestWallClock(t *testing.T) {
	for _, seeded := range []bool{true, false} {
		for _, panics := range []bool{false, true} {
			t.Run(fmt.Sprintf("seeded=%v,panics=%v", seeded, panics), func(t *testing.T) {
				lock := gil.New(gil.Options{})
				if seeded {
					lock.SetDeterministic(3, 500)
				}
				b := &binding{lock: lock}
				var inside bool
				func() {
					defer func() { recover() }()
					b.WallClock(func() {
						_, _, inside = lock.Deterministic()
						if panics {
							panic("boom")
						}
					})
				}()
				if inside {
					t.Error("f ran on the deterministic schedule")
				}
				seed, every, on := lock.Deterministic()
				if on != seeded || (seeded && (seed != 3 || every != 500)) {
					t.Errorf("after: %d, %d, %v, want the schedule as before (seeded %v)", seed, every, on, seeded)
				}
			})
		}
	}
}

// TestControl: compiled goroutines spin for the CPU time asked, and an
// interrupt ends them.
func TestControl(t *testing.T) {
	s := newSession(t, nil)
	b := &binding{h: s, machine: Machine}
	r := b.Control(2, 20*ms)
	if r.CPU < 30*ms {
		t.Errorf("Control(2, 20ms) used %v of CPU, want about 40ms", r.CPU)
	}
	s.Interrupt()
	intr := s.Interrupted()
	s.Interrupt() // closes intr
	done := make(chan Run)
	go func() { done <- measure(func() { spin(time.Hour, intr) }) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("an interrupt did not end spin")
	}
}
