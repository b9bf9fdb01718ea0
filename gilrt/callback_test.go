package gilrt

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"regexp"
	"strings"
	"testing"
)

// TestCheckpointsSkipCallbackWrapper: a callback wrapper (cellast's
// callbacks pass) may run on compiled code's own goroutine, outside the
// lock: the check points go into the body __rt.Callback runs, never into
// the wrapper around it.
func TestCheckpointsSkipCallbackWrapper(t *testing.T) {
	const src = `package main

func run() {
	h.Go(func(__cb func() error, __site *__rt.CallSite) func() error {
		return func() (__r0 error) {
			__rt.Callback(__site, func() { __r0 = __cb() })
			return
		}
	}(f, __rt.Here()))
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "in.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	defer s.Close()
	if err := s.passCheckpoints(nil, f); err != nil {
		t.Fatal(err)
	}
	var inner *ast.FuncLit // func() (__r0 error) {...}
	ast.Inspect(f, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncLit); ok && fl.Type.Results != nil && len(fl.Type.Results.List) == 1 && len(fl.Type.Results.List[0].Names) == 1 {
			inner = fl
		}
		return true
	})
	if inner == nil {
		t.Fatal("no wrapper in the rewritten file")
	}
	var b bytes.Buffer
	printer.Fprint(&b, fset, inner)
	got := b.String()
	if !strings.HasPrefix(strings.TrimSpace(strings.SplitN(got, "\n", 2)[1]), "__rt.Callback(") {
		t.Errorf("the wrapper does not start with __rt.Callback:\n%s", got)
	}
	if n := strings.Count(got, "__gil.C()"); n != 1 || !regexp.MustCompile(`func\(\) \{\s*__gil\.C\(\)`).MatchString(got) {
		t.Errorf("want one check point, in the body; got %d:\n%s", n, got)
	}
}
