package session

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/internal/goldencells"

	"github.com/gilgo/gilgo/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// recorder keeps what a cell shows, in the golden files' format.
type recorder = goldencells.Recorder

func newTestSession(t testing.TB) *Session {
	t.Helper()
	s, err := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background(), false) })
	return s
}

// runCell executes code and renders everything the cell showed.
func runCell(s *Session, n int, code string, stdin []string) string {
	rec := &recorder{Inputs: stdin}
	res := s.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: n, AllowStdin: stdin != nil}, rec)
	waitSpawned(s)
	out := rec.String()
	if res.Error != nil {
		out += "[error] " + res.Error.Name + ": " + res.Error.Value + "\n"
		for _, l := range res.Error.Traceback {
			out += "| " + l + "\n"
		}
	}
	return out
}

// waitSpawned waits until the goroutines cells started have ended (at most
// a few seconds), so that what they print is part of their cell's output.
func waitSpawned(s *Session) {
	for i := 0; i < 5000; i++ {
		if s.router.endedCount() >= s.spawned.Load() {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGolden runs testdata/*.txtar: each "cell" file is a cell (a name like
// "cell stdin=a,b" gives it input lines), the "want" file after it what the
// cell shows. go test -update rewrites the want files.
func TestGolden(t *testing.T) {
	runGoldenFiles(t, "testdata/*.txtar", newTestSession)
}

// runGoldenFiles runs the golden files matching pattern, each in a fresh
// session made by newSession.
func runGoldenFiles(t *testing.T, pattern string, newSession func(testing.TB) *Session) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden files match %s", pattern)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			s := newSession(t)
			n := 0
			goldencells.Check(t, file, *update, func(name, src string) string {
				n++
				var stdin []string
				if _, v, ok := strings.Cut(name, "stdin="); ok {
					stdin = strings.Split(v, ",")
				}
				return runCell(s, n, src, stdin)
			})
		})
	}
}
