package gil

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestModeSwitchUnderContention: threads that take turns finish while
// another goroutine switches the lock between the deterministic schedule
// and the switch interval over and over (a cell's timing helper restoring
// the wall clock while another cell's threads wait, say); no waiter is left
// behind by a switch.
func TestModeSwitchUnderContention(t *testing.T) {
	l := New(Options{SwitchInterval: 100 * time.Microsecond})
	const nThreads, iters = 4, 3000
	var ths []*Thread
	counter := 0
	for i := range nThreads {
		ths = append(ths, l.Go(fmt.Sprint("w", i), func() {
			th := l.Current()
			for j := 0; j < iters; j++ {
				th.Checkpoint()
				counter++
				if j%500 == 0 {
					th.Blocking(func() { time.Sleep(100 * time.Microsecond) })
				}
			}
		}))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := int64(0); ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			if k%2 == 0 {
				l.SetDeterministic(k, 1+int(k%7))
			} else {
				l.SetWallClock()
			}
			time.Sleep(50 * time.Microsecond)
		}
	}()
	done := make(chan struct{})
	go func() { waitDone(t, ths...); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		close(stop)
		wg.Wait()
		t.Fatalf("threads still waiting 60 s after the mode switches began: %+v", l.Stats().Threads)
	}
	close(stop)
	wg.Wait()
	if counter != nThreads*iters {
		t.Errorf("counter %d, want %d", counter, nThreads*iters)
	}
}
