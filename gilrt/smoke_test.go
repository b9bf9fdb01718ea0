package gilrt

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/lib/coroutine"
	libgil "github.com/gilgo/gilgo/lib/gil"
	"github.com/gilgo/gilgo/lib/inspect"
	"github.com/gilgo/gilgo/lib/refcount"
	"github.com/gilgo/gilgo/lib/sys"
	"github.com/gilgo/gilgo/session"
)

// rec is an engine.Output that keeps streams and displays.
type rec struct {
	mu sync.Mutex
	b  strings.Builder
}

func (r *rec) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.b.WriteString(text)
}
func (r *rec) Result(d engine.MIMEBundle, _ map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.b.WriteString("=" + d["text/plain"].(string) + "\n")
}
func (r *rec) Display(d engine.MIMEBundle, _ map[string]any, _ string, _ bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range d {
		if k != "text/plain" {
			r.b.WriteString("[display " + k + "]\n")
		}
	}
}
func (r *rec) ClearOutput(bool) {}
func (r *rec) Input(context.Context, string, bool) (string, error) {
	return "line", nil
}
func (r *rec) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.b.String()
}

type fixture struct {
	s     *session.Session
	sched *Scheduler
	n     int
}

func newFixture(t testing.TB, opts Options) *fixture {
	t.Helper()
	if opts.Lock == nil {
		opts.Lock = gil.New(gil.Options{Busy: Busy})
	}
	sched := New(opts)
	s, err := session.New(session.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Scheduler: sched})
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	err = s.Import(libgil.Package(sched, nil), sys.Package(sched, s), coroutine.Package(), inspect.Package(), refcount.Package(s))
	if err != nil {
		t.Fatalf("cell packages: %v", err)
	}
	t.Cleanup(func() {
		_ = s.Shutdown(context.Background(), false)
		sched.Close()
	})
	return &fixture{s: s, sched: sched}
}

// run executes a cell and returns what it showed, plus "[error] ..." on
// failure.
func (f *fixture) run(code string) string {
	f.n++
	r := &rec{}
	res := f.s.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: f.n, AllowStdin: true}, r)
	out := r.String()
	if res.Error != nil {
		out += "[error] " + res.Error.Name + ": " + res.Error.Value + "\n"
	}
	return out
}

func TestSmoke(t *testing.T) {
	f := newFixture(t, Options{})
	for _, c := range []string{
		`import ("fmt"; "sync"; "gil")`,
		`counter := 0
var wg sync.WaitGroup
for g := 0; g < 2; g++ {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100000; i++ { counter++ }
	}()
}
wg.Wait()
fmt.Println(counter, gil.Enabled())`,
	} {
		t.Log(f.run(c))
	}
}

// TestBusyFrames: the package prefixes Busy looks for in stack dumps are
// those of yaegi's interpreter and of the session, wherever they move.
func TestBusyFrames(t *testing.T) {
	for _, tc := range []struct{ prefix, pkg string }{
		{yaegiFrames, reflect.TypeOf((*interp.Interpreter)(nil)).Elem().PkgPath()},
		{sessionFrames, reflect.TypeOf((*session.Session)(nil)).Elem().PkgPath()},
	} {
		if tc.prefix != tc.pkg+"." {
			t.Errorf("Busy looks for frames of %q, but the package is %q", tc.prefix, tc.pkg)
		}
	}
}
