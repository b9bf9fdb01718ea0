package session

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	pathpkg "path"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/cellast"
	"github.com/traefik/yaegi/interp"
)

// declKeys names what a top-level declaration declares: "type T",
// "method T.M", "func f", "var x", "const c". Imports have none.
func declKeys(d ast.Decl) []string {
	var keys []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil && len(d.Recv.List) > 0 {
			return []string{"method " + recvName(d.Recv.List[0].Type) + "." + d.Name.Name}
		}
		return []string{"func " + d.Name.Name}
	case *ast.GenDecl:
		for _, sp := range d.Specs {
			switch sp := sp.(type) {
			case *ast.TypeSpec:
				keys = append(keys, "type "+sp.Name.Name)
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					if n.Name != "_" {
						keys = append(keys, d.Tok.String()+" "+n.Name)
					}
				}
			}
		}
	}
	return keys
}

// recvName is the type name of a receiver: T for T, *T, T[K], *T[K].
func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.ParenExpr:
		return recvName(e.X)
	}
	return ""
}

// entriesOf returns the unit's declarations as replayable source.
func (c *cell) entriesOf(u unit) []*entry {
	var out []*entry
	for _, it := range u.items {
		text := it.Text
		src := c.directive(it.Line, it.Col) + text
		if it.DefineAt > 0 {
			src = "var\n" + c.directive(it.Line, it.Col) + text[:it.DefineAt] + "= " + text[it.DefineAt+2:]
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package main\n"+src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		var keys []string
		isVar := false
		for _, d := range f.Decls {
			keys = append(keys, declKeys(d)...)
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				isVar = true
			}
		}
		if len(keys) > 0 {
			out = append(out, &entry{keys: keys, src: src, isVar: isVar})
		}
	}
	return out
}

// needsReplay reports whether the new declarations redefine a type or a
// method, which yaegi would silently ignore.
func (c *cell) needsReplay(news []*entry) bool {
	for _, e := range news {
		for _, k := range e.keys {
			if c.s.st.decls.declares(k) != nil && (strings.HasPrefix(k, "type ") || strings.HasPrefix(k, "method ")) {
				return true
			}
		}
	}
	return false
}

// record adds the new declarations; the names they declare are removed
// from older entries (last definition wins).
func (c *cell) record(news []*entry) {
	st := c.s.st
	for _, e := range news {
		for _, k := range e.keys {
			delete(st.failed, declName(k))
		}
	}
	for _, e := range news {
		st.decls.add(e)
	}
}

// registerTypes remembers the reflect types of the struct types declared in
// f, so that results print as main.P{X: 1}; yaegi's struct types are
// unnamed.
func (c *cell) registerTypes(f *ast.File) {
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, sp := range g.Specs {
			ts := sp.(*ast.TypeSpec)
			if ts.TypeParams != nil {
				continue
			}
			if _, ok := ts.Type.(*ast.StructType); !ok {
				continue
			}
			v, err := c.peek("(*" + ts.Name.Name + ")(nil)")
			if err != nil || !v.IsValid() {
				continue
			}
			t := v.Type()
			if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem().NumField() > 0 {
				c.s.st.types[t.Elem()] = "main." + ts.Name.Name
			}
		}
	}
}

