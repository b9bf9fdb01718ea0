package worker

import (
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// fakeRelease is an idleRelease on a counter of allocated bytes, counting
// its releases; its idle time is long, so tests fire its timer by hand.
func fakeRelease(after uint64) (*idleRelease, *atomic.Uint64, *atomic.Int32) {
	var alloc atomic.Uint64
	var released atomic.Int32
	r := &idleRelease{idle: time.Hour, after: after, allocated: alloc.Load, release: func() { released.Add(1) }}
	return r, &alloc, &released
}

// TestIdleRelease: the timer is armed only when the last request in flight
// ends after enough allocation, and a request that begins before it fires
// cancels the release.
func TestIdleRelease(t *testing.T) {
	tests := []struct {
		name         string
		steps        func(r *idleRelease, alloc *atomic.Uint64)
		wantArmed    bool
		wantReleased int32 // after firing the armed timer's generation, if armed
	}{
		{"little allocated", func(r *idleRelease, alloc *atomic.Uint64) {
			r.begin()
			alloc.Add(10)
			r.end()
		}, false, 0},
		{"enough allocated", func(r *idleRelease, alloc *atomic.Uint64) {
			r.begin()
			alloc.Add(100)
			r.end()
		}, true, 1},
		{"another request still in flight", func(r *idleRelease, alloc *atomic.Uint64) {
			r.begin()
			r.begin()
			alloc.Add(100)
			r.end()
		}, false, 0},
		{"both requests ended", func(r *idleRelease, alloc *atomic.Uint64) {
			r.begin()
			r.begin()
			alloc.Add(100)
			r.end()
			r.end()
		}, true, 1},
		{"allocation counted from the last release", func(r *idleRelease, alloc *atomic.Uint64) {
			alloc.Add(100)
			r.last = 90
			r.begin()
			r.end()
		}, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, alloc, released := fakeRelease(50)
			tc.steps(r, alloc)
			r.mu.Lock()
			armed, gen := r.timer != nil, r.gen
			r.mu.Unlock()
			if armed != tc.wantArmed {
				t.Fatalf("timer armed: got %v, want %v", armed, tc.wantArmed)
			}
			if armed {
				r.fire(gen)
			}
			if got := released.Load(); got != tc.wantReleased {
				t.Errorf("releases: got %d, want %d", got, tc.wantReleased)
			}
			r.stop()
		})
	}
}

// TestIdleReleaseCancelledByABegin: a request that begins after the timer
// was armed keeps the release from running, and the allocation is counted
// again from the last release that did run.
func TestIdleReleaseCancelledByABegin(t *testing.T) {
	r, alloc, released := fakeRelease(50)
	r.begin()
	alloc.Add(100)
	r.end()
	armedGen := r.gen
	r.begin()
	r.fire(armedGen) // a timer that fired as the request began
	if released.Load() != 0 {
		t.Fatal("released while a request was in flight")
	}
	r.end() // still 100 allocated since the last release: armed again
	r.fire(r.gen)
	if released.Load() != 1 {
		t.Fatalf("releases: got %d, want 1", released.Load())
	}
	if r.last != 100 {
		t.Errorf("last: got %d, want 100", r.last)
	}
	r.begin()
	r.end()
	if r.timer != nil {
		t.Error("armed again without new allocation")
	}
}

// TestServeReleasesWhenIdle: Serve counts an execute and an introspection
// as requests, and once both are answered the idle release runs.
func TestServeReleasesWhenIdle(t *testing.T) {
	released := make(chan struct{})
	// Each read of the allocation counter finds one more byte: the
	// runtime's own counter is updated only as allocation caches flush.
	var alloc atomic.Uint64
	rel := &idleRelease{idle: time.Millisecond, after: 1, allocated: func() uint64 { return alloc.Add(1) }, release: func() { close(released) }}
	reqR, reqW := io.Pipe()
	evR, evW := io.Pipe()
	served := make(chan error, 1)
	go func() { served <- serve(context.Background(), echoInterp{}, reqR, evW, time.Millisecond, 1<<20, rel) }()
	go func() {
		_ = writeFrame(reqW, &msg{Kind: kindExecute, ID: 1, Cell: 1, Exec: &engine.ExecuteRequest{Code: "x"}})
		_ = writeFrame(reqW, &msg{Kind: kindComplete, ID: 2, Code: "fm"})
	}()
	answered := 0
	for answered < 2 {
		m, err := readFrame(evR)
		if err != nil {
			t.Fatalf("read event: %v", err)
		}
		if m.Kind == kindDone || m.Kind == kindReply {
			answered++
		}
	}
	go io.Copy(io.Discard, evR)
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Fatal("no release 10 s after the last answer")
	}
	reqW.Close()
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
	evW.Close()
}
