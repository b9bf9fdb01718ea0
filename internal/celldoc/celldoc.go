package celldoc

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/session/hook"
)

// Source is the documentation of one Go package, read from its directory.
type Source struct {
	pkg  *doc.Package
	fset *token.FileSet
}

// Load reads the non-test .go files of dir (zdocs.go, the generated
// output, excluded).
func Load(dir string) (*Source, error) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, fmt.Errorf("load docs of %s: %w", dir, err)
	}
	var asts []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || filepath.Base(f) == "zdocs.go" {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("load docs: %w", err)
		}
		asts = append(asts, af)
	}
	if len(asts) == 0 {
		return nil, fmt.Errorf("load docs of %s: no Go files", dir)
	}
	p, err := doc.NewFromFiles(fset, asts, "x", doc.AllDecls|doc.PreserveAST)
	if err != nil {
		return nil, fmt.Errorf("load docs of %s: %w", dir, err)
	}
	return &Source{pkg: p, fset: fset}, nil
}

// Lookup documents name: a func, a type, a method "T.M", a var or a const.
func (s *Source) Lookup(name string) (hook.Doc, bool) {
	for _, f := range s.pkg.Funcs {
		if f.Name == name {
			return hook.Doc{Decl: s.decl(f.Decl), Text: f.Doc}, true
		}
	}
	for _, ty := range s.pkg.Types {
		if ty.Name == name {
			spec := *ty.Decl.Specs[0].(*ast.TypeSpec)
			spec.Doc, spec.Comment = nil, nil
			filtered := exportedFields(&spec)
			decl := "type " + s.decl(&spec)
			if filtered {
				decl = strings.TrimSuffix(decl, "}") + "\t// contains filtered or unexported fields\n}"
				decl = strings.Replace(decl, "struct {}", "struct {\n}", 1)
			}
			return hook.Doc{Decl: decl, Text: ty.Doc}, true
		}
		for _, f := range ty.Funcs { // constructors are package funcs
			if f.Name == name {
				return hook.Doc{Decl: s.decl(f.Decl), Text: f.Doc}, true
			}
		}
		for _, f := range ty.Methods { // methods only as T.M
			if ty.Name+"."+f.Name == name {
				return hook.Doc{Decl: s.decl(f.Decl), Text: f.Doc}, true
			}
		}
		for _, vs := range append(ty.Consts, ty.Vars...) {
			if d, ok := s.value(vs, name); ok {
				return d, true
			}
		}
	}
	for _, vs := range append(s.pkg.Consts, s.pkg.Vars...) {
		if d, ok := s.value(vs, name); ok {
			return d, true
		}
	}
	return hook.Doc{}, false
}

