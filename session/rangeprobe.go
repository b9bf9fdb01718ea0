package session

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// yaegi v0.16.1 panics with "nil type" when it compiles a range over an
// integer (or a func). The rangeint pass rewrites the ranges whose operand
// it can classify; the others it records in cell.unknownRanges. When the
// compile then fails with "nil type", retryRanges tries them one at a time
// as integers, `for i := range make([]struct{}, n)` (a slice of empty
// structs costs no memory, and make accepts any integer type; the key is an
// int rather than n's type), and keeps each rewrite that does not make its
// own operand a compile error.

// isNilTypePanic reports whether err is yaegi's "nil type" compile panic.
func isNilTypePanic(err error) bool {
	var p interp.Panic
	if errors.As(err, &p) {
		return strings.Contains(fmt.Sprint(p.Value), "nil type")
	}
	return err != nil && strings.Contains(err.Error(), "nil type")
}

// compileOnce compiles n, turning a yaegi panic into an interp.Panic.
func (c *cell) compileOnce(n ast.Node) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, interp.Panic{Value: r}
		}
	}()
	return c.s.it.CompileAST(n)
}

// retryRanges is called after the compile of n failed with err.
func (c *cell) retryRanges(n ast.Node, err error) (*interp.Program, error) {
	pending := c.unknownRanges
	c.unknownRanges = nil
	if !isNilTypePanic(err) {
		return nil, err
	}
	fset := c.s.it.FileSet()
	if f, ok := n.(*ast.File); ok {
		// The failed compile registered the file's imports already; a
		// second import would be a redeclaration.
		var decls []ast.Decl
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); !ok || g.Tok != token.IMPORT {
				decls = append(decls, d)
			}
		}
		f.Decls = decls
	}
	for _, r := range pending {
		orig := r.X
		r.X = &ast.CallExpr{
			Fun: &ast.Ident{Name: "make", NamePos: orig.Pos()},
			Args: []ast.Expr{
				&ast.ArrayType{Lbrack: orig.Pos(), Elt: &ast.StructType{Struct: orig.Pos(), Fields: &ast.FieldList{Opening: orig.Pos(), Closing: orig.Pos()}}},
				orig,
			},
			Lparen: orig.Pos(),
			Rparen: orig.End(),
		}
		prog, err2 := c.compileOnce(n)
		if err2 == nil {
			return prog, nil
		}
		if isNilTypePanic(err2) {
			continue // this one compiles as an int; another range fails
		}
		// A compile error at this operand: it is not an integer.
		if strings.HasPrefix(err2.Error(), cellPos(fset.Position(orig.Pos()).String())) ||
			strings.Contains(cellPos(err2.Error()), cellPos(fset.Position(orig.Pos()).String())) {
			r.X = orig
			continue
		}
		return nil, err2
	}
	return c.compileOnce(n)
}
