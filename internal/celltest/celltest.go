package celltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/cellast"
	"github.com/gilgo/gilgo/session/hook"
)

// Session runs cells on a bare yaegi interpreter with the standard library
// and cell packages. It is the hook.Host the packages are bound to: output
// goes to one recorder, Interrupt closes the Interrupted channel, Spawn is
// a plain go statement, Blocking calls f.
type Session struct {
	t      testing.TB
	it     *interp.Interpreter
	out    *Output
	passes []cellast.Pass
	// Rewrite applies the packages' passes to every cell (the default).
	Rewrite bool

	mu    sync.Mutex
	intr  chan struct{}
	n     int // cells run
	names int // names made by passes
}

var _ hook.Host = (*Session)(nil)

// New returns a session with the packages pkgs returns, bound to the
// session itself.
func New(t testing.TB, pkgs func(h hook.Host) []hook.Package) *Session {
	t.Helper()
	s := &Session{t: t, out: &Output{}, intr: make(chan struct{}), Rewrite: true}
	s.it = interp.New(interp.Options{Stdout: s.out, Stderr: io.Discard})
	if err := s.it.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs(s) {
		if err := s.Use(p); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// Use adds p to the session, as Session.Import does.
func (s *Session) Use(p hook.Package) error {
	s.passes = append(s.passes, p.Passes...)
	return s.it.Use(p.Exports())
}

// Interp is the interpreter, for tests that add symbols of their own.
func (s *Session) Interp() *interp.Interpreter { return s.it }

// Output is the recorder every cell writes to.
func (s *Session) Output() *Output { return s.out }

// Globals implements hook.Host.
func (s *Session) Globals() map[string]reflect.Value { return s.it.Globals() }

// CurrentOutput implements hook.Host.
func (s *Session) CurrentOutput() engine.Output { return s.out }

// CurrentCell implements hook.Host: the number of cells run.
func (s *Session) CurrentCell() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Spawn implements hook.Host.
func (s *Session) Spawn(f func()) { go f() }

// Blocking implements hook.Host.
func (s *Session) Blocking(f func()) { f() }

// Declarations implements hook.Host: none are kept.
func (s *Session) Declarations() string { return "" }

// Interrupted implements hook.Host.
func (s *Session) Interrupted() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.intr
}

// Interrupt closes the channel Interrupted returned.
func (s *Session) Interrupt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.intr)
	s.intr = make(chan struct{})
}

// Eval runs one cell and returns its output, with "error: ..." or
// "panic: ..." appended when it fails.
func (s *Session) Eval(src string) string {
	s.t.Helper()
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	if s.Rewrite && len(s.passes) > 0 {
		src = s.rewrite(src)
	}
	_, err := s.it.Eval(src)
	out := s.out.Take()
	if err != nil {
		var p interp.Panic
		if errors.As(err, &p) {
			out += fmt.Sprintf("panic: %v\n", p.Value)
		} else {
			out += "error: " + err.Error() + "\n"
		}
	}
	return out
}

// Must runs a cell that must not fail.
func (s *Session) Must(src string) string {
	s.t.Helper()
	out := s.Eval(src)
	if strings.Contains(out, "error: ") || strings.HasPrefix(out, "panic: ") {
		s.t.Fatalf("cell %q: %s", src, out)
	}
	return out
}

// rewrite applies the packages' passes to a cell: declarations as a file,
// statements inside a func.
func (s *Session) rewrite(src string) string {
	s.t.Helper()
	fs := token.NewFileSet()
	trim := strings.TrimSpace(src)
	decl := false
	for _, kw := range []string{"import", "func", "type", "var", "const"} {
		if strings.HasPrefix(trim, kw+" ") || strings.HasPrefix(trim, kw+"(") {
			decl = true
		}
	}
	wrapped := "package main\nfunc __cell() {\n" + src + "\n}\n"
	if decl {
		wrapped = "package main\n" + src + "\n"
	}
	f, err := parser.ParseFile(fs, "cell.go", wrapped, parser.SkipObjectResolution)
	if err != nil {
		return src // let the interpreter report it
	}
	for _, p := range s.passes {
		if err := p.Apply(passEnv{s}, f); err != nil {
			s.t.Fatalf("pass %s: %v", p.Name, err)
		}
	}
	var b bytes.Buffer
	if decl {
		for _, d := range f.Decls {
			if err := printer.Fprint(&b, fs, d); err != nil {
				s.t.Fatal(err)
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		if err := printer.Fprint(&b, fs, st); err != nil {
			s.t.Fatal(err)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// passEnv is the cellast.Env of the harness.
type passEnv struct{ s *Session }

func (e passEnv) Peek(src string) (reflect.Value, error) { return e.s.it.Eval(src) }
func (e passEnv) NewName(prefix string) string {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	e.s.names++
	return fmt.Sprintf("__%s%d", prefix, e.s.names)
}

// Output is an engine.Output that records stdout (shared with the
// interpreter's Stdout, in order) and drops everything else.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// Stream implements engine.Output.
func (o *Output) Stream(name, text string) {
	if name == "stdout" {
		_, _ = o.Write([]byte(text))
	}
}

// Result implements engine.Output.
func (o *Output) Result(engine.MIMEBundle, map[string]any) {}

// Display implements engine.Output.
func (o *Output) Display(engine.MIMEBundle, map[string]any, string, bool) {}

// ClearOutput implements engine.Output.
func (o *Output) ClearOutput(bool) {}

// Input implements engine.Output: there is no stdin.
func (o *Output) Input(context.Context, string, bool) (string, error) {
	return "", errors.New("no stdin")
}

// Take returns what was recorded since the last Take.
func (o *Output) Take() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.buf.String()
	o.buf.Reset()
	return s
}

// Golden runs every file matching pattern as a notebook: sections named
// "cell" run in order in one session from newSession; the "out" section
// after each holds its exact output. With update set, the outputs are
// rewritten.
func Golden(t *testing.T, pattern string, update bool, newSession func(t testing.TB) *Session) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files %s: %v", pattern, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			s := newSession(t)
			var out []txtar.File
			for i := 0; i < len(ar.Files); i++ {
				f := ar.Files[i]
				if f.Name != "cell" {
					continue
				}
				got := s.Eval(string(f.Data))
				out = append(out, f, txtar.File{Name: "out", Data: []byte(got)})
				want := ""
				if i+1 < len(ar.Files) && ar.Files[i+1].Name == "out" {
					want = string(ar.Files[i+1].Data)
				}
				if got != want && !update {
					t.Errorf("cell %d:\n%s\ngot:\n%s\nwant:\n%s", len(out)/2, f.Data, got, want)
				}
			}
			if update {
				ar.Files = out
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