// Methods returns the exported methods of the exported type typ as "T.M",
// sorted.
func (s *Source) Methods(typ string) []string {
	var out []string
	for _, ty := range s.pkg.Types {
		if ty.Name != typ {
			continue
		}
		for _, m := range ty.Methods {
			if ast.IsExported(m.Name) {
				out = append(out, ty.Name+"."+m.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// AllMethods returns the exported methods of every exported type, as
// Methods does.
func (s *Source) AllMethods() []string {
	var out []string
	for _, ty := range s.pkg.Types {
		if ast.IsExported(ty.Name) {
			out = append(out, s.Methods(ty.Name)...)
		}
	}
	sort.Strings(out)
	return out
}

// AsFunc documents method "T.M" as the package func a cell calls: the
// receiver is dropped, and so is the qualifier pkg+"." of the cell
// package's own types (e.g. "refcount." in a binding's signature).
func (s *Source) AsFunc(method, pkg string) (hook.Doc, bool) {
	d, ok := s.Lookup(method)
	if !ok || !strings.HasPrefix(d.Decl, "func (") {
		return hook.Doc{}, false
	}
	d.Decl = "func " + d.Decl[strings.Index(d.Decl, ") ")+2:]
	if pkg != "" {
		d.Decl = strings.ReplaceAll(d.Decl, pkg+".", "")
	}
	return d, true
}

func (s *Source) decl(n any) string {
	var b bytes.Buffer
	if fd, ok := n.(*ast.FuncDecl); ok {
		c := *fd
		c.Body, c.Doc = nil, nil
		n = &c
	}
	_ = printer.Fprint(&b, s.fset, n)
	return b.String()
}

func (s *Source) value(v *doc.Value, name string) (hook.Doc, bool) {
	for _, spec := range v.Decl.Specs {
		vs := spec.(*ast.ValueSpec)
		for _, n := range vs.Names {
			if n.Name != name {
				continue
			}
			text := v.Doc
			if vs.Doc != nil {
				text = vs.Doc.Text()
			}
			c := *vs
			c.Doc, c.Comment = nil, nil
			kw := "var "
			if v.Decl.Tok == token.CONST {
				kw = "const "
			}
			return hook.Doc{Decl: kw + s.decl(&c), Text: text}, true
		}
	}
	return hook.Doc{}, false
}

// exportedFields drops the unexported fields of a struct type spec (on a
// copy of its field list) and reports whether it dropped any.
func exportedFields(spec *ast.TypeSpec) bool {
	st, ok := spec.Type.(*ast.StructType)
	if !ok || st.Fields == nil {
		return false
	}
	var keep []*ast.Field
	dropped := false
	for _, f := range st.Fields.List {
		var names []*ast.Ident
		for _, n := range f.Names {
			if n.IsExported() {
				names = append(names, n)
			}
		}
		switch {
		case len(f.Names) == 0 || len(names) == len(f.Names):
			keep = append(keep, f)
		case len(names) > 0:
			c := *f
			c.Names = names
			keep = append(keep, &c)
			dropped = true
		default:
			dropped = true
		}
	}
	c := *st
	c.Fields = &ast.FieldList{Opening: st.Fields.Opening, List: keep, Closing: st.Fields.Closing}
	spec.Type = &c
	return dropped
}

// Generate returns the source of zdocs.go for package pkg: a func docs()
// returning docs as a fresh map each call.
func Generate(pkg string, docs map[string]hook.Doc) ([]byte, error) {
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by TestDocs (go test -run TestDocs -update); DO NOT EDIT.\n\npackage %s\n\n", pkg)
	b.WriteString("import \"github.com/gilgo/gilgo/session/hook\"\n\n")
	b.WriteString("// docs documents the package's symbols for inspect_request, from their Go source.\n")
	b.WriteString("func docs() map[string]hook.Doc {\n\treturn map[string]hook.Doc{\n")
	for _, n := range names {
		fmt.Fprintf(&b, "%q: {Decl: %q, Text: %q},\n", n, docs[n].Decl, docs[n].Text)
	}
	b.WriteString("}\n}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format zdocs.go: %w", err)
	}
	return out, nil
}

// MustLoad is Load for tests.
func MustLoad(t testing.TB, dir string) *Source {
	t.Helper()
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Test generates zdocs.go of package pkg (in the test's directory) from
// docs and compares it with the file, or rewrites the file when update is
// set. It fails for every symbol of syms that docs leaves undocumented.
func Test(t *testing.T, pkg string, update bool, syms map[string]reflect.Value, docs map[string]hook.Doc) {
	t.Helper()
	src, err := Generate(pkg, docs)
	if err != nil {
		t.Fatal(err)
	}
	if update {
		if err := os.WriteFile("zdocs.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
	} else if got, err := os.ReadFile("zdocs.go"); err != nil || !bytes.Equal(got, src) {
		t.Errorf("zdocs.go is stale: run go test -run TestDocs -update (%v)", err)
	}
	for n := range syms {
		if d, ok := docs[n]; !ok || d.Decl == "" || d.Text == "" {
			t.Errorf("%s.%s is not documented", pkg, n)
		}
	}
}

// Add documents each name with lookup(name) into docs, failing the test
// for a name lookup does not find.
func Add(t testing.TB, docs map[string]hook.Doc, lookup func(string) (hook.Doc, bool), names ...string) {
	t.Helper()
	for _, n := range names {
		d, ok := lookup(n)
		if !ok {
			t.Errorf("no documentation of %s in the source", n)
			continue
		}
		docs[n] = d
	}
}
