package multiprocessing

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/gilrt"
	"github.com/gilgo/gilgo/session"
	"github.com/gilgo/gilgo/worker"
)

// TestMain doubles as the child: a process started by a pool has
// ChildEnv set and serves a session like `gilgo worker` does (newSession:
// the GIL and this package).
func TestMain(m *testing.M) {
	if os.Getenv(ChildEnv) != "" {
		os.Exit(serveChild())
	}
	os.Exit(m.Run())
}

func serveChild() int {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, _, err := newSession(log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	if err := worker.ServeProcess(context.Background(), s); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// newSession assembles a session with the GIL and this package, the way
// package tiers does; the children are this test binary (TestMain).
func newSession(log *slog.Logger) (*session.Session, *Procs, error) {
	sched := gilrt.New(gilrt.Options{Logger: log})
	sess, err := session.New(session.Options{Logger: log, Scheduler: sched})
	if err != nil {
		return nil, nil, err
	}
	procs := New(Options{Host: sess, Command: []string{os.Args[0], "-test.run=^$"}, Logger: log})
	if err := sess.Import(procs.Package()); err != nil {
		return nil, nil, err
	}
	return sess, procs, nil
}

// parent is a session under test.
type parent struct {
	t     testing.TB
	s     *session.Session
	procs *Procs
	n     int
}

func newParent(t testing.TB) *parent {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir()) // the pools' reply directories, and their sweep
	s, procs, err := newSession(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	p := &parent{t: t, s: s, procs: procs}
	t.Cleanup(func() {
		if err := procs.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		_ = s.Shutdown(context.Background(), false)
	})
	return p
}

// rec records a cell's output.
type rec struct {
	mu sync.Mutex
	b  strings.Builder
}

func (r *rec) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "stderr" {
		text = "stderr: " + text
	}
	r.b.WriteString(text)
}
func (r *rec) Result(d engine.MIMEBundle, _ map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.b.WriteString("=" + fmt.Sprint(d["text/plain"]) + "\n")
}
func (r *rec) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (r *rec) ClearOutput(bool)                                        {}
func (r *rec) Input(context.Context, string, bool) (string, error)     { return "", io.EOF }
func (r *rec) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.b.String()
}

// run executes a cell and returns its output and error.
func (p *parent) run(code string) (string, *engine.Error) {
	p.n++
	o := &rec{}
	res := p.s.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: p.n}, o)
	return o.String(), res.Error
}

// decl runs a declaration cell, which the children replay.
func (p *parent) decl(code string) {
	p.t.Helper()
	out, err := p.run(code)
	if err != nil {
		p.t.Fatalf("declaration cell failed: %v\n%s", err, out)
	}
}

// must runs a cell that must succeed.
func (p *parent) must(code string) string {
	p.t.Helper()
	out, err := p.run(code)
	if err != nil {
		p.t.Fatalf("cell failed: %v %q\noutput: %s", err, err.Traceback, out)
	}
	return out
}
