package cellast

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/passes")

// fakeEnv is an Env without an interpreter: Peek knows the globals the
// archive's peek file names and returns the zero value of their type.
type fakeEnv struct {
	globals map[string]reflect.Type
	n       int
	unknown []*ast.RangeStmt
}

func (e *fakeEnv) Peek(src string) (reflect.Value, error) {
	t, ok := e.globals[src]
	if !ok {
		return reflect.Value{}, fmt.Errorf("undefined: %s", src)
	}
	return reflect.Zero(t), nil
}

// NewName numbers names as the session does.
func (e *fakeEnv) NewName(prefix string) string {
	e.n++
	return fmt.Sprintf("__%s%d", prefix, e.n)
}

func (e *fakeEnv) UnknownRange(r *ast.RangeStmt) { e.unknown = append(e.unknown, r) }

// basicTypes are the named types a peek file may use.
var basicTypes = map[string]reflect.Type{
	"bool": reflect.TypeFor[bool](), "string": reflect.TypeFor[string](),
	"int": reflect.TypeFor[int](), "int8": reflect.TypeFor[int8](), "int16": reflect.TypeFor[int16](),
	"int32": reflect.TypeFor[int32](), "int64": reflect.TypeFor[int64](),
	"uint": reflect.TypeFor[uint](), "uint8": reflect.TypeFor[uint8](), "uint16": reflect.TypeFor[uint16](),
	"uint32": reflect.TypeFor[uint32](), "uint64": reflect.TypeFor[uint64](), "uintptr": reflect.TypeFor[uintptr](),
	"float64": reflect.TypeFor[float64](), "byte": reflect.TypeFor[byte](), "rune": reflect.TypeFor[rune](),
	"any": reflect.TypeFor[any](), "error": reflect.TypeFor[error](),
}

// typeOf builds the reflect.Type of a type expression: basic types,
// slices, maps, pointers and funcs.
func typeOf(e ast.Expr) (reflect.Type, error) {
	switch e := e.(type) {
	case *ast.Ident:
		if t, ok := basicTypes[e.Name]; ok {
			return t, nil
		}
	case *ast.ParenExpr:
		return typeOf(e.X)
	case *ast.StarExpr:
		t, err := typeOf(e.X)
		if err != nil {
			return nil, err
		}
		return reflect.PointerTo(t), nil
	case *ast.ArrayType:
		if e.Len != nil {
			break
		}
		t, err := typeOf(e.Elt)
		if err != nil {
			return nil, err
		}
		return reflect.SliceOf(t), nil
	case *ast.MapType:
		k, err := typeOf(e.Key)
		if err != nil {
			return nil, err
		}
		v, err := typeOf(e.Value)
		if err != nil {
			return nil, err
		}
		return reflect.MapOf(k, v), nil
	case *ast.FuncType:
		fields := func(fl *ast.FieldList) ([]reflect.Type, bool, error) {
			var ts []reflect.Type
			variadic := false
			if fl == nil {
				return nil, false, nil
			}
			for _, f := range fl.List {
				te := f.Type
				if el, ok := te.(*ast.Ellipsis); ok {
					te, variadic = &ast.ArrayType{Elt: el.Elt}, true
				}
				t, err := typeOf(te)
				if err != nil {
					return nil, false, err
				}
				for range max(1, len(f.Names)) {
					ts = append(ts, t)
				}
			}
			return ts, variadic, nil
		}
		in, variadic, err := fields(e.Params)
		if err != nil {
			return nil, err
		}
		out, _, err := fields(e.Results)
		if err != nil {
			return nil, err
		}
		return reflect.FuncOf(in, out, variadic), nil
	}
	return nil, fmt.Errorf("the test cannot build the type %T", e)
}

// parsePeeks reads "name type" lines (name may be a selector chain).
func parsePeeks(text string) (map[string]reflect.Type, error) {
	m := map[string]reflect.Type{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, typ, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("peek line %q: want name and type", line)
		}
		e, err := parser.ParseExpr(typ)
		if err != nil {
			return nil, fmt.Errorf("peek %s: %v", name, err)
		}
		t, err := typeOf(e)
		if err != nil {
			return nil, fmt.Errorf("peek %s: %v", name, err)
		}
		m[name] = t
	}
	return m, nil
}