// replay makes a redefinition of a type or method take effect: it builds a
// fresh interpreter, compiles the current declarations with the new ones
// in one file, re-evaluates variable declarations with output hidden, then
// copies variable values over from the old interpreter where their type is
// unchanged. Variables that cannot be carried over are named on stderr.
// Goroutines started by earlier cells are stopped.
func (c *cell) replay(f *ast.File, news []*entry, newImports []string) error {
	s, st := c.s, c.s.st
	start := time.Now()
	redefined := map[string]bool{}
	for _, e := range news {
		for _, k := range e.keys {
			redefined[k] = true
		}
	}
	var b strings.Builder
	b.WriteString("package main\n")
	for _, imp := range append(append([]string(nil), st.importSr...), newImports...) {
		fmt.Fprintf(&b, "import %s\n", imp)
	}
	// Variables are declared in the file with their types (as the type
	// check sees them against the new definitions), so that the funcs
	// and methods compiled with it can use them; their initializers run
	// after, one declaration at a time, as assignments.
	fwd := c.forwardDecls(append(append([]string(nil), st.importSr...), newImports...))
	declared := map[*entry]bool{}
	var vars []*entry
	for _, e := range st.decls.live() {
		if e.isVar {
			vars = append(vars, e)
		}
		if !anyKept(e.keys, redefined) {
			continue
		}
		if !e.isVar {
			b.WriteString(e.src + "\n")
		} else if d, ok := fwd(e); ok {
			b.WriteString(d)
			declared[e] = true
		}
	}
	for _, e := range news {
		if !e.isVar {
			b.WriteString(e.src + "\n")
		} else if d, ok := fwd(e); ok {
			b.WriteString(d)
			declared[e] = true
		}
	}
	it, err := s.newInterp()
	if err != nil {
		return err
	}
	oldIt, oldSt := s.it, st
	s.it = it
	s.st = newState()
	restore := func() { s.it, s.st = oldIt, oldSt }
	nf, err := parser.ParseFile(it.FileSet(), "_.go", b.String(), parser.SkipObjectResolution)
	if err != nil {
		restore()
		return &compileError{err: err, syntax: true}
	}
	if err := rewriteFile(c, nf); err != nil {
		restore()
		return err
	}
	prog, err := c.compile(nf)
	if err != nil {
		restore()
		return fmt.Errorf("redefinition does not compile with the earlier declarations: %w", err)
	}
	if _, err := c.execute(prog); err != nil {
		restore()
		return err
	}
	// From here on the new interpreter is the session's.
	for _, imp := range append(append([]string(nil), oldSt.importSr...), newImports...) {
		s.st.imports[imp] = true
		s.st.importSr = append(s.st.importSr, imp)
	}
	for _, e := range oldSt.decls.live() {
		if anyKept(e.keys, redefined) {
			s.st.decls.add(e)
		}
	}
	s.st.unit = oldSt.unit
	old := oldIt.Globals()
	hidden := owner{out: captureOutput{}, cell: c.n}
	s.router.setCurrent(hidden)
	failed := map[string]string{} // var name → why its declaration failed
	runVar := func(e *entry) {
		var err error
		if declared[e] {
			err = c.assignVarEntry(it, e)
		} else {
			err = c.runVarEntry(it, e)
		}
		if err == nil {
			return
		}
		msg := cellPos(translate(err.Error()))
		for _, k := range e.keys {
			if name, ok := strings.CutPrefix(k, "var "); ok {
				failed[name] = msg
			}
		}
	}
	for _, e := range vars {
		if anyKept(e.keys, redefined) {
			runVar(e)
		}
	}
	s.router.setCurrent(owner{out: c.out, cell: c.n})
	for _, e := range news {
		if e.isVar {
			runVar(e)
		}
	}
	c.record(news)
	newG := it.Globals()
	names := make([]string, 0, len(old))
	for n := range old {
		names = append(names, n)
	}
	sort.Strings(names)
	var rerun, lost []string
	for _, n := range names {
		if redefined["var "+n] || redefined["const "+n] || strings.HasPrefix(n, "__") {
			continue
		}
		ov := old[n]
		if why, ok := failed[n]; ok {
			lost = append(lost, n+" ("+why+")")
			continue
		}
		nv, ok := newG[n]
		if !ok || !ov.IsValid() {
			continue // a func or type, or not a variable
		}
		switch {
		case !nv.CanSet():
		case ov.Type() != nv.Type():
			rerun = append(rerun, n)
		case ov.Kind() == reflect.Func:
			// The old interpreter's closures stop working with it:
			// keep the re-evaluated func.
		default:
			nv.Set(ov)
		}
	}
	if len(rerun) > 0 {
		engine.Note(c.out, "note: the type of "+strings.Join(rerun, ", ")+" changed: re-evaluated from the declaration")
	}
	if len(lost) > 0 {
		engine.Note(c.out, "note: not carried over to the new definitions: "+strings.Join(lost, "; "))
	}
	c.registerTypes(nf)
	stopOld(oldIt)
	s.log.Debug("redefinition replay", "took", time.Since(start), "entries", len(s.st.decls.live()))
	return nil
}

