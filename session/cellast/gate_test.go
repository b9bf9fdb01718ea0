package cellast

import (
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// typedEnv is fakeEnv with the facts of a go/types check of the file.
type typedEnv struct {
	fakeEnv
	info *types.Info
}

func (e *typedEnv) TypeInfo() *types.Info { return e.info }

func (e *typedEnv) ImportName(path string) string {
	if path == "fmt" || path == "errors" {
		return path
	}
	return ""
}

// ungated is Rewrite without its gates: every pass runs.
func ungated(env Env, f *ast.File, extra []Pass) error {
	for _, p := range append(append(append([]Pass(nil), builtinPasses...), extra...), goPass) {
		if err := p.Apply(env, f); err != nil {
			return err
		}
	}
	FixPos(f)
	return nil
}

// gateCases are files for TestRewriteGates beyond the passes' golden
// files; typed ones are type-checked first.
var gateCases = []struct {
	name  string
	typed bool
	src   string
}{
	{"trailing expression", true, "package main\nvar x = 1\nfunc __cell2_1() {\n__v := x + 1\n_ = []any{__v, nil}\n}\n"},
	{"statement", true, "package main\nvar x = 1\nfunc __cell2_1() {\nx++\n}\n"},
	{"untyped statement", false, "package main\nfunc __cell2_1() {\nx++\n}\n"},
	{"generic call", true, "package main\nfunc Sum[T int | float64](xs ...T) (s T) { for _, x := range xs { s += x }; return }\nfunc __cell2_1() {\n_ = Sum(1, 2)\n}\n"},
	{"new of a value", true, "package main\nfunc __cell2_1() {\np := new(42)\n_ = p\n}\n"},
	{"shift", true, "package main\nvar p uint8 = 3\nfunc __cell2_1() {\nfor i := 0; i < 8; i++ { _ = p & (1 << i) }\n}\n"},
	{"method expression", true, "package main\ntype A struct{ n int }\nfunc (a A) Get(k int) int { return a.n + k }\nfunc __cell2_1() {\nf := A.Get\n_ = f\n}\n"},
	{"range over channels", true, "package main\nfunc __cell2_1() {\ncs := []chan int{make(chan int, 1)}\nfor i, c := range cs { _, _ = i, c }\n}\n"},
	{"local var of a generic call", true, "package main\nfunc G[T any](v T) T { return v }\nfunc __cell2_1() {\nvar x = G[int](1)\n_ = x\n}\n"},
	{"fmt of a cell type", true, "package main\nimport \"fmt\"\ntype T int\nfunc (t T) String() string { return \"t\" }\nfunc __cell2_1() {\nfmt.Println(T(1))\nfmt.Printf(\"%T\\n\", T(1))\n}\n"},
	{"errors.As", true, "package main\nimport \"errors\"\ntype E struct{}\nfunc (E) Error() string { return \"e\" }\nfunc __cell2_1() {\nvar e E\n_ = errors.As(nil, &e)\n}\n"},
	{"type switch", true, "package main\nfunc __cell2_1() {\nvar v any = 1\nswitch v.(type) {\ncase error:\n}\n}\n"},
	{"main", true, "package main\nfunc main() {}\nfunc __cell2_1() {\nmain()\n}\n"},
	{"defer in a loop", true, "package main\nfunc __cell2_1() {\nfor i := 0; i < 3; i++ { defer func() { println(i) }() }\n}\n"},
	{"range over an int", false, "package main\nfunc __cell2_1() {\nfor i := range 3 { _ = i }\n}\n"},
	{"func literal argument", false, "package main\nfunc __cell2_1() {\nf(func() {})\n}\n"},
	{"builtins", false, "package main\nfunc __cell2_1() {\nprint(min(1, x), max(y, 2))\n}\n"},
	{"clear", false, "package main\nfunc __cell2_1() {\nclear(m)\n}\n"},
	{"recover", false, "package main\nfunc __cell2_1() {\ndefer func() { _ = recover() }()\n}\n"},
	{"unnamed parameter", false, "package main\nfunc __cell2_1() {\nf := func(int) {}\n_ = f\n}\n"},
	{"go statement", false, "package main\nfunc __cell2_1() {\ngo f(1)\n}\n"},
}

// TestRewriteGates checks that Rewrite's gates skip no pass that had
// something to do: each file is rewritten as Rewrite does it and with
// every pass run, and the two must print alike.
func TestRewriteGates(t *testing.T) {
	type input struct {
		name, src string
		typed     bool
		extra     []Pass
	}
	var inputs []input
	for _, c := range gateCases {
		inputs = append(inputs, input{name: c.name, src: c.src, typed: c.typed})
	}
	files, err := filepath.Glob("testdata/passes/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		in := input{name: filepath.Base(file)}
		for _, f := range ar.Files {
			switch f.Name {
			case "in.go":
				in.src = string(f.Data)
			case "extra":
				for _, name := range strings.Fields(string(f.Data)) {
					in.extra = append(in.extra, extraPasses[name])
				}
			}
		}
		inputs = append(inputs, in)
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil)
	rewrite := func(in input, run func(Env, *ast.File, []Pass) error) string {
		f, err := parser.ParseFile(fset, "in.go", in.src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
		}
		var env Env = &fakeEnv{}
		if in.typed {
			info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
				Uses: map[*ast.Ident]types.Object{}, Instances: map[*ast.Ident]types.Instance{},
				Implicits: map[ast.Node]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
			conf := types.Config{Importer: imp}
			if _, err := conf.Check("main", fset, []*ast.File{f}, info); err != nil {
				t.Fatalf("%s: %v", in.name, err)
			}
			env = &typedEnv{info: info}
		}
		if err := run(env, f, in.extra); err != nil {
			return "error: " + err.Error()
		}
		var b bytes.Buffer
		if err := printer.Fprint(&b, fset, f); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			want := rewrite(in, ungated)
			if got := rewrite(in, Rewrite); got != want {
				t.Errorf("gated:\n%s\nevery pass:\n%s", got, want)
			}
		})
	}
}

