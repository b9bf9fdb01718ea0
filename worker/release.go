package worker

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Returning memory when idle. Go keeps the heap it grew for a cell's
// temporaries mapped until its next collections and its scavenger give it
// back, which for an idle process takes minutes: a cell that made 300 MB
// of garbage left the worker at 74 MiB RSS (22 MiB before it) for as long
// as nothing else ran. CPython's allocator unmaps large blocks as they are
// freed. So once the child has answered everything and stayed idle for
// releaseIdle, having allocated at least releaseAfter bytes since the last
// release, it collects and returns the free heap to the system
// (debug.FreeOSMemory). Nothing runs while requests are in flight.
const (
	releaseIdle  = time.Second
	releaseAfter = 32 << 20
)

// idleRelease counts the requests in flight and runs release after the
// child has been idle for idle, if allocated() grew by at least after
// since the last run. Safe for concurrent use.
type idleRelease struct {
	idle      time.Duration
	after     uint64
	allocated func() uint64
	release   func()

	mu    sync.Mutex
	busy  int
	timer *time.Timer
	gen   uint64 // bumped by begin: a timer armed before it does nothing
	last  uint64 // allocated() at the last release
}

func newIdleRelease() *idleRelease {
	r := &idleRelease{idle: releaseIdle, after: releaseAfter, allocated: heapAllocated, release: debug.FreeOSMemory}
	r.last = r.allocated()
	return r
}

// heapAllocated is how many bytes the process has allocated so far.
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// begin records a request starting.
func (r *idleRelease) begin() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.busy++
	r.gen++
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}

// end records a request answered; the last one arms the timer when
// enough was allocated since the last release.
func (r *idleRelease) end() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.busy--
	if r.busy > 0 || r.allocated()-r.last < r.after {
		return
	}
	gen := r.gen
	r.timer = time.AfterFunc(r.idle, func() { r.fire(gen) })
}

// fire releases if no request began since the timer of gen was armed.
func (r *idleRelease) fire(gen uint64) {
	r.mu.Lock()
	if r.busy > 0 || r.gen != gen {
		r.mu.Unlock()
		return
	}
	r.timer = nil
	r.mu.Unlock()
	r.release()
	r.mu.Lock()
	r.last = r.allocated()
	r.mu.Unlock()
}

// stop stops a pending timer.
func (r *idleRelease) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}
