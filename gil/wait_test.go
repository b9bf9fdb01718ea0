package gil

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWaitersNotScanned: n threads queue behind a holder, then take the
// lock one after another. The queue's operations count the waiters they
// visit or link (Lock.steps): a few per acquisition, whatever n, so the
// lock never scans its waiters; each waiter wakes once at most (Lock.wakes:
// no broadcast, no waiter polling on a timer), in the order it queued.
func TestWaitersNotScanned(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		blocked bool // the waiters are running goroutines back from a blocking call, not fresh Go threads
	}{
		{"go-1", 1, false},
		{"go-1000", 1000, false},
		{"go-100000", 100000, false},
		{"blocked-1000", 1000, true},
		{"blocked-20000", 20000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := New(Options{SwitchInterval: time.Millisecond, MonitorDelay: -1})
			h := l.NewThread("holder")
			h.Acquire()
			var order []int
			var ran atomic.Int64 // len(order), for readers without the lock
			var started, done sync.WaitGroup
			gate := make(chan struct{})
			ths := make([]*Thread, tc.n)
			for i := range tc.n {
				started.Add(1)
				done.Add(1)
				ths[i] = l.Go(fmt.Sprint("w", i), func() {
					defer done.Done()
					if tc.blocked {
						l.Current().Blocking(func() { started.Done(); <-gate })
					} else {
						started.Done()
					}
					order = append(order, i) // under the lock
					ran.Add(1)
				})
			}
			if tc.blocked {
				// Let them all start and block, then come back in order.
				h.Blocking(func() {
					started.Wait()
					close(gate)
					waitFor(t, "all blocked threads to queue", func() bool {
						l.mu.Lock()
						defer l.mu.Unlock()
						return l.nwait+int(ran.Load()) == tc.n
					})
				})
			}
			l.mu.Lock()
			before, wakesBefore := l.steps, l.wakes
			l.mu.Unlock()
			h.Close()
			waitDone(t, ths...)
			done.Wait()
			l.mu.Lock()
			steps, wakes := l.steps-before, l.wakes-wakesBefore
			l.mu.Unlock()
			if len(order) != tc.n {
				t.Fatalf("ran: got %d threads, want %d", len(order), tc.n)
			}
			if max := uint64(4*tc.n + 8); steps > max {
				t.Errorf("queue steps for %d acquisitions: got %d, want <= %d (a scan of the waiters?)", tc.n, steps, max)
			}
			if wakes > uint64(tc.n) {
				t.Errorf("waiter wake-ups for %d acquisitions: got %d, want <= %d", tc.n, wakes, tc.n)
			}
			if !tc.blocked {
				for i, v := range order {
					if v != i {
						t.Fatalf("order: thread %d ran %dth, want first come first served", v, i)
					}
				}
			}
		})
	}
}

// TestInterruptDooms: the threads that exist at Interrupt stop where they
// next meet the lock, even after ClearInterrupt; the holder that clears it
// and threads made afterwards run on.
func TestInterruptDooms(t *testing.T) {
	for _, tc := range []struct {
		name string
		// run is the thread's body; ready is closed once it reached the
		// point where the interrupt must find it, resume lets it go on.
		run func(l *Lock, ready, resume chan struct{})
	}{
		{"blocked", func(l *Lock, ready, resume chan struct{}) {
			l.Current().Blocking(func() { close(ready); <-resume })
		}},
		{"queued-unstarted", nil}, // Go's function never started before the interrupt
		{"holding-checkpoint", func(l *Lock, ready, resume chan struct{}) {
			th := l.Current()
			close(ready)
			<-resume // parked holding the lock (no Blocking)
			th.Checkpoint()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := New(Options{MonitorDelay: -1})
			ready, resume := make(chan struct{}), make(chan struct{})
			reached := make(chan bool, 1)
			body := func() {
				defer func() {
					r := recover()
					err, _ := r.(error)
					reached <- errors.Is(err, ErrInterrupted)
					if r != nil {
						panic(r)
					}
				}()
				if tc.run != nil {
					tc.run(l, ready, resume)
				} else {
					l.Current().Checkpoint() // f's first check point
				}
			}
			var doomed *Thread
			cell := l.NewThread("cell")
			switch tc.name {
			case "queued-unstarted":
				cell.Acquire()
				doomed = l.Go("doomed", body) // queued behind the cell
				l.Interrupt()
				l.ClearInterrupt()
			case "holding-checkpoint":
				doomed = l.Go("doomed", body)
				<-ready
				// The parked holder keeps the lock: the cell queues for it,
				// the interrupt comes, the holder goes on to a check point.
				go func() {
					waitFor(t, "the cell to queue", func() bool {
						l.mu.Lock()
						defer l.mu.Unlock()
						return l.nwait == 1
					})
					l.Interrupt()
					close(resume)
				}()
				cell.Acquire()
				l.ClearInterrupt()
			default:
				doomed = l.Go("doomed", body)
				<-ready
				cell.Acquire()
				l.Interrupt()
				l.ClearInterrupt()
				close(resume)
			}
			cell.Checkpoint() // the clearing holder runs on
			fresh := l.Go("fresh", func() { l.Current().Checkpoint() })
			cell.Close()
			waitDone(t, doomed, fresh)
			if !<-reached {
				t.Errorf("doomed thread: ran on after the interrupt, want ErrInterrupted")
			}
		})
	}
}
