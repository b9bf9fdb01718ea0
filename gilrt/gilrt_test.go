package gilrt

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestInterrupt: spinning goroutines, goroutines blocked in receive
// statements, typed and comma-ok receives, receives inside expressions,
// sends, ranges over a channel and selects, and a spinning cell stop; the
// lock is free, the next cell runs and earlier variables are intact.
func TestInterrupt(t *testing.T) {
	f := newFixture(t, Options{})
	// Each goroutine calls wg.Done just before it blocks; wg.Wait lets
	// them run (the spinners take turns with them). Under -race only a
	// few block: yaegi v0.16.1's ExecuteWithContext, cancelled, returns
	// while its goroutine still runs the cell and later writes the named
	// results (a race of yaegi's), and a thousand doomed goroutines ahead
	// of the interrupted cell's unwinding make that order likely.
	many := "1000"
	if raceEnabled {
		many = "10"
	}
	setup := strings.ReplaceAll(`import ("fmt"; "sync")
keep := 41
n := 0
block := make(chan int)
var got int
var wg sync.WaitGroup
type pair struct{ a, b int }
pairs := make(chan pair)
wg.Add(MANY + 9)
go func() { for { n++ } }()
go func() { for { n++ } }()
go func() { wg.Done(); <-block }()
go func() { wg.Done(); select { case v := <-block: got = v; case block <- 2: } }()
go func() { wg.Done(); func() { <-block }() }()
go func() { wg.Done(); v := <-block; got = v }()
go func() { wg.Done(); v, ok := <-block; got = v; _ = ok }()
go func() { wg.Done(); fmt.Println(<-block) }()
go func() { wg.Done(); block <- 3 }()
go func() { wg.Done(); for v := range block { got = v } }()
go func() { wg.Done(); p := <-pairs; got = p.a }()
for i := 0; i < MANY; i++ { go func() { wg.Done(); <-block }() }
wg.Wait()`, "MANY", many)
	if out := f.run(setup); out != "" {
		t.Fatalf("setup: %s", out)
	}
	done := make(chan string)
	go func() { done <- f.run("for { n++ }") }()
	// Wait until the cell runs (no timing assertion: poll the lock's stats
	// for the cell's thread; an interrupt before BeginCell is cleared).
	running := func() bool {
		for _, ts := range f.sched.Lock().Stats().Threads {
			if ts.Tag == "cell[2]" && ts.Acquisitions > 0 {
				return true
			}
		}
		return false
	}
	for !running() {
		time.Sleep(time.Millisecond)
	}
	f.s.Interrupt()
	if out := <-done; !strings.Contains(out, "Interrupted") {
		t.Fatalf("interrupted cell: %q", out)
	}
	if out := f.run("fmt.Println(keep + 1)"); out != "42\n" {
		t.Fatalf("after interrupt: %q", out)
	}
	// The goroutines are gone: no thread is alive (they unwind in turn,
	// each when it next takes the lock).
	deadline := time.Now().Add(20 * time.Second)
	for {
		var alive []string
		for _, ts := range f.sched.Lock().Stats().Threads {
			if ts.State != "exited" {
				alive = append(alive, fmt.Sprintf("%d (%s) %s", ts.ID, ts.Tag, ts.State))
			}
		}
		if len(alive) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d threads still alive after the interrupt, first %v", len(alive), alive[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDeterministic: the same lost-update cell twice under the
// deterministic schedule gives the same count and the same acquire order.
func TestDeterministic(t *testing.T) {

	f := newFixture(t, Options{})
	f.run(`import ("fmt"; "sync"; "gil")
func work() {}
func race() (int, []int64) {
	counter := 0
	var wg sync.WaitGroup
	tr := gil.Record(func() {
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20000; i++ { v := counter; work(); counter = v + 1 }
			}()
		}
		wg.Wait()
	})
	return counter, tr.Acquires()
}
gil.SetDeterministic(42, 7)`)
	a := f.run("c1, a1 := race()\nfmt.Println(c1, len(a1))")
	b := f.run("c2, a2 := race()\nfmt.Println(c2, len(a2))")
	if a != b {
		t.Fatalf("runs differ: %q vs %q", a, b)
	}
	if strings.HasPrefix(a, "40000 ") {
		t.Fatalf("no lost updates under the deterministic schedule: %q", a)
	}
	t.Log(a)
}

// TestDisable: with the GIL off goroutines run without taking it.
func TestDisable(t *testing.T) {
	f := newFixture(t, Options{})
	out := f.run(`import ("fmt"; "sync"; "gil")
gil.Disable()
gil.ResetStats()
var wg sync.WaitGroup
var ns [2]int
for g := 0; g < 2; g++ {
	wg.Add(1)
	if g == 0 {
		go func() { defer wg.Done(); for i := 0; i < 10000; i++ { ns[0]++ } }()
	} else {
		go func() { defer wg.Done(); for i := 0; i < 10000; i++ { ns[1]++ } }()
	}
}
wg.Wait()
st := gil.Stats()
gil.Enable()
fmt.Println(gil.Enabled(), st.Acquisitions, st.Switches, ns)`)
	if out != "true 0 0 [10000 10000]\n" {
		t.Fatalf("got %q", out)
	}
}

// TestSharedMapRace: many goroutines write one map and slice without
// synchronisation; under -race this must report nothing, and Go's fatal
// concurrent map writes must never happen.
func TestSharedMapRace(t *testing.T) {
	f := newFixture(t, Options{})
	out := f.run(`import ("fmt"; "sync")
m := map[int]int{}
s := []int{}
var wg sync.WaitGroup
for g := 0; g < 4; g++ {
	wg.Add(1)
	go func(g int) {
		defer wg.Done()
		for i := 0; i < 300; i++ { m[i%50] += 1; s = append(s, g) }
	}(g)
}
wg.Wait()
total := 0
for _, v := range m { total += v }
fmt.Println(total, len(s))`)
	if out != "1200 1200\n" {
		t.Fatalf("got %q", out)
	}
}

// TestCheckpointSeesFlag: the inline check point reads the lock's live
// breaker (not a frozen copy).
func TestCheckpointSeesFlag(t *testing.T) {
	f := newFixture(t, Options{})
	if f.sched.brk != f.sched.Lock().Breaker() {
		t.Fatal("check points do not read the lock's breaker")
	}
	l := f.sched.Lock()
	l.SetDeterministic(1, 1000)
	if *f.sched.brk == 0 {
		t.Fatal("breaker not seen after SetDeterministic")
	}
	l.SetWallClock()
	if *f.sched.brk != 0 {
		t.Fatal("breaker still set")
	}
}

// TestGeneratorUnderGIL: a generator's body runs inside its caller's turn.
// A spinner increments count whenever it holds the lock (it releases it
// at every iteration); across each Send, whose body reads count twice,
// count does not change. The body also sleeps now and then, driven from a
// go'd goroutine: the sleep releases the caller's thread (the hooks moved
// it to the body's goroutine), so the spinner runs meanwhile and nothing
// deadlocks.
func TestGeneratorUnderGIL(t *testing.T) {
	f := newFixture(t, Options{})
	out := f.run(`import ("fmt"; "sync"; "time"; "coroutine"; "gil"; "sys")
sys.SetSwitchInterval(10) // no drop requests: only blocking calls switch
count := 0
stop := false
go func() { for !stop { count++; time.Sleep(time.Microsecond) } }()
g := coroutine.New(func(co *coroutine.Co) any {
	for i := 0; ; i++ {
		a := count
		b := count
		if i%50 == 49 { time.Sleep(time.Millisecond) ; a = count; b = count }
		co.Yield([2]int{a, b})
	}
})
changed, ran := 0, 0
var wg sync.WaitGroup
wg.Add(1)
go func() {
	defer wg.Done()
	for i := 0; i < 500; i++ {
		c0 := count
		v, _ := g.Send(nil)
		c1 := count
		ab := v.([2]int)
		if c0 != ab[0] || ab[0] != ab[1] || ab[1] != c1 {
			if i%50 != 49 { changed++ }
		}
		if i%50 == 49 { ran++ }
	}
}()
wg.Wait()
stop = true
sys.SetSwitchInterval(0.005)
fmt.Println(changed, ran, count > 0, g.Close(), gil.Enabled())`)
	if out != "0 10 true <nil> true\n" {
		t.Fatalf("got %q", out)
	}
}

// TestGeneratorDisabled: with the GIL off, generator hops and channel
// operations go by without the lock's bookkeeping (Scheduler.free); a
// gil.Enable in the middle of a ping-pong between the cell and a go'd
// goroutine that drives a generator (sleeping now and then in its body)
// leaves nothing stuck, and the lock works afterwards.
func TestGeneratorDisabled(t *testing.T) {
	f := newFixture(t, Options{})
	// One function, so that no later unit of the cell compiles while the
	// go'd goroutine runs free (yaegi resizes the frame it reads: a real
	// race while the GIL is off).
	out := f.run(`import ("fmt"; "time"; "coroutine"; "gil")
func pingPong() {
	gil.Disable()
	g := coroutine.New(func(co *coroutine.Co) any {
		for i := 0; ; i++ {
			if i%10 == 9 { time.Sleep(time.Microsecond) }
			co.Yield(i)
		}
	})
	req, resp := make(chan int), make(chan int)
	go func() {
		for v := range req {
			w, _ := g.Send(nil)
			resp <- v + w.(int)
		}
		close(resp)
	}()
	sum := 0
	for i := 0; i < 100; i++ {
		if i == 50 { gil.Enable() }
		req <- i
		sum += <-resp
	}
	close(req)
	for range resp {}
	fmt.Println(sum, gil.Enabled(), g.Close())
}
pingPong()`)
	if out != "9900 true <nil>\n" {
		t.Fatalf("got %q", out)
	}
	if out := f.run(`import "fmt"
n := 0
done := make(chan bool)
go func() { for i := 0; i < 1000; i++ { n++ }; done <- true }()
<-done
fmt.Println(n)`); out != "1000\n" {
		t.Fatalf("after Enable: got %q", out)
	}
}
