package compiled

import (
	"errors"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGenerateGolden compares the plugin source generated for each
// testdata/gen/*.cell cell with its .golden file.
func TestGenerateGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/gen/*.cell")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cells in testdata/gen: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			g, err := generate(string(src), 3, genOptions{})
			var got string
			if err != nil {
				got = "error: " + err.Error() + "\n"
			} else {
				got = g.src
			}
			golden := strings.TrimSuffix(f, ".cell") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("generate(%s) differs from %s:\n--- got\n%s\n--- want\n%s", f, golden, got, want)
			}
		})
	}
}

// TestParseErrors checks cell positions of errors found before go build.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"x := 1\n", "cell[7]:1:1: expected declaration, found x"},
		{"func f() {\n\treturn\n", "cell[7]:2:9: expected '}', found 'EOF'"},
		{"package foo\n\nfunc f( {}\n", "cell[7]:3:9: expected ')', found '{'"},
	}
	for _, tt := range tests {
		_, err := generate(tt.src, 7, genOptions{})
		var be *BuildError
		if !errors.As(err, &be) {
			t.Errorf("generate(%q) = %v, want a *BuildError", tt.src, err)
			continue
		}
		if be.Lines[0] != tt.want {
			t.Errorf("generate(%q) first error = %q, want %q", tt.src, be.Lines[0], tt.want)
		}
	}
}

func TestWrapperSignatures(t *testing.T) {
	g, err := generate(`import "time"
type P struct{ X int }
func a(x, y int, s ...string) (int, error) { return 0, nil }
func b(p *P, m map[string][]P, f func(P) bool) P { return P{} }
func c(d time.Duration) {}
func d(int, bool) {}
func e(x interface{ M() }) {}
func (P) m() {}
func g[T any](x T) {}
`, 1, genOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"func a(p0 int, p1 int, p2 ...string) (int, error) { return pk.X__a(p0, p1, p2...) }",
		"func b(p0 *pk.P, p1 map[string][]pk.P, p2 func(pk.P) bool) pk.P { return pk.X__b(p0, p1, p2) }",
		"func c(p0 time.Duration) { pk.X__c(p0) }",
		"func d(p0 int, p1 bool) { pk.X__d(p0, p1) }",
		"error: interface type with methods in its signature",
	}
	types := map[string]bool{"P": true}
	used := map[string]bool{}
	if len(g.decls.funcs) != len(want) {
		t.Fatalf("bound funcs = %d, want %d", len(g.decls.funcs), len(want))
	}
	for i, fd := range g.decls.funcs {
		w, err := wrapper(g.fset, fd, "pk", types, used)
		if err != nil {
			w = "error: " + err.Error()
		}
		if w != want[i] {
			t.Errorf("wrapper(%s) =\n%s\nwant\n%s", fd.Name.Name, w, want[i])
		}
	}
	if !used["time"] || len(used) != 1 {
		t.Errorf("imports used = %v, want only time", used)
	}
	if len(g.decls.skipped) != 1 || !strings.HasPrefix(g.decls.skipped[0], "g (generic") {
		t.Errorf("skipped = %q, want the generic g", g.decls.skipped)
	}
}

// FuzzGenerate: generate must not panic on any cell, and what it accepts
// must keep the cell text (edits only insert or replace known spans).
func FuzzGenerate(f *testing.F) {
	for _, s := range []string{
		"func f() { for { } }",
		"package x\nimport \"time\"\nfunc f() { time.Sleep(1); go g(1, 2); go func(){ for {} }() }",
		"var x, y = 1, 2\ntype T struct{}\nconst C = 3",
		"func g(a ...int) { go g(a...) ; go println(1)}",
		"x := 1",
		"import t \"time\"\nfunc s() { t.Sleep(5) }",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		g, err := generate(src, 1, genOptions{})
		if err != nil {
			return
		}
		if !strings.HasPrefix(g.src, "package main\n") {
			t.Fatalf("generated source does not start with the package clause:\n%s", g.src)
		}
	})
}

func TestGenerateHelpers(t *testing.T) {
	constraint := func(src string) bool {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\ntype T "+src, 0)
		if err != nil {
			t.Fatal(err)
		}
		return isConstraint(f.Decls[0].(*ast.GenDecl).Specs[0].(*ast.TypeSpec).Type)
	}
	for src, want := range map[string]bool{
		"interface{ ~int | float64 }": true, "interface{ comparable }": true, "interface{ []byte }": true,
		"interface{ M() }": false, "interface{ io.Reader }": false, "interface{}": false, "struct{}": false,
	} {
		if got := constraint(src); got != want {
			t.Errorf("isConstraint(%s) = %v, want %v", src, got, want)
		}
	}
	for src, want := range map[string]bool{"1": true, "-2.5": true, `"s"`: true, "(3)": true, "nil": true, "x": false, "f()": false, "-x": false} {
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		if got := isConstLit(e); got != want {
			t.Errorf("isConstLit(%s) = %v, want %v", src, got, want)
		}
	}
	src := "// run\n\n//go:build !wasm\n// +build linux\n\npackage main\n"
	if got, want := dropBuildConstraints(src), "// run\n\n//\n//\n\npackage main\n"; got != want {
		t.Errorf("dropBuildConstraints = %q, want %q", got, want)
	}
}
