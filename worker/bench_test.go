package worker

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// nopOutput discards everything.
type nopOutput struct{}

func (nopOutput) Stream(string, string)                                   {}
func (nopOutput) Result(engine.MIMEBundle, map[string]any)                {}
func (nopOutput) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (nopOutput) ClearOutput(bool)                                        {}
func (nopOutput) Input(context.Context, string, bool) (string, error)     { return "", nil }

// BenchmarkExecuteRoundTrip measures a trivial Execute ("print x": one
// stream event and the done event) through the worker pipes, and reports
// the in-process fake, measured in the same run, as the baseline:
// ratio = pipe ns / direct ns.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	c := startClient(b, testOptions(b))
	req := engine.ExecuteRequest{Code: "print x"}
	ctx := context.Background()
	direct := newFakeInterp()
	const baselineN = 20000
	start := time.Now()
	for range baselineN {
		direct.Execute(ctx, req, nopOutput{})
	}
	directNs := float64(time.Since(start).Nanoseconds()) / baselineN

	b.ResetTimer()
	for b.Loop() {
		if res := c.Execute(ctx, req, nopOutput{}); res.Error != nil {
			b.Fatal(res.Error)
		}
	}
	b.StopTimer()
	pipeNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(directNs, "direct-ns/op")
	b.ReportMetric(pipeNs/directNs, "ratio")
}

// BenchmarkStart measures a child start (exec to ready) and a shutdown,
// and reports the ready child's resident set size.
func BenchmarkStart(b *testing.B) {
	var rssKiB, startNs float64
	for b.Loop() {
		c, err := Start(context.Background(), testOptions(b))
		if err != nil {
			b.Fatal(err)
		}
		st := c.Stats()
		startNs += float64(st.LastStart.Nanoseconds())
		rssKiB += float64(vmRSSKiB(st.PID))
		if err := c.Shutdown(context.Background(), false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(startNs/float64(b.N)/1e6, "start-ms")
	b.ReportMetric(rssKiB/float64(b.N), "child-rss-KiB")
}

// vmRSSKiB reads VmRSS from /proc/PID/status, or 0.
func vmRSSKiB(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return 0
}

func TestVmRSS(t *testing.T) {
	if n := vmRSSKiB(os.Getpid()); n <= 0 {
		t.Errorf("VmRSS of self: got %d, want > 0", n)
	}
	if n := vmRSSKiB(-1); n != 0 {
		t.Errorf("VmRSS of no process: got %d, want 0", n)
	}
}
