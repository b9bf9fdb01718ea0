package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/cellast"
	"github.com/gilgo/gilgo/session/stdlib"
)

// yaegi v0.16.1 orders the package-level var declarations of one compile by
// their dependencies, but only among the declarations of that compile: an
// initializer that reads a variable of an earlier cell (x := s[0], y := n+1)
// fails with "variable definition loop". Such declarations are run by value
// instead: the initializer runs in a generated func that hands pointers to
// its results to the compiled keeper below, then each variable is declared
// by its type (written, or the static type of the result named as Go
// source) without an initializer, and its value is set.

// keeper receives the pointers __rt.Keep is called with. Safe for
// concurrent use.
type keeper struct {
	mu   sync.Mutex
	ptrs []reflect.Value
}

// keep is __rt.Keep.
func (k *keeper) keep(ptrs ...any) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ptrs = k.ptrs[:0]
	for _, p := range ptrs {
		k.ptrs = append(k.ptrs, reflect.ValueOf(p))
	}
}

// ret is __rt.Ret: it keeps the results of a generated cell func.
func (k *keeper) ret(vals []any) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ptrs = append(k.ptrs[:0], reflect.ValueOf(vals))
	return true
}

// ret1 is __rt.Ret1: ret of one value and no text, []any{v, nil}.
func (k *keeper) ret1(v any) bool { return k.ret([]any{v, nil}) }

func (k *keeper) take() []reflect.Value {
	k.mu.Lock()
	defer k.mu.Unlock()
	p := k.ptrs
	k.ptrs = nil
	return p
}

// isDefinitionLoop reports whether err is yaegi's cross-compile var
// dependency failure.
func isDefinitionLoop(err error) bool {
	return err != nil && strings.HasSuffix(err.Error(), "variable definition loop")
}

// initCallsGeneric reports whether a package-level var of f is
// initialised by a call of a generic func (its type arguments inferred or
// written), by the type check's facts info (nil: unknown), or by a
// comma-ok form (v, ok := x.(T)). yaegi v0.16.1 fails at such a
// declaration in several ways (var e = slices.Max(xs): "nil reflect
// type", a nil dereference, or "constant definition loop"), but runs it
// in a func: the declaration runs by value.
func initCallsGeneric(info *types.Info, f *ast.File) bool {
	if info == nil {
		return false
	}
	found := false
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, sp := range g.Specs {
			if vs := sp.(*ast.ValueSpec); len(vs.Names) == 2 && len(vs.Values) == 1 && commaOK(vs.Values[0]) {
				return true // var v, ok = x.(T): "nil type" at package level
			}
			for _, v := range sp.(*ast.ValueSpec).Values {
				ast.Inspect(v, func(n ast.Node) bool {
					if _, lit := n.(*ast.FuncLit); lit || found {
						return false // a func literal's body runs in a func
					}
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					if id := cellast.CalleeIdent(call.Fun); id != nil {
						_, generic := info.Instances[id]
						found = generic && interpretedPkg(info.Uses[id])
						if _, builtin := info.Uses[id].(*types.Builtin); builtin && id.Name == "new" && len(call.Args) == 1 {
							found = info.Types[call.Args[0]].IsValue() // new(expr): a generic helper
						}
					}
					return !found
				})
			}
		}
	}
	return found
}

// commaOK reports whether e is a comma-ok form: a type assertion, a map
// index or a receive.
func commaOK(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.TypeAssertExpr:
		return true
	case *ast.IndexExpr:
		return true // a map index, the only index with two results
	case *ast.UnaryExpr:
		return x.Op == token.ARROW
	}
	return false
}

// interpretedPkg reports whether obj belongs to the cells or to a package
// yaegi interprets from source: the generic funcs of compiled packages
// (sync.OnceValue) are not there at all, which the plain path reports.
func interpretedPkg(obj types.Object) bool {
	if obj == nil || obj.Pkg() == nil {
		return false
	}
	p := obj.Pkg().Path()
	return p == "main" || slices.Contains(stdlib.Generic, p)
}

