package kernel

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the package when goroutines outlive the tests: every
// kernel, socket and helper a test starts must be stopped. One exception is
// upstream: zmq4 v0.17.0 never stops the sender goroutine of a PUB socket
// (pubSocket.Close does not close its pubMWriter), one per kernel.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		// Closed sockets and stopped timers need a moment to unwind; this
		// waits for a condition, it does not assert a duration.
		deadline := time.Now().Add(5 * time.Second)
		var extra []string
		for {
			extra = leaked()
			if len(extra) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(extra) > 0 {
			fmt.Fprintf(os.Stderr, "leaked goroutines: %d\n%s\n", len(extra), strings.Join(extra, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}

// leaked returns the stacks of goroutines other than the test runner's
// and zmq4's PUB senders.
func leaked() []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "testing.(*M)") || strings.Contains(g, "kernel.TestMain") || strings.Contains(g, "zmq4.(*pubMWriter).run") {
			continue
		}
		out = append(out, g)
	}
	return out
}
