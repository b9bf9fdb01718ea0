package multiprocessing

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// waitFor polls cond; it bounds a wait for another process, it asserts
// nothing about time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 3000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("gave up waiting for %s", what)
}

func TestInterruptEndsChildCalls(t *testing.T) {
	p := newParent(t)
	p.decl(workDecl)
	p.decl(`func spin(x int) int { for { x++ } }`)
	p.must("import \"multiprocessing\"\nimport \"fmt\"\nvar pool = multiprocessing.NewPool(2)")
	pool := p.s.Globals()["pool"].Interface().(*Pool)
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := p.run(`r, err := pool.Map(spin, []any{1, 2}); fmt.Println(r, err)`)
		if err != nil {
			done <- result{out, err}
			return
		}
		done <- result{out, nil}
	}()
	waitFor(t, "both children", func() bool { return len(pool.PIDs()) == 2 })
	pids := pool.PIDs()
	// The children run spin once their declarations are in; interrupt
	// at any point must end the cell.
	p.s.Interrupt()
	r := <-done
	if r.err == nil || !strings.Contains(r.err.Error(), "Interrupted") {
		t.Fatalf("cell: %v, output %q; want Interrupted", r.err, r.out)
	}
	// The pool survives an interrupt: its processes take the next call.
	out := p.must(`r, err := pool.Map(work, []any{3, 4}); fmt.Println(r, err)`)
	if out != "[3 6] <nil>\n" {
		t.Fatalf("after interrupt: %q", out)
	}
	p.must(`pool.Close()`)
	for _, pid := range append(pids, pool.PIDs()...) {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("process %d outlived Close", pid)
		}
	}
}

func TestKillAfterGrace(t *testing.T) {
	p := newParent(t)
	p.procs.opts.KillGrace = time.Millisecond
	p.decl(`func spin(x int) int { for { x++ } }`)
	p.must("import \"multiprocessing\"\nimport \"fmt\"\nvar pool = multiprocessing.NewPool(1)")
	pool := p.s.Globals()["pool"].Interface().(*Pool)
	done := make(chan error, 1)
	go func() {
		_, err := p.run(`_, err := pool.Apply(spin, 1); fmt.Println(err)`)
		done <- err
	}()
	waitFor(t, "the child", func() bool { return len(pool.PIDs()) == 1 })
	pid := pool.PIDs()[0]
	p.s.Interrupt()
	<-done
	// With a grace of 1 ms the child is usually killed; either way it
	// must not run spin any more and the pool must work again.
	out := p.must(`r, err := pool.Apply("spin", "x"); fmt.Println(r, err)`)
	if !strings.Contains(out, "cannot unmarshal") {
		t.Fatalf("after interrupt: %q", out)
	}
	p.must(`pool.Close()`)
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("process %d outlived Close", pid)
	}
}

func TestRedefinitionReachesChildren(t *testing.T) {
	p := newParent(t)
	p.decl(`func f(x int) int { return x }`)
	p.must("import \"multiprocessing\"\nimport \"fmt\"\nvar pool = multiprocessing.NewPool(1)")
	if out := p.must(`r, _ := pool.Apply(f, 2); fmt.Println(r)`); out != "2\n" {
		t.Fatalf("got %q", out)
	}
	p.decl(`func f(x int) int { return x * 10 }`)
	if out := p.must(`r, _ := pool.Apply(f, 2); fmt.Println(r)`); out != "20\n" {
		t.Fatalf("after redefinition got %q", out)
	}
	// A new import changes the header: the child restarts.
	p.decl("import \"strings\"\nfunc up(s string) string { return strings.ToUpper(s) }")
	if out := p.must(`r, err := pool.Apply(up, "ab"); fmt.Println(r, err)`); out != "AB <nil>\n" {
		t.Fatalf("after import got %q", out)
	}
	p.must(`pool.Close()`)
}

func TestChildOutputGoesToTheCell(t *testing.T) {
	p := newParent(t)
	p.decl("import \"fmt\"\nfunc hello(x int) int { fmt.Print(\"hello \"); fmt.Println(x); return x }")
	out := p.must("import \"multiprocessing\"\nr, err := multiprocessing.Map(hello, []any{1, 2})\nfmt.Println(r, err)")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || lines[2] != "[1 2] <nil>" {
		t.Fatalf("output %q", out)
	}
	got := lines[0] + "|" + lines[1]
	if got != "hello 1|hello 2" && got != "hello 2|hello 1" {
		t.Fatalf("child lines %q", got)
	}
}
