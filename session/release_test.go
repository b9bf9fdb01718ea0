package session

import (
	"go/token"
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
)

// TestReleaseFields fails when a yaegi upgrade renames the unexported
// fields releaseCompiled empties: without them every cell's node graph
// stays reachable and the worker grows ~15 KB per cell again.
func TestReleaseFields(t *testing.T) {
	it := interp.New(interp.Options{})
	in, ok := internalsOf(it)
	if !ok {
		t.Fatal("yaegi's Interpreter fields mutex, roots, universe, scopes not found")
	}
	if _, err := it.Eval("func __cell1_1() int { return 1 }\nvar keep = __cell1_1()"); err != nil {
		t.Fatal(err)
	}
	if in.roots.Len() == 0 {
		t.Fatal("roots: empty after an Eval, want the Eval's root")
	}
	releaseCompiled(in, []string{"__cell1_1"})
	if n := in.roots.Len(); n != 0 {
		t.Errorf("roots after release: got %d, want 0", n)
	}
	if _, err := it.Eval("__cell1_1()"); err == nil {
		t.Error("__cell1_1 still defined after release, want it removed from package main")
	}
	v, err := it.Eval("keep")
	if err != nil || v.Interface() != 1 {
		t.Errorf("keep after release: got %v, %v; want 1", v, err)
	}
}

// TestReleaseCells: after a cell, the FileSet keeps only the files of its
// declarations, and package main none of the funcs the session generated
// to run it.
func TestReleaseCells(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		wantFiles bool // the cell's files stay
	}{
		{"statements", "x++", false},
		{"expression", "x + 1", false},
		{"statements and expression", "x++\nx * 2", false},
		{"print", `fmt.Println(x)`, false},
		{"declaration", "y := x", true},
		{"func", "func f() int { return x }", true},
	}
	s := newTestSession(t)
	if out := runCell(s, 1, "import \"fmt\"\nx := 1", nil); out != "" {
		t.Fatalf("setup: %s", out)
	}
	runCell(s, 2, "x++", nil) // the type check keeps the files of earlier declarations it parsed
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := func() int {
				n := 0
				s.it.FileSet().Iterate(func(*token.File) bool { n++; return true })
				return n
			}
			before := files()
			runCell(s, i+3, tt.code, nil)
			if grew := files() > before; grew != tt.wantFiles {
				t.Errorf("files: %d before, %d after; want the cell's kept: %v", before, files(), tt.wantFiles)
			}
			in, _ := internalsOf(s.it)
			sym, _ := unexported(in.scopes.MapIndex(reflect.ValueOf("main")).Elem(), "sym")
			for _, k := range sym.MapKeys() {
				if strings.HasPrefix(k.String(), "__cell") {
					t.Errorf("package main still has %s", k)
				}
			}
		})
	}
}