// extraPasses are the passes an archive's extra file may name.
var extraPasses = map[string]Pass{
	// marker appends `println("name")` and `go mark()` to every func
	// declaration's body: the name shows that main ran before it, the
	// println that builtins did, and the go statement that go runs after.
	"marker": {Name: "marker", Apply: func(_ Env, f *ast.File) error {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fd.Body.List = append(fd.Body.List,
				&ast.ExprStmt{X: &ast.CallExpr{Fun: ast.NewIdent("println"), Args: []ast.Expr{
					&ast.BasicLit{Kind: token.STRING, Value: fmt.Sprintf("%q", fd.Name.Name)}}}},
				&ast.GoStmt{Call: &ast.CallExpr{Fun: ast.NewIdent("mark")}},
			)
		}
		return nil
	}},
}

// outputs are the files of an archive the test writes, in order.
var outputs = []string{"out.go", "unknown", "positions", "error"}

// TestPasses runs testdata/passes/*.txtar. Each archive holds in.go, a
// file of package main, and optionally peek (one "name type" a line: the
// globals the fake session knows, their values zero) and extra (names of
// test passes from extraPasses to run after the built-in ones). Rewrite's
// result is compared with
//
//   - out.go: the rewritten file, as go/printer prints it;
//   - unknown: the range statements the pass reported as unclassified;
//   - positions: only if the archive has this file: each identifier whose
//     name starts with __ and its line:column after FixPos;
//   - error: Rewrite's error, for a *Error with its position.
//
// An output that is absent is expected empty. go test -update rewrites
// the outputs. Every rewritten file must also parse again, and every
// identifier in it must have a position in the file (FixPos).
func TestPasses(t *testing.T) {
	files, err := filepath.Glob("testdata/passes/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files in testdata/passes")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			checkPasses(t, file)
		})
	}
}

func checkPasses(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, f := range ar.Files {
		if _, dup := have[f.Name]; dup {
			t.Fatalf("%s twice", f.Name)
		}
		have[f.Name] = string(f.Data)
	}
	src, ok := have["in.go"]
	if !ok {
		t.Fatal("no in.go")
	}
	globals, err := parsePeeks(have["peek"])
	if err != nil {
		t.Fatal(err)
	}
	var extra []Pass
	for _, name := range strings.Fields(have["extra"]) {
		p, ok := extraPasses[name]
		if !ok {
			t.Fatalf("no extra pass %q", name)
		}
		extra = append(extra, p)
	}

	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "in.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	env := &fakeEnv{globals: globals}
	got := map[string]string{}
	pos := func(p token.Pos) string {
		if !p.IsValid() {
			return "-"
		}
		pp := fset.Position(p)
		return fmt.Sprintf("%d:%d", pp.Line, pp.Column)
	}
	if err := Rewrite(env, f, extra); err != nil {
		var e *Error
		if errors.As(err, &e) {
			got["error"] = pos(e.Pos) + ": " + e.Msg + "\n"
		} else {
			got["error"] = fmt.Sprintf("not a *cellast.Error (%T): %v\n", err, err)
		}
	} else {
		var b bytes.Buffer
		cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
		if err := cfg.Fprint(&b, fset, f); err != nil {
			t.Fatal(err)
		}
		got["out.go"] = b.String()
		if _, err := parser.ParseFile(token.NewFileSet(), "out.go", b.Bytes(), 0); err != nil {
			t.Errorf("the rewritten file does not parse: %v", err)
		}
		tf := fset.File(f.Package)
		var named strings.Builder
		ast.Inspect(f, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			if p := int(id.NamePos); p < tf.Base() || p > tf.Base()+tf.Size() {
				t.Errorf("identifier %s has no position in the file after FixPos (%d)", id.Name, id.NamePos)
			}
			if strings.HasPrefix(id.Name, "__") {
				fmt.Fprintf(&named, "%s %s\n", id.Name, pos(id.NamePos))
			}
			return true
		})
		if _, ok := have["positions"]; ok {
			got["positions"] = named.String()
		}
	}
	var unknown strings.Builder
	for _, r := range env.unknown {
		var x bytes.Buffer
		printer.Fprint(&x, fset, r.X)
		fmt.Fprintf(&unknown, "%s: range %s\n", pos(r.For), x.String())
	}
	got["unknown"] = unknown.String()

	changed := false
	for _, name := range outputs {
		if got[name] == have[name] {
			continue
		}
		changed = true
		if !*update {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", name, got[name], have[name])
		}
	}
	if !*update || !changed {
		return
	}
	var files []txtar.File
	for _, f := range ar.Files {
		if !slices.Contains(outputs, f.Name) {
			files = append(files, f)
		}
	}
	for _, name := range outputs {
		if _, kept := have[name]; got[name] != "" || name == "positions" && kept {
			files = append(files, txtar.File{Name: name, Data: []byte(got[name])})
		}
	}
	ar.Files = files
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
