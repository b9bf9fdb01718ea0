package session

import (
	"go/ast"
	"go/token"
	"go/types"
	"reflect"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/cellast"
)

// A trailing expression that only reads (identifiers, literals,
// operators, members of packages, elements) and has a basic type runs as
// a bare yaegi Eval runs it: the expression alone is compiled, and
// Execute's result is its value. The generated func that hands a value to
// __rt.Ret1 costs yaegi about three times as much to compile for the same
// value (a func scope, a :=, a call into Go converting to any), and the
// passes have nothing to rewrite in such an expression: no call, no
// receive, no shift, no func literal.

// readingTrailing reports whether e, the checked trailing expression, may
// take that path: its type is basic and typed (or an untyped constant's
// other than nil), and it is made only of reads.
func readingTrailing(info *types.Info, e ast.Expr) bool {
	if info == nil {
		return false
	}
	tv, ok := info.Types[e]
	if !ok || tv.IsType() {
		return false
	}
	if b, ok := tv.Type.(*types.Basic); !ok || b.Kind() == types.Invalid || b.Kind() == types.UntypedNil {
		return false
	}
	reads := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case nil, *ast.Ident, *ast.BasicLit, *ast.ParenExpr:
		case *ast.BinaryExpr:
			reads = n.Op != token.SHL && n.Op != token.SHR
		case *ast.UnaryExpr:
			reads = n.Op != token.ARROW && n.Op != token.AND
		case *ast.SelectorExpr: // a package's member: pkg.Name
			id, ok := n.X.(*ast.Ident)
			_, isPkg := info.Uses[id].(*types.PkgName)
			reads = ok && isPkg
		case *ast.IndexExpr: // an element, not a generic instance
			reads = indexable(info.TypeOf(n.X))
		default:
			reads = false
		}
		return reads
	})
	return reads
}

// indexable reports whether x[i] of a value of type t reads an element:
// of a string, slice, array, pointer to array or map.
func indexable(t types.Type) bool {
	if t == nil {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0
	case *types.Slice, *types.Array, *types.Map:
		return true
	case *types.Pointer:
		_, ok := u.Elem().Underlying().(*types.Array)
		return ok
	}
	return false
}

// evalReading runs e, a readingTrailing expression of the trailing
// file, alone; ok is false when it did not compile alone or yaegi's
// result is no value Go can hand on (evalExpr then runs the generated
// func: e has no effect to repeat).
func (c *cell) evalReading(e ast.Expr) (v reflect.Value, ok bool, err error) {
	y := c.s.yaegi()
	defer y.dropSlots(y.globalLen())
	prog, err := c.compile(&ast.ExprStmt{X: cellast.CloneExpr(e)})
	if err != nil {
		return reflect.Value{}, false, nil
	}
	c.s.readings++
	y.growFrame()
	res, err := c.s.it.Execute(prog) // it ends at once (see executeHere)
	if err != nil {
		return reflect.Value{}, true, err
	}
	res = unwrapYaegi(res)
	if !res.IsValid() || !res.CanInterface() {
		return reflect.Value{}, false, nil
	}
	// A copy: the result may be a slot of the interpreter's frame.
	return reflect.ValueOf(res.Interface()), true, nil
}

// executeHere runs prog on the cell's goroutine, not through
// ExecuteWithContext's goroutine of its own (a wake-up of another
// thread, about a third of the time of a trivial cell), for code that
// ends at once (endsAtOnce, or a reading expression): there is nothing
// for the cell's context to stop. Not under the debugger.
func (c *cell) executeHere(prog *interp.Program) error {
	c.s.yaegi().growFrame()
	_, err := c.s.it.Execute(prog)
	return err
}

// endsAtOnce reports whether the funcs of f, a statement unit's file
// before the passes, end at once whatever the values: no call (nor
// conversion), loop, goto, go, defer, select, send, receive or func
// literal, so nothing in them can block or run long.
func endsAtOnce(f *ast.File) bool {
	ok := true
	for _, d := range f.Decls {
		fd, isFunc := d.(*ast.FuncDecl)
		if !isFunc || fd.Body == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr, *ast.ForStmt, *ast.RangeStmt, *ast.GoStmt, *ast.DeferStmt,
				*ast.SelectStmt, *ast.SendStmt, *ast.FuncLit, *ast.LabeledStmt:
				ok = false
			case *ast.BranchStmt:
				ok = ok && n.Tok != token.GOTO
			case *ast.UnaryExpr:
				ok = ok && n.Op != token.ARROW
			}
			return ok
		})
	}
	return ok
}
