package runtime

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/internal/goldencells"

	"github.com/gilgo/gilgo/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// recorder is an engine.Output that keeps what a cell shows, in order.
type recorder struct {
	mu     sync.Mutex
	b      strings.Builder
	last   string
	inputs []string
	ids    map[string]int // display ids numbered in order of appearance
}

func (r *recorder) section(name string) {
	if r.last != name {
		if r.b.Len() > 0 && !strings.HasSuffix(r.b.String(), "\n") {
			r.b.WriteString("\n")
		}
		r.b.WriteString("[" + name + "]\n")
		r.last = name
	}
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.section(name)
	r.b.WriteString(text)
}

func (r *recorder) bundle(kind string, data engine.MIMEBundle) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.last = ""
		r.section(kind + " " + k)
		v := fmt.Sprint(data[k])
		if k == "image/png" && len(v) > 16 {
			v = v[:16] + "..."
		}
		if k == "image/svg+xml" && len(v) > 60 {
			v = v[:60] + "..."
		}
		r.b.WriteString(v + "\n")
		r.last = ""
	}
}

func (r *recorder) Result(data engine.MIMEBundle, _ map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bundle("result", data)
}

func (r *recorder) Display(data engine.MIMEBundle, _ map[string]any, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kind := "display"
	if id != "" {
		if r.ids == nil {
			r.ids = map[string]int{}
		}
		if r.ids[id] == 0 {
			r.ids[id] = len(r.ids) + 1
		}
		kind = fmt.Sprintf("display id=%d", r.ids[id])
	}
	if update {
		kind = "update " + kind
	}
	r.bundle(kind, data)
}

func (r *recorder) ClearOutput(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = ""
	r.section(fmt.Sprintf("clear_output wait=%v", wait))
	r.last = ""
}

func (r *recorder) Input(_ context.Context, prompt string, _ bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.inputs) == 0 {
		return "", io.EOF
	}
	l := r.inputs[0]
	r.inputs = r.inputs[1:]
	return l, nil
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.b.String()
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

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
	rec := &recorder{inputs: stdin}
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