// TestFeatures checks that each construct a gate looks for is found;
// typed ones in a type-checked file.
func TestFeatures(t *testing.T) {
	const decls = "import \"strings\"\ntype A struct{}\nfunc (A) M() {}\nfunc G[T any](v T) T { return v }\nfunc show(_ ...any) {}\nvar x, n, s = 1, 2, []int{}\nvar _ = strings.ToUpper\n"
	tests := []struct {
		body  string
		typed bool
		want  features
	}{
		{"x := 1\n_ = x + 1", false, 0},
		{"for {}", false, loop},
		{"for range s {}", false, loop | rangeLoop},
		{"defer f()", false, deferStmt},
		{"go f()", false, goStmt},
		{"_ = func() {}", false, funcLit},
		{"_ = func(int) {}", false, funcLit | unnamedParam},
		{"switch v.(type) {}", false, typeSwitch},
		{"var x int", false, declStmt},
		{"_ = 1 << n", false, shift},
		{"_ = n >> 1", false, shift},
		{"main()", false, mainName},
		{"_ = new(int)", false, newCall},
		{"println()", false, builtinCall},
		{"_ = (min)(1, 2)", false, builtinCall},
		{"show(x + 1)", true, 0},
		{"_ = strings.ToUpper(\"a\")", true, pkgCall},
		{"var b strings.Builder\nb.WriteString(\"a\")", true, declStmt | pkgCall},
		{"_ = G(1)", true, instanceCall},
		{"_ = A.M", true, methodExpr},
		{"var a A\n_ = a.M", true, declStmt},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			fset := token.NewFileSet()
			src := "package main\n"
			if tt.typed {
				src += decls
			}
			f, err := parser.ParseFile(fset, "in.go", src+"func f() {\n"+tt.body+"\n}\n", 0)
			if err != nil {
				t.Fatal(err)
			}
			var env Env = &fakeEnv{}
			if tt.typed {
				info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{},
					Instances: map[*ast.Ident]types.Instance{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
				conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
				if _, err := conf.Check("main", fset, []*ast.File{f}, info); err != nil {
					t.Fatal(err)
				}
				env = &typedEnv{info: info}
			}
			if got := featuresOf(env, f); got != tt.want {
				t.Errorf("features %b, want %b", got, tt.want)
			}
		})
	}
}
