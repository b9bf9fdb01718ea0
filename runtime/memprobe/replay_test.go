package memprobe

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// TestProbeReplay measures what a compaction would cost: the session's
// replay (a fresh interpreter, all declarations recompiled, vars
// re-evaluated and copied), triggered by redefining a type, with d
// declarations in the session; and whether the old interpreters are freed.
func TestProbeReplay(t *testing.T) {
	skipUnlessProbe(t)
	for _, gil := range []bool{false, true} {
		for _, d := range []int{0, 50, 200} {
			s := newSession(t, gil)
			n := 2
			exec := func(code string) time.Duration {
				start := time.Now()
				res := s.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: n}, discard{})
				n++
				if res.Error != nil {
					t.Fatalf("%s: %v", code, res.Error)
				}
				return time.Since(start)
			}
			for i := 0; i < d; i++ {
				if i%2 == 0 {
					exec(fmt.Sprintf("func f%d(x int) int { return x + %d }", i, i))
				} else {
					exec(fmt.Sprintf("x%d := f%d(%d)", i, i-1, i))
				}
			}
			exec("type T struct{ A int }")
			var times []time.Duration
			before := liveHeap()
			for r := 0; r < 20; r++ {
				times = append(times, exec(fmt.Sprintf("type T struct{ A int; B%d string }", r)))
			}
			after := liveHeap()
			var parts []string
			for _, d := range times[:5] {
				parts = append(parts, d.Round(100*time.Microsecond).String())
			}
			t.Logf("gil=%v decls=%3d: replay took %s ...; heap %+.0f KiB per replay", gil, d, strings.Join(parts, " "),
				(float64(after)-float64(before))/20/1024)
		}
	}
}
