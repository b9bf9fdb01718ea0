package complete

import (
	"bytes"
	"go/ast"
	"go/build"
	"go/doc"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// docEntry is what the Go source says about one exported name.
type docEntry struct {
	kind string // "func", "type", "var", "const", "method"
	decl string // e.g. "func Println(a ...any) (n int, err error)"
	sig  string // funcs and methods: "func(a ...any) (n int, err error)"
	doc  string
}

// pkgDoc is the documentation of one standard-library package, keyed by
// name or "Type.Method".
type pkgDoc struct {
	name    string
	doc     string
	entries map[string]docEntry
	dp      *doc.Package // renders doc comments, resolving [links]
}

// text renders a doc comment of the package as plain text.
func (pd *pkgDoc) text(comment string) string {
	if pd == nil || pd.dp == nil {
		return strings.TrimSpace(comment)
	}
	pr := pd.dp.Printer()
	pr.TextWidth = -1 // let the front end wrap
	return strings.TrimSpace(string(pr.Text(pd.dp.Parser().Parse(comment))))
}

// docCache holds parsed packages. The zero value finds GOROOT on first use.
type docCache struct {
	mu       sync.Mutex
	goroot   string
	resolved bool
	pkgs     map[string]*pkgDoc // nil value: no source
}

var stdDocs docCache

// SetGOROOT sets the Go installation whose source Inspect reads and empties
// the documentation cache; "" means find it again (the GOROOT environment
// variable, the toolchain this program was built with, `go env GOROOT`).
// Safe for concurrent use.
func SetGOROOT(dir string) {
	stdDocs.mu.Lock()
	defer stdDocs.mu.Unlock()
	stdDocs.goroot, stdDocs.resolved, stdDocs.pkgs = dir, dir != "", nil
}

func findGOROOT() string {
	ok := func(dir string) bool {
		st, err := os.Stat(filepath.Join(dir, "src", "fmt"))
		return dir != "" && err == nil && st.IsDir()
	}
	if d := os.Getenv("GOROOT"); ok(d) {
		return d
	}
	if d := runtime.GOROOT(); ok(d) { // deprecated, but right for a worker built on this machine
		return d
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		out, err := exec.Command(goBin, "env", "GOROOT").Output()
		if d := strings.TrimSpace(string(out)); err == nil && ok(d) {
			return d
		}
	}
	return ""
}

// stdPackage returns the documentation of import path p, nil when its
// source is not available. Safe for concurrent use.
func stdPackage(p string) *pkgDoc {
	if p == "" || strings.Contains(p, "..") || strings.HasPrefix(p, "/") {
		return nil
	}
	stdDocs.mu.Lock()
	defer stdDocs.mu.Unlock()
	if !stdDocs.resolved {
		stdDocs.goroot, stdDocs.resolved = findGOROOT(), true
	}
	if pd, ok := stdDocs.pkgs[p]; ok {
		return pd
	}
	var pd *pkgDoc
	if stdDocs.goroot != "" {
		pd = loadPackage(stdDocs.goroot, p)
	}
	if stdDocs.pkgs == nil {
		stdDocs.pkgs = make(map[string]*pkgDoc)
	}
	stdDocs.pkgs[p] = pd
	return pd
}

func loadPackage(goroot, importPath string) *pkgDoc {
	dir := filepath.Join(goroot, "src", filepath.FromSlash(importPath))
	var names []string
	ctx := build.Default
	ctx.GOROOT = goroot
	if bp, err := ctx.ImportDir(dir, 0); err == nil {
		names = append(bp.GoFiles, bp.CgoFiles...)
	} else {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil
		}
		for _, e := range ents {
			if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
				names = append(names, n)
			}
		}
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, n := range names {
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err == nil {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil
	}
	var mode doc.Mode
	if importPath == "builtin" {
		mode = doc.AllDecls
	}
	dp, err := doc.NewFromFiles(fset, files, importPath, mode)
	if err != nil {
		return nil
	}
	pd := &pkgDoc{name: dp.Name, doc: dp.Doc, entries: make(map[string]docEntry), dp: dp}
	addValues := func(vals []*doc.Value) {
		for _, v := range vals {
			for _, spec := range v.Decl.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				cp := *vs
				cp.Doc, cp.Comment = nil, nil
				d := v.Doc
				if vs.Doc != nil {
					d = vs.Doc.Text()
				} else if vs.Comment != nil && d == "" {
					d = vs.Comment.Text()
				}
				text := node(fset, &ast.GenDecl{Tok: v.Decl.Tok, Specs: []ast.Spec{&cp}})
				for _, n := range vs.Names {
					pd.entries[n.Name] = docEntry{kind: v.Decl.Tok.String(), decl: text, doc: d}
				}
			}
		}
	}
	addFunc := func(key string, f *doc.Func, kind string) {
		cp := *f.Decl
		cp.Doc, cp.Body = nil, nil
		pd.entries[key] = docEntry{kind: kind, decl: node(fset, &cp), sig: node(fset, f.Decl.Type), doc: f.Doc}
	}
	addValues(dp.Consts)
	addValues(dp.Vars)
	for _, f := range dp.Funcs {
		addFunc(f.Name, f, "func")
	}
	for _, t := range dp.Types {
		cp := *t.Decl
		cp.Doc = nil
		pd.entries[t.Name] = docEntry{kind: "type", decl: node(fset, &cp), doc: t.Doc}
		addValues(t.Consts)
		addValues(t.Vars)
		for _, f := range t.Funcs {
			addFunc(f.Name, f, "func")
		}
		for _, m := range t.Methods {
			addFunc(t.Name+"."+m.Name, m, "method")
		}
	}
	return pd
}

func node(fset *token.FileSet, n any) string {
	var b bytes.Buffer
	if err := format.Node(&b, fset, n); err != nil {
		return ""
	}
	return b.String()
}
