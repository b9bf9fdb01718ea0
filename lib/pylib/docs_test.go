package pylib

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
	"sort"
	"strings"
	"testing"
)

// TestDocs regenerates the documentation table from the source and
// compares it with zdocs.go (-update rewrites it). It also checks that
// every symbol a cell can use is documented.
func TestDocs(t *testing.T) {
	got := generateDocs(t)
	want, err := os.ReadFile("zdocs.go")
	if *update {
		if err := os.WriteFile("zdocs.go", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("zdocs.go is stale: run go test -run TestDocs -update (%v)", err)
	}
	for key, syms := range Exports(newSession(t)) {
		path := key[:strings.IndexByte(key, '/')]
		d := Docs(path)
		for name := range syms {
			if e, ok := d[name]; !ok || e.Text == "" || e.Decl == "" {
				t.Errorf("%s.%s: no documentation", path, name)
			}
		}
	}
	if Docs("nope") != nil {
		t.Error("Docs of an unknown package is not nil")
	}
}

type docSource struct {
	pkg   *doc.Package
	fset  *token.FileSet
	local map[string]string // our wrapper methods' names → the cell name
}

func loadDoc(t *testing.T, dir string) (*doc.Package, *token.FileSet) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var asts []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "zdocs.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		asts = append(asts, af)
	}
	p, err := doc.NewFromFiles(fset, asts, "x", doc.AllDecls|doc.PreserveAST)
	if err != nil {
		t.Fatal(err)
	}
	return p, fset
}

func declString(fset *token.FileSet, n any) string {
	var b bytes.Buffer
	if fd, ok := n.(*ast.FuncDecl); ok {
		c := *fd
		c.Body, c.Doc = nil, nil
		n = &c
	}
	_ = printer.Fprint(&b, fset, n)
	return b.String()
}

// lookup finds name in p: a func, a type, a method "T.M", a var or const.
func lookup(p *doc.Package, fset *token.FileSet, name string) (Doc, bool) {
	for _, f := range p.Funcs {
		if f.Name == name {
			return Doc{Decl: declString(fset, f.Decl), Text: f.Doc}, true
		}
	}
	for _, ty := range p.Types {
		if ty.Name == name {
			spec := *ty.Decl.Specs[0].(*ast.TypeSpec)
			spec.Doc, spec.Comment = nil, nil
			filtered := exportedFields(&spec)
			decl := "type " + declString(fset, &spec)
			if filtered {
				decl = strings.TrimSuffix(decl, "}") + "\t// contains filtered or unexported fields\n}"
				decl = strings.Replace(decl, "struct {}", "struct {\n}", 1)
			}
			return Doc{Decl: decl, Text: ty.Doc}, true
		}
		for _, f := range ty.Funcs { // constructors are package funcs
			if f.Name == name {
				return Doc{Decl: declString(fset, f.Decl), Text: f.Doc}, true
			}
		}
		for _, f := range ty.Methods { // methods only as T.M (Co.Generator is not type Generator)
			if ty.Name+"."+f.Name == name {
				return Doc{Decl: declString(fset, f.Decl), Text: f.Doc}, true
			}
		}
		for _, vs := range append(ty.Consts, ty.Vars...) {
			if d, ok := valueDoc(fset, vs, name); ok {
				return d, true
			}
		}
	}
	for _, vs := range append(p.Consts, p.Vars...) {
		if d, ok := valueDoc(fset, vs, name); ok {
			return d, true
		}
	}
	return Doc{}, false
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

func valueDoc(fset *token.FileSet, v *doc.Value, name string) (Doc, bool) {
	for _, s := range v.Decl.Specs {
		vs := s.(*ast.ValueSpec)
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
			return Doc{Decl: kw + declString(fset, &c), Text: text}, true
		}
	}
	return Doc{}, false
}

// wrapperDoc documents a method of packages as the cell's package func.
func wrapperDoc(p *doc.Package, fset *token.FileSet, method, pkg string) Doc {
	for _, ty := range p.Types {
		for _, f := range ty.Methods {
			if f.Name == method {
				decl := declString(fset, f.Decl)
				decl = "func " + decl[strings.Index(decl, ") ")+2:]
				decl = strings.ReplaceAll(decl, pkg+".", "")
				return Doc{Decl: decl, Text: f.Doc}
			}
		}
	}
	return Doc{}
}

func generateDocs(t *testing.T) []byte {
	co, cofs := loadDoc(t, "../../coroutine")
	rc, rcfs := loadDoc(t, "../../refcount")
	self, selffs := loadDoc(t, ".")
	all := map[string]map[string]Doc{"coroutine": {}, "inspect": {}, "refcount": {}, "sys": {}}
	for name := range coroutineSymbols() {
		if d, ok := lookup(co, cofs, name); ok {
			all["coroutine"][name] = d
		}
	}
	for _, ty := range co.Types {
		for _, m := range ty.Methods {
			if ast.IsExported(m.Name) {
				all["coroutine"][ty.Name+"."+m.Name], _ = lookup(co, cofs, ty.Name+"."+m.Name)
			}
		}
	}
	for _, name := range []string{"GetGeneratorState", "GetCoroutineState"} {
		all["inspect"][name], _ = lookup(co, cofs, name)
	}
	p := newPackages(nil)
	for name := range p.refcountSymbols() {
		switch name {
		case "New", "SetOutput", "Transfer", "TransferContext":
			all["refcount"][name] = wrapperDoc(self, selffs, name, "refcount")
		case "ErrInterrupted":
			all["refcount"][name], _ = lookup(self, selffs, name)
		default:
			if d, ok := lookup(rc, rcfs, name); ok {
				all["refcount"][name] = d
			}
		}
	}
	for _, ty := range rc.Types {
		for _, m := range ty.Methods {
			if ast.IsExported(m.Name) {
				all["refcount"][ty.Name+"."+m.Name], _ = lookup(rc, rcfs, ty.Name+"."+m.Name)
			}
		}
	}
	all["sys"]["GetRefCount"] = wrapperDoc(self, selffs, "GetRefCount", "")
	var b bytes.Buffer
	b.WriteString("// Code generated by TestDocs (go test -run TestDocs -update); DO NOT EDIT.\n\npackage pylib\n\nvar generatedDocs = map[string]map[string]Doc{\n")
	for _, path := range sortedKeys(all) {
		fmt.Fprintf(&b, "%q: {\n", path)
		for _, name := range sortedKeys(all[path]) {
			d := all[path][name]
			fmt.Fprintf(&b, "%q: {Decl: %q, Text: %q},\n", name, d.Decl, d.Text)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
