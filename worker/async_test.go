package worker

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

// TestStartAsync: the Client exists before its child is ready; calls wait
// for the first child (or give up with their ctx) and then work.
func TestStartAsync(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "ready")
	opts := testOptions(t)
	opts.Env = append(opts.Env, envWaitFor+"="+gate)
	c, err := StartAsync(opts)
	if err != nil {
		t.Fatalf("StartAsync: %v", err)
	}
	defer func() {
		if err := c.Shutdown(context.Background(), false); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	}()
	// The child cannot be ready before the gate opens.
	if st := c.Stats(); st.Starts != 0 {
		t.Fatalf("stats before ready: got %+v, want no start yet", st)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.IsComplete(cancelled, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("IsComplete with an ended ctx while starting: got %v, want context.Canceled", err)
	}
	res := c.Execute(cancelled, engine.ExecuteRequest{Code: "print early"}, newRecorder())
	if res.Error == nil || res.Error.Name != "WorkerUnavailable" {
		t.Errorf("Execute with an ended ctx while starting: got %+v, want WorkerUnavailable", res.Error)
	}

	type outcome struct {
		res engine.ExecuteResult
		out *recorder
	}
	done := make(chan outcome, 1)
	go func() {
		res, out := run(c, "print hi")
		done <- outcome{res, out}
	}()
	comp := make(chan engine.Completion, 1)
	go func() {
		got, _ := c.Complete(context.Background(), "fm", 2)
		comp <- got
	}()
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	o := <-done
	if o.res.Error != nil || o.out.stream("stdout") != "hi\n" {
		t.Errorf("first cell: got %+v, stdout %q, want ok, %q", o.res.Error, o.out.stream("stdout"), "hi\n")
	}
	// Completion waited for the first child rather than answering empty.
	if got := <-comp; len(got.Matches) != 2 || got.Matches[0] != "fm1" {
		t.Errorf("completion during the first start: got %+v, want fm1, fm2", got)
	}
	if st := c.Stats(); st.Starts != 1 || st.Restarts != 0 || st.Crashes != 0 {
		t.Errorf("stats: got %+v, want 1 start, no restarts or crashes", st)
	}
}

// TestStartAsyncFails: a worker that cannot start makes cells fail with
// WorkerUnavailable, introspection answer empty, and nothing leaks.
func TestStartAsyncFails(t *testing.T) {
	c, err := StartAsync(Options{
		Command: []string{filepath.Join(t.TempDir(), "no-such-worker")},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("StartAsync: %v", err)
	}
	defer c.Shutdown(context.Background(), false)
	res, _ := run(c, "print hi")
	if res.Error == nil || res.Error.Name != "WorkerUnavailable" {
		t.Errorf("Execute: got %+v, want WorkerUnavailable", res.Error)
	}
	if got, err := c.Complete(context.Background(), "fm", 2); err != nil || len(got.Matches) != 0 {
		t.Errorf("Complete: got %+v, %v, want no matches, nil", got, err)
	}
	if _, err := StartAsync(Options{}); err == nil {
		t.Error("StartAsync with an empty command: got nil error")
	}
}

// TestShutdownWhileStarting: Shutdown during the first start stops the
// child that is coming up (TestMain fails on a leaked child).
func TestShutdownWhileStarting(t *testing.T) {
	opts := testOptions(t)
	opts.Env = append(opts.Env, envWaitFor+"="+filepath.Join(t.TempDir(), "never"))
	c, err := StartAsync(opts)
	if err != nil {
		t.Fatalf("StartAsync: %v", err)
	}
	if err := c.Shutdown(context.Background(), false); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	res, _ := run(c, "print hi")
	if res.Error == nil {
		t.Error("Execute after Shutdown: got no error")
	}
}
