package typecheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// checkCell checks src (declarations of package main, without the
// clause) against decls with c and returns its error messages.
func checkCell(t *testing.T, c *Checker, fset *token.FileSet, decls *Decls, src string) []string {
	t.Helper()
	f, err := parser.ParseFile(fset, "_.go", "package main\n"+src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	res, err := c.Check(Cell{Fset: fset, Files: []*ast.File{f}, Decls: decls, Imports: []string{`"fmt"`}})
	if err != nil {
		t.Fatalf("check %q: %v", src, err)
	}
	var msgs []string
	for _, e := range res.Errors {
		msgs = append(msgs, e.Msg)
	}
	return msgs
}

// TestIncrementalBase runs sequences of declarations and checks: the
// checker that brings its base up to date from the changes must report
// what a fresh checker that checks every declaration reports, and check
// the base whole only as often as wantBuilds says.
func TestIncrementalBase(t *testing.T) {
	type step struct {
		set   map[int]string // declarations set (a "" source deletes)
		check string         // a cell checked after the changes
		want  string         // in its one error; "" for none
	}
	tests := []struct {
		name       string
		steps      []step
		wantBuilds int
	}{
		{
			name: "new vars and funcs are checked alone",
			steps: []step{
				{set: map[int]string{1: "var a = 1"}, check: "var _ int = a"},
				{set: map[int]string{2: "var b = a + 1"}, check: "var _ string = b", want: "cannot use b"},
				{set: map[int]string{3: "func f(n int) string { return fmt.Sprint(n) }"}, check: "var _ int = f(b)", want: "cannot use f(b)"},
				{set: map[int]string{4: "var c = f(2)"}, check: "var _ string = c"},
			},
			wantBuilds: 1,
		},
		{
			name: "a var declared again: the old one is blanked",
			steps: []step{
				{set: map[int]string{1: "var x = 1"}, check: "var _ int = x"},
				{set: map[int]string{1: "var _ = 1", 2: `var x = "s"`}, check: "var _ int = x", want: "cannot use x"},
				{set: map[int]string{1: ""}, check: "var _ string = x"},
			},
			wantBuilds: 1,
		},
		{
			name: "a func declared again",
			steps: []step{
				{set: map[int]string{1: "func g() int { return 1 }"}, check: "var _ string = g()", want: "cannot use g()"},
				{set: map[int]string{1: "", 2: "func g() string { return \"\" }"}, check: "var _ int = g()", want: "cannot use g()"},
			},
			wantBuilds: 1,
		},
		{
			name: "a type or method checks the base whole",
			steps: []step{
				{set: map[int]string{1: "type T struct{ A int }"}, check: "var _ = T{A: 1}"},
				{set: map[int]string{2: "func (T) M() int { return 1 }"}, check: "var _ string = T{}.M()", want: "cannot use T{}.M()"},
				{set: map[int]string{3: "var t T"}, check: "var _ = t.B", want: "t.B undefined"},
				{set: map[int]string{1: "", 4: "type T struct{ B int }"}, check: "var _ = T{A: 1}", want: "unknown field A"},
			},
			wantBuilds: 3,
		},
		{
			name: "a deleted name is undefined",
			steps: []step{
				{set: map[int]string{1: "var y = 1", 2: "const k = 2"}, check: "var _ = y + k"},
				{set: map[int]string{2: ""}, check: "var _ = y + k", want: "undefined: k"},
			},
			wantBuilds: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc, err := New(func(string) map[string]reflect.Value { return nil })
			if err != nil {
				t.Skip(err)
			}
			fset := token.NewFileSet()
			var decls Decls
			for i, st := range tt.steps {
				for id, src := range st.set {
					if src == "" {
						decls.Delete(id)
					} else {
						decls.Set(id, src)
					}
				}
				got := checkCell(t, inc, fset, &decls, st.check)
				fresh, _ := New(func(string) map[string]reflect.Value { return nil })
				var all Decls
				for id, src := range decls.src {
					all.Set(id, src)
				}
				want := checkCell(t, fresh, fset, &all, st.check)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("step %d, %q: got %q, want %q (a fresh checker's)", i, st.check, got, want)
				}
				if st.want == "" && len(got) > 0 || st.want != "" && (len(got) != 1 || !strings.Contains(got[0], st.want)) {
					t.Errorf("step %d, %q: got errors %q, want one with %q", i, st.check, got, st.want)
				}
			}
			if inc.builds != tt.wantBuilds {
				t.Errorf("whole checks of the base: got %d, want %d", inc.builds, tt.wantBuilds)
			}
		})
	}
}

