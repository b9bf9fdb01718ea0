package worker

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// scriptInterp runs its script for every cell: each step is an Output call.
type scriptInterp struct {
	echoInterp
	script func(out engine.Output)
}

func (s scriptInterp) Execute(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
	s.script(out)
	return engine.ExecuteResult{}
}

// serveEvents serves one execute request with interp and the given
// batching knobs and returns the events (ready excluded) up to its done.
func serveEvents(t testing.TB, interp engine.Interpreter, delay time.Duration, batch int) []*msg {
	t.Helper()
	reqR, reqW := io.Pipe()
	evR, evW := io.Pipe()
	served := make(chan error, 1)
	go func() { served <- serve(context.Background(), interp, reqR, evW, delay, batch, newIdleRelease()) }()
	go func() {
		_ = writeFrame(reqW, &msg{Kind: kindExecute, ID: 1, Cell: 7, Exec: &engine.ExecuteRequest{}})
	}()
	var events []*msg
	for {
		m, err := readFrame(evR)
		if err != nil {
			t.Fatalf("read event: %v", err)
		}
		if m.Kind == kindReady {
			continue
		}
		events = append(events, m)
		if m.Kind == kindDone {
			break
		}
	}
	reqW.Close()
	go io.Copy(io.Discard, evR) // whatever Serve writes on its way out
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
	evW.Close()
	return events
}

// describe names events as kind[:name]=text for streams, kind otherwise.
func describe(events []*msg) []string {
	var out []string
	for _, m := range events {
		switch m.Kind {
		case kindStream:
			out = append(out, m.Kind+":"+m.Name+"="+m.Text)
		case kindDisplay, kindResult:
			out = append(out, m.Kind+"="+m.Data["text/plain"].(string))
		default:
			out = append(out, m.Kind)
		}
	}
	return out
}

// TestStreamBatchingKeepsOrder: the child coalesces stream writes per cell
// and stream, flushes at the size limit, and flushes before every other
// event, so that no output passes the display, result or done it preceded.
func TestStreamBatchingKeepsOrder(t *testing.T) {
	interp := scriptInterp{script: func(out engine.Output) {
		for range 7 {
			out.Stream("stdout", "ab") // 14 bytes: one flush at 10
		}
		out.Display(engine.MIMEBundle{"text/plain": "d"}, nil, "", false)
		out.Stream("stdout", "x")
		out.Stream("stderr", "e")
		out.Stream("stdout", "y")
		out.Result(engine.MIMEBundle{"text/plain": "r"}, nil)
		out.Stream("stdout", "z")
		out.ClearOutput(false)
		out.Stream("stderr", strings.Repeat("L", 12)) // at least a batch: sent as is
		out.Stream("stdout", "tail")
	}}
	got := describe(serveEvents(t, interp, time.Hour, 10))
	want := []string{
		"stream:stdout=ababababab",
		"stream:stdout=abab",
		"display=d",
		"stream:stdout=xy",
		"stream:stderr=e",
		"result=r",
		"stream:stdout=z",
		"clear_output",
		"stream:stderr=LLLLLLLLLLLL",
		"stream:stdout=tail",
		"done",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\ngot  %q\nwant %q", got, want)
	}
}

// TestStreamBatchingTimer: text with no event after it is sent when the
// delay has passed (a goroutine printing after its cell's reply).
func TestStreamBatchingTimer(t *testing.T) {
	reqR, reqW := io.Pipe()
	evR, evW := io.Pipe()
	release := make(chan struct{})
	interp := scriptInterp{script: func(out engine.Output) {
		go func() {
			<-release
			out.Stream("stdout", "late")
		}()
	}}
	served := make(chan error, 1)
	go func() {
		served <- serve(context.Background(), interp, reqR, evW, time.Millisecond, 1<<20, newIdleRelease())
	}()
	go func() {
		_ = writeFrame(reqW, &msg{Kind: kindExecute, ID: 1, Cell: 7, Exec: &engine.ExecuteRequest{}})
	}()
	var got []string
	for len(got) == 0 || got[len(got)-1] != "stream:stdout=late" {
		m, err := readFrame(evR)
		if err != nil {
			t.Fatalf("read event: %v", err)
		}
		if m.Kind == kindDone {
			close(release)
		}
		if m.Kind != kindReady {
			got = append(got, describe([]*msg{m})...)
		}
	}
	if want := "done,stream:stdout=late"; strings.Join(got, ",") != want {
		t.Errorf("events: got %v, want %s", got, want)
	}
	reqW.Close()
	go io.Copy(io.Discard, evR)
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
	evW.Close()
}

// BenchmarkStreamWrites serves a cell that prints 100,000 short lines (as
// `for i := 0; i < 100000; i++ { fmt.Println(i) }` does) and reads its
// events; the baseline in the same run sends one event per write:
// ratio = batched / one event per write.
func BenchmarkStreamWrites(b *testing.B) {
	const lines = 100000
	interp := scriptInterp{script: func(out engine.Output) {
		for i := range lines {
			out.Stream("stdout", strings.Repeat("x", i%6)+"\n")
		}
	}}
	base := time.Now()
	const baseN = 2
	for range baseN {
		if n := len(serveEvents(b, interp, time.Hour, 0)); n != lines+1 {
			b.Fatalf("unbatched: got %d events, want %d", n, lines+1)
		}
	}
	baseNs := float64(time.Since(base).Nanoseconds()) / baseN
	var events int
	b.ResetTimer()
	for b.Loop() {
		events += len(serveEvents(b, interp, streamDelay, streamBatch))
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseNs, "ratio")
}
