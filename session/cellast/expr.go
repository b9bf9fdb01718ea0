package cellast

import (
	"go/ast"
	"reflect"
)

// builtinResults is the number of results of the builtins a trailing
// expression may call.
var builtinResults = map[string]int{
	"len": 1, "cap": 1, "append": 1, "make": 1, "new": 1, "complex": 1, "real": 1,
	"imag": 1, "min": 1, "max": 1, "copy": 1, "recover": 1,
	"print": 0, "println": 0, "panic": 0, "close": 0, "delete": 0, "clear": 0,
}

// BuiltinResults returns the number of results of the builtin named name,
// and false if name is not a builtin a trailing expression may call.
func BuiltinResults(name string) (n int, ok bool) {
	n, ok = builtinResults[name]
	return n, ok
}

// SideEffectFree reports whether e is a chain of identifiers and selectors.
func SideEffectFree(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name != "_"
	case *ast.SelectorExpr:
		return SideEffectFree(e.X)
	case *ast.ParenExpr:
		return SideEffectFree(e.X)
	}
	return false
}

// ExprString prints an identifier/selector chain; it is "" for other
// expressions.
func ExprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return ExprString(e.X) + "." + e.Sel.Name
	case *ast.ParenExpr:
		return "(" + ExprString(e.X) + ")"
	}
	return ""
}

// maybeInt reports whether a range operand could be an integer.
func maybeInt(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.CompositeLit, *ast.FuncLit:
		return false
	case *ast.BasicLit:
		return false // an int literal is classified already
	case *ast.ParenExpr:
		return maybeInt(x.X)
	}
	return true
}

var (
	exprType      = reflect.TypeFor[ast.Expr]()
	exprSliceType = reflect.TypeFor[[]ast.Expr]()
)

// rewriteExprs replaces every expression e under root (top-down) by
// fn(e); the replacement's own parts are visited next.
func rewriteExprs(root ast.Node, fn func(ast.Expr) ast.Expr) {
	ast.Inspect(root, func(n ast.Node) bool {
		v := reflect.ValueOf(n)
		if n == nil || v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return n != nil
		}
		v = v.Elem()
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Type() {
			case exprType:
				if e, ok := f.Interface().(ast.Expr); ok && e != nil {
					if r := fn(e); r != e {
						f.Set(reflect.ValueOf(r))
					}
				}
			case exprSliceType:
				for j := range f.Len() {
					if e := f.Index(j).Interface().(ast.Expr); e != nil {
						if r := fn(e); r != e {
							f.Index(j).Set(reflect.ValueOf(r))
						}
					}
				}
			}
		}
		return true
	})
}
