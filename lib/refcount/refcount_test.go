package refcount

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/internal/celltest"
	"github.com/gilgo/gilgo/session/hook"
)

// newSession runs cells with package refcount bound to the session.
func newSession(t testing.TB) *celltest.Session {
	return celltest.New(t, func(h hook.Host) []hook.Package { return []hook.Package{Package(h)} })
}

// TestGolden runs testdata/*.txtar as notebooks (go test -update rewrites
// the outputs).
func TestGolden(t *testing.T) { celltest.Golden(t, "testdata/*.txtar", *update, newSession) }

// TestTransferInterrupted: a Transfer waiting for a lock held by a
// goroutine that never lets go (no cycle to detect) ends when the session
// interrupts.
func TestTransferInterrupted(t *testing.T) {
	s := newSession(t)
	s.Must(`import ("errors"; "fmt"; "refcount")`)
	s.Must(`a := refcount.New("A", refcount.Locked, refcount.Name("a"))
b := refcount.New("B", refcount.Locked, refcount.Name("b"))
c := refcount.New("C", refcount.Locked, refcount.Name("c"))
block := make(chan bool)
holding := make(chan bool)`)
	// A func, so that the goroutine reads no globals: yaegi's Eval resizes
	// the global frame while goroutines read it (a data race of yaegi's).
	s.Must(`func hold(a, b *refcount.Object, holding, block chan bool) {
	refcount.Transfer(a, b, func() { holding <- true; <-block })
}`)
	s.Must(`go hold(a, b, holding, block)
<-holding`)
	done := make(chan string)
	go func() {
		done <- s.Eval(`err := refcount.Transfer(a, c, nil); fmt.Println(errors.Is(err, refcount.ErrInterrupted), err)`)
	}()
	var out string
	for out == "" {
		s.Interrupt() // until the waiting Transfer has seen one
		select {
		case out = <-done:
		case <-time.After(time.Millisecond):
		}
	}
	if want := "true interrupted: transfer a to c: wait for a: context canceled\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	s.Must(`close(block)`)
}

// TestCellStdoutConcurrent: frees from several goroutines reach the output.
func TestCellStdoutConcurrent(t *testing.T) {
	s := newSession(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &binding{h: s}
			o := p.New(1)
			_ = o.DecRef()
		}()
	}
	wg.Wait()
	if got := strings.Count(s.Output().Take(), "refcount: freed int\n"); got != 4 {
		t.Errorf("got %d free messages, want 4", got)
	}
}
