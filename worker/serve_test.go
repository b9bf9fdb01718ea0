package worker

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// waitInterp runs cells that wait: "wait" until Interrupt, "input" for a
// line (the result's metadata carries it), "wake" closes what "wait for
// wake" waits for.
type waitInterp struct {
	echoInterp
	once        sync.Once
	interrupted chan struct{}
	woken       chan struct{}
}

func (w *waitInterp) Execute(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
	switch req.Code {
	case "wait":
		<-w.interrupted
	case "wait for wake":
		<-w.woken
	case "wake":
		close(w.woken)
	case "input":
		text, err := out.Input(ctx, "? ", false)
		if err != nil {
			text = "error: " + err.Error()
		}
		return engine.ExecuteResult{Metadata: map[string]any{"got": text}}
	}
	return engine.ExecuteResult{}
}

func (w *waitInterp) Interrupt() { w.once.Do(func() { close(w.interrupted) }) }

// TestServeReadsWhileACellRuns: a cell runs on the goroutine that read
// it, and another goroutine reads on meanwhile: a running cell can be
// interrupted, gets its input reply, does not hold up introspection or
// the next execute request. With GOMAXPROCS 1 as well (taskset -c 0, a
// container's limit of one CPU), where the fresh reader and the cell
// share the only P.
func TestServeReadsWhileACellRuns(t *testing.T) {
	for _, procs := range []int{1, 2} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			testServeReadsWhileACellRuns(t)
		})
	}
}

func testServeReadsWhileACellRuns(t *testing.T) {
	exec := func(id uint64, code string) *msg {
		return &msg{Kind: kindExecute, ID: id, Cell: id, Exec: &engine.ExecuteRequest{Code: code}}
	}
	for _, tc := range []struct {
		name string
		// first is sent, then next once ev (an event kind) arrived,
		// or at once if ev is "".
		first *msg
		ev    string
		next  func(ev *msg) *msg
		// want is the event that must arrive while the first cell
		// still runs (its kind and id), before the first one's done.
		wantKind string
		wantID   uint64
		// then ends the first cell, if it still runs.
		then *msg
	}{
		{"interrupt", exec(1, "wait"), "", func(*msg) *msg { return &msg{Kind: kindInterrupt} },
			kindDone, 1, nil},
		{"input reply", exec(1, "input"), kindInput, func(ev *msg) *msg { return &msg{Kind: kindInputReply, ID: ev.ID, Text: "42"} },
			kindDone, 1, nil},
		{"introspection", exec(1, "wait"), "", func(*msg) *msg { return &msg{Kind: kindComplete, ID: 2, Code: "x"} },
			kindReply, 2, &msg{Kind: kindInterrupt}},
		{"another execute", exec(1, "wait for wake"), "", func(*msg) *msg { return exec(2, "wake") },
			kindDone, 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			interp := &waitInterp{interrupted: make(chan struct{}), woken: make(chan struct{})}
			// os.Pipe: a request written while nobody reads is
			// buffered, so a reader that stopped fails the wait below.
			reqR, reqW, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer reqR.Close()
			evR, evW := io.Pipe()
			served := make(chan error, 1)
			go func() { served <- Serve(context.Background(), interp, reqR, evW) }()
			events := make(chan *msg, 16)
			go func() {
				defer close(events)
				for {
					m, err := readFrame(evR)
					if err != nil {
						return
					}
					events <- m
				}
			}()
			next := func() *msg {
				t.Helper()
				select {
				case m := <-events:
					return m
				case <-time.After(10 * time.Second):
					t.Fatal("no event: the requests sent while the cell runs were not read")
					return nil
				}
			}
			send := func(m *msg) {
				t.Helper()
				if err := writeFrame(reqW, m); err != nil {
					t.Fatal(err)
				}
			}
			if m := next(); m.Kind != kindReady {
				t.Fatalf("first event: got %q, want ready", m.Kind)
			}
			send(tc.first)
			var trigger *msg
			if tc.ev != "" {
				for trigger = next(); trigger.Kind != tc.ev; trigger = next() {
				}
			}
			send(tc.next(trigger))
			var m *msg
			for m = next(); m.Kind != tc.wantKind || m.ID != tc.wantID; m = next() {
				if m.Kind == kindDone && m.ID == 1 && tc.wantID != 1 {
					t.Fatalf("the first cell ended before %s %d arrived", tc.wantKind, tc.wantID)
				}
			}
			if tc.name == "input reply" {
				if got := m.Result.Metadata["got"]; got != "42" {
					t.Errorf("input: got %v, want 42", got)
				}
			}
			if tc.then != nil {
				send(tc.then)
			}
			if tc.wantID != 1 {
				for m = next(); m.Kind != kindDone || m.ID != 1; m = next() {
				}
			}
			reqW.Close()
			go io.Copy(io.Discard, evR)
			if err := <-served; err != nil {
				t.Errorf("serve: %v", err)
			}
			evW.Close()
		})
	}
}