// runVarEntry re-evaluates a var declaration in the interpreter it.
func (c *cell) runVarEntry(it *interp.Interpreter, e *entry) error {
	vf, err := parser.ParseFile(it.FileSet(), "_.go", "package main\n"+e.src+"\n", parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	if err := rewriteFile(c, vf); err != nil {
		return err
	}
	p, err := c.compile(vf)
	if err == nil {
		_, err = c.execute(p)
	}
	if isDefinitionLoop(err) {
		for _, d := range vf.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					if err := c.declareByValue(sp.(*ast.ValueSpec)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	return err
}

// forwardDecls returns a func giving, for a var entry, the declarations
// of its variables with their types and no initializer ("var x T\n"), as
// the cell's type check saw them; ok is false when the check did not run,
// or some type cannot be written in the cell's terms (an unexported type
// of another package, a package the cell's imports do not name). imports
// are the import specs the replay file has.
func (c *cell) forwardDecls(imports []string) func(e *entry) (string, bool) {
	vars := map[string]types.Type{}
	if c.types != nil {
		for id, obj := range c.types.Defs {
			if v, ok := obj.(*types.Var); ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
				vars[id.Name] = v.Type()
			}
		}
	}
	names := map[string]string{} // import path → the name the file uses
	// Compiled packages' types carry their Go path (a cell package's
	// type *widgets.Widget is github.com/gilgo/gilgo/lib/widgets's): those
	// are found by package name among the paths' last elements.
	byName := map[string]string{}
	for _, imp := range imports {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nimport "+imp, parser.ImportsOnly)
		if err != nil || len(f.Imports) != 1 {
			continue
		}
		spec := f.Imports[0]
		path := strings.Trim(spec.Path.Value, `"`)
		names[path] = ""
		if spec.Name != nil {
			names[path] = spec.Name.Name
		}
		byName[pathpkg.Base(path)] = names[path]
	}
	return func(e *entry) (string, bool) {
		var b strings.Builder
		for _, k := range e.keys {
			name, ok := strings.CutPrefix(k, "var ")
			t := vars[name]
			if !ok || t == nil {
				return "", false
			}
			expressible := true
			src := types.TypeString(t, func(p *types.Package) string {
				if p.Path() == "main" {
					return ""
				}
				local, ok := names[p.Path()]
				if !ok {
					local, ok = byName[p.Name()]
				}
				if !ok {
					expressible = false
				}
				if local == "" {
					return p.Name()
				}
				if local == "." {
					return ""
				}
				return local
			})
			if !expressible || unexportedQualified.MatchString(src) {
				return "", false
			}
			fmt.Fprintf(&b, "var %s %s\n", name, src)
		}
		return b.String(), true
	}
}

// unexportedQualified matches a qualified unexported name (pkg.name) in a
// type's source.
var unexportedQualified = regexp.MustCompile(`\b[\pL_][\pL\pN_]*\.[\p{Ll}_]`)

// assignVarEntry re-evaluates a var declaration whose variables the
// replay file declared already (forwardDecls): its initializers run as
// assignments, in a func called once.
func (c *cell) assignVarEntry(it *interp.Interpreter, e *entry) error {
	vf, err := parser.ParseFile(it.FileSet(), "_.go", "package main\n"+e.src+"\n", parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	var body []ast.Stmt
	for _, d := range vf.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if len(vs.Values) == 0 {
				continue // the zero value the file declared
			}
			lhs := make([]ast.Expr, len(vs.Names))
			for i, n := range vs.Names {
				lhs[i] = n
			}
			body = append(body, &ast.AssignStmt{Lhs: lhs, TokPos: vs.Values[0].Pos(), Tok: token.ASSIGN, Rhs: vs.Values})
		}
	}
	if len(body) == 0 {
		return nil
	}
	fn := c.NewName("assign")
	pos := body[0].Pos()
	f := &ast.File{Package: pos, Name: ast.NewIdent("main"), Decls: []ast.Decl{&ast.FuncDecl{
		Name: ast.NewIdent(fn),
		Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{Lbrace: pos, List: body},
	}}}
	cellast.FixPos(f)
	if err := rewriteFile(c, f); err != nil {
		return err
	}
	p, err := c.compile(f)
	if err == nil {
		_, err = c.execute(p)
	}
	if err == nil {
		_, err = c.call(fn + "()")
	}
	return err
}

// anyKept reports whether some key is not redefined.
func anyKept(keys []string, redefined map[string]bool) bool {
	for _, k := range keys {
		if !redefined[k] {
			return true
		}
	}
	return false
}

// stopOld stops the goroutines still running in a replaced interpreter.
func stopOld(it *interp.Interpreter) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _ = it.EvalWithContext(ctx, "0")
}
