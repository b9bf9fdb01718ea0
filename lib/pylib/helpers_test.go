package pylib

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gilgo/gilgo/engine"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// recOutput is an engine.Output that records stdout (shared with the
// interpreter's Stdout, in order).
type recOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *recOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}
func (o *recOutput) Stream(name, text string) {
	if name == "stdout" {
		_, _ = o.Write([]byte(text))
	}
}
func (o *recOutput) Result(engine.MIMEBundle, map[string]any)                {}
func (o *recOutput) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (o *recOutput) ClearOutput(bool)                                        {}
func (o *recOutput) Input(context.Context, string, bool) (string, error) {
	return "", fmt.Errorf("no stdin")
}
func (o *recOutput) take() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.buf.String()
	o.buf.Reset()
	return s
}

// session is a raw yaegi interpreter with the cell packages, standing in
// for runtime.Session.
type session struct {
	t    testing.TB
	it   *interp.Interpreter
	out  *recOutput
	mu   sync.Mutex
	intr chan struct{}
	// rewrite applies RewriteEmptySlices to every cell.
	rewrite bool
}

func (s *session) Globals() map[string]reflect.Value { return s.it.Globals() }
func (s *session) CurrentOutput() engine.Output      { return s.out }
func (s *session) Interrupted() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.intr
}
func (s *session) interrupt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.intr)
	s.intr = make(chan struct{})
}

func newSession(t testing.TB, extra ...interp.Exports) *session {
	t.Helper()
	s := &session{t: t, out: &recOutput{}, intr: make(chan struct{}), rewrite: true}
	s.it = interp.New(interp.Options{Stdout: s.out, Stderr: io.Discard})
	for _, e := range append([]interp.Exports{stdlib.Symbols, Exports(s)}, extra...) {
		if err := s.it.Use(e); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// eval runs one cell and returns its output, with "error: ..." appended
// when it fails.
func (s *session) eval(src string) string {
	s.t.Helper()
	if s.rewrite {
		src = rewriteSource(s.t, src)
	}
	_, err := s.it.Eval(src)
	out := s.out.take()
	if err != nil {
		var p interp.Panic
		if pe, ok := err.(interp.Panic); ok {
			p = pe
			out += fmt.Sprintf("panic: %v\n", p.Value)
		} else {
			out += "error: " + err.Error() + "\n"
		}
	}
	return out
}

// must runs a cell that must not fail.
func (s *session) must(src string) string {
	s.t.Helper()
	out := s.eval(src)
	if strings.Contains(out, "error: ") || strings.HasPrefix(out, "panic: ") {
		s.t.Fatalf("cell %q: %s", src, out)
	}
	return out
}

// rewriteSource applies RewriteEmptySlices to a cell as the session's
// Pass would: declarations as a file, statements inside a func.
func rewriteSource(t testing.TB, src string) string {
	t.Helper()
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
	if err := RewriteEmptySlices(f); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if decl {
		for _, d := range f.Decls {
			if err := printer.Fprint(&b, fs, d); err != nil {
				t.Fatal(err)
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		if err := printer.Fprint(&b, fs, st); err != nil {
			t.Fatal(err)
		}
		b.WriteString("\n")
	}
	return b.String()
}