// runDeclsByValue runs a declaration unit whose vars read earlier cells'
// variables: the other declarations compile together first, then each var
// spec with values runs by value, in order.
func (c *cell) runDeclsByValue(f *ast.File, newEntries []*entry, newImports []string) error {
	var rest []ast.Decl
	var specs []*ast.ValueSpec
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
			var keep []ast.Spec
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				if len(vs.Values) > 0 {
					specs = append(specs, vs)
				} else {
					keep = append(keep, vs)
				}
			}
			if len(keep) == 0 {
				continue
			}
			g.Specs = keep
		}
		rest = append(rest, d)
	}
	st := c.s.st
	if len(rest) > 0 {
		rf := &ast.File{Package: f.Package, Name: f.Name, Decls: rest}
		prog, err := c.compile(rf)
		if err != nil {
			c.noteFailed(newEntries)
			return err
		}
		if _, err := c.execute(prog); err != nil {
			return err
		}
	}
	for _, src := range newImports {
		st.imports[src] = true
		st.importSr = append(st.importSr, src)
	}
	c.record(newEntries)
	c.registerTypes(f)
	for _, vs := range specs {
		if err := c.declareByValue(vs); err != nil {
			return err
		}
	}
	return nil
}

// declareByValue runs one var spec by value (see above).
func (c *cell) declareByValue(vs *ast.ValueSpec) error {
	it := c.s.it
	fn := c.NewName("keep")
	var ptrs []ast.Expr
	for _, n := range vs.Names {
		if n.Name != "_" {
			ptrs = append(ptrs, &ast.UnaryExpr{Op: token.AND, X: ast.NewIdent(n.Name)})
		}
	}
	body := append(cellast.LocalVar(vs),
		&ast.ExprStmt{X: &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent("__rt"), Sel: ast.NewIdent("Keep")}, Args: ptrs}},
	)
	f := &ast.File{Package: vs.Pos(), Name: ast.NewIdent("main"), Decls: []ast.Decl{&ast.FuncDecl{
		Name: ast.NewIdent(fn),
		Type: &ast.FuncType{Func: vs.Pos(), Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{Lbrace: vs.Pos(), List: body},
	}}}
	cellast.FixPos(f)
	prog, err := c.compile(f)
	if err != nil {
		return err
	}
	if _, err := c.execute(prog); err != nil {
		return err
	}
	c.s.kept.take()
	if _, err := c.call(fn + "()"); err != nil {
		return err
	}
	kept := c.s.kept.take()
	if len(kept) != len(ptrs) {
		return fmt.Errorf("declare %s: the initializer did not complete", vs.Names[0].Name)
	}
	k := 0
	for _, n := range vs.Names {
		if n.Name == "_" {
			continue
		}
		v := kept[k].Elem()
		k++
		typ := ""
		if vs.Type != nil {
			var b strings.Builder
			if err := printExpr(&b, vs.Type); err == nil {
				typ = b.String()
			}
		}
		if typ == "" {
			f := &formatter{types: c.s.st.types}
			typ = strings.ReplaceAll(f.typeName(v.Type()), "main.", "")
		}
		if _, err := parser.ParseExpr(typ); err != nil {
			return fmt.Errorf("declare %s: its type %s cannot be written in Go source; give it an explicit type", n.Name, typ)
		}
		if err := c.setGlobal(it, n.Name, typ, v); err != nil {
			return err
		}
	}
	return nil
}

// setGlobal declares var name typ and sets it to v. A global of that name
// and type that exists already (declared by the failed compile, whose
// functions refer to it, or by an earlier cell) is set in place.
func (c *cell) setGlobal(it *interp.Interpreter, name, typ string, v reflect.Value) error {
	if g, ok := it.Globals()[name]; ok && g.IsValid() && g.CanSet() && g.Type() == v.Type() {
		g.Set(v)
		return nil
	}
	src := fmt.Sprintf("package main\nvar %s %s\n", name, typ)
	f, err := parser.ParseFile(it.FileSet(), "_.go", src, parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("declare %s: %w", name, err)
	}
	prog, err := c.compile(f)
	if err != nil {
		return fmt.Errorf("declare %s %s: %w", name, typ, err)
	}
	if _, err := c.execute(prog); err != nil {
		return err
	}
	g, ok := it.Globals()[name]
	if !ok || !g.CanSet() || !v.Type().AssignableTo(g.Type()) {
		return fmt.Errorf("declare %s: cannot keep a value of type %s", name, v.Type())
	}
	g.Set(v)
	return nil
}