// TestTrailing checks trailing expression lists against declarations:
// their errors (a call of no value is none), and the types of their
// expressions in Info.
func TestTrailing(t *testing.T) {
	c, err := New(func(string) map[string]reflect.Value { return nil })
	if err != nil {
		t.Skip(err)
	}
	decls := &Decls{}
	decls.Set(1, "var x = 1")
	decls.Set(2, "func none() {}")
	decls.Set(3, "func two() (int, error) { return 1, nil }")
	tests := []struct {
		expr      string
		wantErr   string // in the one error; "" for none
		wantTypes []string
	}{
		{expr: "x + 1", wantTypes: []string{"int"}},
		{expr: "x, \"a\"", wantTypes: []string{"int", "string"}},
		{expr: "fmt.Sprint(x)", wantTypes: []string{"string"}},
		{expr: "none()", wantTypes: []string{"()"}},
		{expr: "two()", wantTypes: []string{"(int, error)"}},
		{expr: "x + \"a\"", wantErr: "mismatched types int and untyped string"},
		{expr: "y", wantErr: "undefined: y"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			res, err := c.Check(Cell{Fset: token.NewFileSet(), Trailing: "/*line cell[2]/_.go:1:1*/" + tt.expr, Decls: decls, Imports: []string{`"fmt"`}})
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, e := range res.Errors {
				msgs = append(msgs, e.Msg)
			}
			if tt.wantErr != "" {
				if len(msgs) != 1 || !strings.Contains(msgs[0], tt.wantErr) {
					t.Errorf("errors %q, want one with %q", msgs, tt.wantErr)
				}
				return
			}
			if len(msgs) > 0 {
				t.Fatalf("errors %q", msgs)
			}
			var got []string
			for _, a := range TrailingArgs(res.Trailing) {
				got = append(got, res.Info.TypeOf(a).String())
			}
			if !reflect.DeepEqual(got, tt.wantTypes) {
				t.Errorf("types %q, want %q", got, tt.wantTypes)
			}
		})
	}
}

// TestDeclsVersion: the version moves with every change, and only then.
func TestDeclsVersion(t *testing.T) {
	var d Decls
	steps := []struct {
		do   func()
		want uint64
	}{
		{func() {}, 0},
		{func() { d.Set(1, "var a = 1") }, 1},
		{func() { d.Set(1, "var a = 1") }, 1},
		{func() { d.Set(1, "var a = 2") }, 2},
		{func() { d.Delete(2) }, 2},
		{func() { d.Delete(1) }, 3},
	}
	for i, st := range steps {
		st.do()
		if got := d.Version(); got != st.want {
			t.Errorf("step %d: version %d, want %d", i, got, st.want)
		}
	}
}

// TestParseTrailing checks which sources parse as exactly a list of
// expressions, and that their arguments are the source's.
func TestParseTrailing(t *testing.T) {
	for _, tt := range []struct {
		src  string
		args int // 0: not a list of expressions
	}{
		{"x + 1", 1},
		{"/*line cell[3]/_.go:2:1*/x + 1", 1},
		{"a, f(b)", 2},
		{"[]int{1, 2}", 1},
		{"func() int { return 1 }()", 1},
		{"x++", 0},
		{"x = 1", 0},
		{"xs...", 0},
		{"a), (b", 0},
		{"a)(b", 0},
		{"a)\n__gilgo_show(b", 0},
		{"x // a comment", 0},
		{"", 0},
	} {
		t.Run(tt.src, func(t *testing.T) {
			fset := token.NewFileSet()
			f, err := ParseTrailing(fset, tt.src)
			if ok := err == nil; ok != (tt.args > 0) {
				t.Fatalf("ParseTrailing(%q): %v, want ok %v", tt.src, err, tt.args > 0)
			}
			if err != nil {
				return
			}
			if n := len(TrailingArgs(f)); n != tt.args {
				t.Fatalf("ParseTrailing(%q): %d expressions, want %d", tt.src, n, tt.args)
			}
			pos := fset.Position(TrailingArgs(f)[0].Pos())
			if strings.HasPrefix(tt.src, "/*line ") && pos.String() != "cell[3]/_.go:2:1" {
				t.Errorf("ParseTrailing(%q): first expression at %s, want cell[3]/_.go:2:1", tt.src, pos)
			}
		})
	}
}

