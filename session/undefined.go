package session

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// yaegi reports a var or const initializer that names an undefined
// identifier as "constant definition loop" (var y = nosuch), and a
// statement that reads one as a run-time panic "incomplete type nosuch".
// undefinedIn finds such identifiers so the cell fails with Go's
// "undefined: nosuch" at the name's position instead.

// isConstLoop reports yaegi's message for an undefined name in an
// initializer.
func isConstLoop(err error) bool {
	return err != nil && strings.HasSuffix(err.Error(), "constant definition loop")
}

// undefinedIn returns a compile error naming the first identifier read by
// a var or const initializer of f that nothing declares, or nil. It is a
// heuristic for an error message only: names declared anywhere inside an
// initializer (func literal parameters, locals) and composite-literal keys
// count as declared.
func (c *cell) undefinedIn(f *ast.File) error {
	known := c.knownNames(f)
	var found *ast.Ident
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, sp := range g.Specs {
			vs, ok := sp.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for _, v := range vs.Values {
				if found == nil {
					found = firstUnknown(v, known)
				}
			}
		}
	}
	if found == nil {
		return nil
	}
	pos := c.s.it.FileSet().Position(found.Pos())
	return &compileError{err: fmt.Errorf("%s: undefined: %s", pos, found.Name)}
}

// knownNames is every name a cell can use: earlier cells' declarations
// and globals, imports, the file's own declarations and Go's universe.
func (c *cell) knownNames(f *ast.File) map[string]bool {
	known := map[string]bool{}
	sc := c.s.scopeLocked()
	for _, d := range sc.decls {
		known[d.Name] = true
	}
	for n := range sc.globals {
		known[n] = true
	}
	for n := range sc.imports {
		known[n] = true
	}
	for _, e := range c.s.st.decls.live() {
		for _, k := range e.keys {
			_, n, _ := strings.Cut(k, " ")
			known[n] = true
		}
	}
	for _, is := range f.Imports {
		if is.Name != nil {
			known[is.Name.Name] = true
			continue
		}
		p := strings.Trim(is.Path.Value, `"`)
		if name := sc.packages[p]; name != "" {
			known[name] = true
		}
		known[p[strings.LastIndex(p, "/")+1:]] = true
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				known[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						known[n.Name] = true
					}
				case *ast.TypeSpec:
					known[sp.Name.Name] = true
				}
			}
		}
	}
	return known
}

// firstUnknown returns the first identifier read in e that is neither
// known, in Go's universe, generated (__x), nor declared inside e.
func firstUnknown(e ast.Expr, known map[string]bool) *ast.Ident {
	local := map[string]bool{}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					local[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.TypeSpec:
			local[n.Name.Name] = true
		case *ast.RangeStmt:
			for _, x := range []ast.Expr{n.Key, n.Value} {
				if id, ok := x.(*ast.Ident); ok {
					local[id.Name] = true
				}
			}
		case *ast.LabeledStmt:
			local[n.Label.Name] = true
		}
		return true
	})
	var found *ast.Ident
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, visit) // not the selected name
			return false
		case *ast.KeyValueExpr:
			ast.Inspect(n.Value, visit) // a key may be a field name
			return false
		case *ast.BranchStmt:
			return false // labels
		case *ast.Ident:
			name := n.Name
			if name == "_" || strings.HasPrefix(name, "__") || known[name] || local[name] || types.Universe.Lookup(name) != nil {
				return false
			}
			found = n
			return false
		}
		return true
	}
	ast.Inspect(e, visit)
	return found
}
