package gilrt

import (
	goruntime "runtime"
	"sync"

	"github.com/gilgo/gilgo/gil"
)

// Recursion limit without a deferred exit per call.
//
// A deferred call per function costs as much as the call itself in yaegi,
// so entries are not paired with exits. Instead enter counts entries down
// and, when the count runs out, samples the calling goroutine's depth:
// the number of yaegi runCfg frames on its stack (one per interpreted
// call). The depth grows by at most one per entry, so after a sample at
// depth d the next sample is due after limit-d entries (at least
// minSample): a runaway recursion is caught at most minSample calls past
// the limit, long before Go's fatal stack overflow. The counter is shared
// by all goroutines, which only makes samples come earlier, except that a
// sample on a shallow goroutine can let a deep one go up to about twice
// the limit.

const (
	minSample = 64
	runCfg    = "github.com/traefik/yaegi/interp.runCfg"
)

var pcPool = sync.Pool{New: func() any { b := make([]uintptr, 1024); return &b }}

// sample measures the depth and panics with *gil.RecursionError past the
// limit.
func (s *Scheduler) sample() {
	limit := s.lock.RecursionLimit()
	d := s.depth(limit + 1)
	next := limit - d
	if next < minSample {
		next = minSample
	}
	s.entries.Store(int64(next))
	if d > limit {
		tag := ""
		if t := s.lock.Current(); t != nil {
			tag = t.Tag()
		}
		panic(&gil.RecursionError{Limit: limit, Tag: tag})
	}
}

// depth counts interpreted frames on the calling goroutine's stack, up to
// max.
func (s *Scheduler) depth(max int) int {
	bp := pcPool.Get().(*[]uintptr)
	defer pcPool.Put(bp)
	for {
		buf := *bp
		n := goruntime.Callers(3, buf)
		count := 0
		for _, pc := range buf[:n] {
			if s.isRunCfg(pc) {
				count++
			}
		}
		if n < len(buf) || count >= max {
			return count
		}
		*bp = make([]uintptr, 2*len(buf))
	}
}

func (s *Scheduler) isRunCfg(pc uintptr) bool {
	if v, ok := s.pcs.Load(pc); ok {
		return v.(bool)
	}
	f := goruntime.FuncForPC(pc - 1)
	is := f != nil && f.Name() == runCfg
	s.pcs.Store(pc, is)
	return is
}
