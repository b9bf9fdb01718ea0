package memprobe

import (
	"context"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// TestProbeStopOld counts goroutines running interpreted code after type
// redefinitions (each one replays into a fresh interpreter and stops the
// old one with a cancelled EvalWithContext("for {}")).
func TestProbeStopOld(t *testing.T) {
	skipUnlessProbe(t)
	s := newSession(t, false)
	for r := 0; r < 4; r++ {
		res := s.Execute(context.Background(), engine.ExecuteRequest{Code: fmt.Sprintf("type T struct{ B%d int }", r), ExecutionCount: r + 2}, discard{})
		if res.Error != nil {
			t.Fatal(res.Error)
		}
	}
	time.Sleep(200 * time.Millisecond)
	buf := make([]byte, 1<<20)
	n := goruntime.Stack(buf, true)
	spin := 0
	for _, g := range strings.Split(string(buf[:n]), "\n\n") {
		if strings.Contains(g, "interp.runCfg") {
			spin++
		}
	}
	t.Logf("after 3 redefinitions: %d goroutines, %d in interp.runCfg", goruntime.NumGoroutine(), spin)
	s.Interrupt()
}
