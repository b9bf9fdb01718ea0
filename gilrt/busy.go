package gilrt

import (
	"bytes"
	"runtime"
	"runtime/metrics"
	"sync"
)

// Busy reports whether some goroutine is running (or runnable) with
// interpreted code, the session or the yaegi compiler on its stack, other
// than goroutines waiting for the GIL or inside a blocking call and the
// caller itself. gil's monitor asks it (gil.Options.Busy) before it hands
// the lock on: the holder of the lock is then running, not parked, and
// taking the lock from it would let two goroutines run interpreted code at
// once (seen under -race: a spinner reading a global while the cell's
// goroutine compiled the next unit and yaegi resized the globals' frame).
//
// It first asks the scheduler's statistics (runtime/metrics, O(GOMAXPROCS)):
// if no goroutine but the caller is running or runnable, nothing runs and
// the answer is false. Otherwise it reads every goroutine's stack
// (runtime.Stack, which stops the world for a time that grows with the
// number of goroutines and their depth: seconds for 60,000 goroutines
// parked in cells), unless there are more than maxDumpGoroutines, in
// which case it answers true: the monitor asks again after its delay.
// The monitor asks at most once per delay. Safe for concurrent use.
func Busy() bool {
	if !othersRunning() {
		return false
	}
	if runtime.NumGoroutine() > maxDumpGoroutines {
		return true
	}
	bp := stackPool.Get().(*[]byte)
	defer stackPool.Put(bp)
	buf := *bp
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
		*bp = buf
	}
	return busyIn(buf)
}

// maxDumpGoroutines bounds the stack dump Busy makes (a few milliseconds
// at this size).
const maxDumpGoroutines = 2000

var schedMetrics = []string{"/sched/goroutines/running:goroutines", "/sched/goroutines/runnable:goroutines"}

// othersRunning reports whether a goroutine other than the caller is
// running or runnable, as the scheduler's statistics approximate it.
func othersRunning() bool {
	samples := make([]metrics.Sample, len(schedMetrics))
	for i, name := range schedMetrics {
		samples[i].Name = name
	}
	metrics.Read(samples)
	var n uint64
	for _, s := range samples {
		if s.Value.Kind() != metrics.KindUint64 {
			return true // unknown metric: do not guess
		}
		n += s.Value.Uint64()
	}
	return n > 1
}

// Frames of interpreted code and of the session, by their functions'
// package prefix in a stack dump (TestBusyFrames checks them against the
// packages' real paths).
const (
	yaegiFrames   = "github.com/traefik/yaegi/interp."
	sessionFrames = "github.com/gilgo/gilgo/session."
)

var stackPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

var (
	goroutineHdr = []byte("goroutine ")
	ours         = [][]byte{[]byte(yaegiFrames), []byte(sessionFrames)}
	parkedInGIL  = [][]byte{
		[]byte("github.com/gilgo/gilgo/gil.(*Lock).acquireLocked"),
		[]byte("github.com/gilgo/gilgo/gil.(*Thread).Blocking"),
		[]byte("github.com/gilgo/gilgo/gil.(*Lock).Blocking"),
	}
)

// busyIn is Busy on a runtime.Stack(all) dump; the first goroutine is the
// caller's and is skipped.
func busyIn(dump []byte) bool {
	blocks := bytes.Split(dump, []byte("\n\n"))
	for i, b := range blocks {
		if i == 0 || !bytes.HasPrefix(b, goroutineHdr) {
			continue
		}
		open, end := bytes.IndexByte(b, '['), bytes.IndexByte(b, ']')
		if open < 0 || end < open {
			continue
		}
		status := b[open+1 : end]
		if !bytes.HasPrefix(status, []byte("running")) && !bytes.HasPrefix(status, []byte("runnable")) {
			continue
		}
		if !containsAny(b, ours) || containsAny(b, parkedInGIL) {
			continue
		}
		return true
	}
	return false
}

func containsAny(b []byte, subs [][]byte) bool {
	for _, s := range subs {
		if bytes.Contains(b, s) {
			return true
		}
	}
	return false
}