// TestCheckTrailingAlone checks that a cell of only a trailing expression
// list, checked alone (checkTrailing), gets the errors and facts the
// check of its file gives.
func TestCheckTrailingAlone(t *testing.T) {
	decls := &Decls{}
	decls.Set(1, "var x = 1")
	decls.Set(2, "func none() {}")
	decls.Set(3, "func two() (int, error) { return 1, nil }")
	decls.Set(4, "type T struct{ A []int }\nfunc (t T) M(n uint) int { return t.A[0] << n }")
	decls.Set(5, "func G[E any](xs ...E) E { return xs[0] }")
	decls.Set(6, "var rand = 3")
	for _, expr := range []string{
		"x + 1", "x, \"a\"", "1", "1 << x", "1.5", "nil", "fmt.Sprint(x)", "none()", "two()",
		"T{}.M(2)", "T.M", "G(1, 2)", "G[string]", "func() int { y := x; return y }()",
		"strings.Repeat(\"a\", x) + fmt.Sprint(T{})", "r.Intn(3)", "[]T{{A: nil}}[0].A",
		"x + \"a\"", "y", "func() { z := 1 }", "none(), 1", "rand + 1", "fmt.Println",
	} {
		t.Run(expr, func(t *testing.T) {
			var results [2]string
			for i, alone := range []bool{false, true} {
				c, err := New(func(string) map[string]reflect.Value { return nil })
				if err != nil {
					t.Skip(err)
				}
				trailingAlone = alone
				fset := token.NewFileSet()
				f, err := ParseTrailing(fset, "/*line cell[2]/_.go:1:1*/"+expr)
				if err != nil {
					t.Fatalf("ParseTrailing(%q): %v", expr, err)
				}
				res, err := c.Check(Cell{Fset: fset, TrailingFile: f, Decls: decls,
					Imports: []string{`"fmt"`, `"strings"`, `r "math/rand"`}})
				trailingAlone = true
				if err != nil {
					t.Fatal(err)
				}
				var b strings.Builder
				for _, e := range res.Errors {
					fmt.Fprintf(&b, "error %s: %s\n", fset.Position(e.Pos), e.Msg)
				}
				if len(res.Errors) == 0 {
					inspect := func(n ast.Node) bool {
						if e, ok := n.(ast.Expr); ok {
							if tv, ok := res.Info.Types[e]; ok {
								fmt.Fprintf(&b, "%s %T: %s %v void=%v\n", fset.Position(e.Pos()), e, tv.Type, tv.Value, tv.IsVoid())
							}
						}
						if id, ok := n.(*ast.Ident); ok {
							fmt.Fprintf(&b, "%s %s uses %v defs %v\n", fset.Position(id.Pos()), id.Name, res.Info.Uses[id], res.Info.Defs[id])
						}
						if x, ok := n.(*ast.SelectorExpr); ok {
							fmt.Fprintf(&b, "selection %v\n", res.Info.Selections[x])
						}
						return true
					}
					for _, a := range TrailingArgs(f) {
						ast.Inspect(a, inspect)
					}
					var defs []string
					var pkg *types.Package
					for id, obj := range res.Info.Defs {
						defs = append(defs, fmt.Sprintf("def %s %s %v", fset.Position(id.Pos()), id.Name, obj))
						if obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "main" && pkg == nil {
							pkg = obj.Pkg()
						}
					}
					for n, obj := range res.Info.Implicits {
						defs = append(defs, fmt.Sprintf("implicit %T %v", n, obj))
					}
					sort.Strings(defs)
					fmt.Fprintln(&b, strings.Join(defs, "\n"))
					if pkg != nil {
						for _, name := range pkg.Scope().Names() {
							if _, ok := pkg.Scope().Lookup(name).(*types.PkgName); !ok {
								fmt.Fprintf(&b, "in scope %s\n", name)
							}
						}
					}
					var insts []string
					for id, inst := range res.Info.Instances {
						insts = append(insts, fmt.Sprintf("instance %s %v %v", fset.Position(id.Pos()), inst.TypeArgs, inst.Type))
					}
					sort.Strings(insts)
					fmt.Fprintln(&b, strings.Join(insts, "\n"))
				}
				results[i] = b.String()
			}
			if results[0] != results[1] {
				t.Errorf("checked as a file:\n%s\nalone:\n%s", results[0], results[1])
			}
			if results[0] == "" {
				t.Errorf("no facts")
			}
		})
	}
}
