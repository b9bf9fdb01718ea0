package sys

import (
	"go/ast"
	"go/token"
	"reflect"
)

// RewriteEmptySlices gives every empty slice a backing array of its own,
// so that GetRefCount can tell unrelated empty slices apart (Go points all
// zero-size allocations at one address). It rewrites, in place,
//
//	[]T{}               → make([]T, 0, 1)[:0:0]
//	make([]T, 0)        → make([]T, 0, 1)[:0:0]
//	make([]T, 0, 0)     → make([]T, 0, 1)[:0:0]
//
// and elided inner literals ({} in [][]int{{}} or map[K][]int{k: {}}).
// The result is an empty, non-nil slice with capacity 0, as before; the
// cost is one element's allocation. Slices of zero-size elements and
// named slice types (type S []int; S{}) are left alone. Package adds it
// to every cell as the pass "emptyslices".
func RewriteEmptySlices(f *ast.File) error {
	rewriteExprs(reflect.ValueOf(f), nil)
	return nil
}

var (
	exprType   = reflect.TypeOf((*ast.Expr)(nil)).Elem()
	objectType = reflect.TypeOf((*ast.Object)(nil))
	scopeType  = reflect.TypeOf((*ast.Scope)(nil))
)

// rewriteExprs walks the AST under v (a pointer to a node) and replaces
// each ast.Expr it holds with emptySlice's rewrite. elem is the element
// type implied for elided composite literals directly inside v.
func rewriteExprs(v reflect.Value, elem ast.Expr) {
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	s := v.Elem()
	inner := elidedType(v.Interface())
	for i := 0; i < s.NumField(); i++ {
		f := s.Field(i)
		if !f.CanSet() || f.Type() == objectType || f.Type() == scopeType {
			continue // object resolution points back into the tree
		}
		switch {
		case f.Type() == exprType:
			if !f.IsNil() {
				f.Set(reflect.ValueOf(rewriteExpr(f.Interface().(ast.Expr), inner)))
			}
		case f.Kind() == reflect.Slice && f.Type().Elem() == exprType:
			for j := 0; j < f.Len(); j++ {
				if e := f.Index(j); !e.IsNil() {
					e.Set(reflect.ValueOf(rewriteExpr(e.Interface().(ast.Expr), inner)))
				}
			}
		case f.Kind() == reflect.Interface && !f.IsNil():
			rewriteExprs(f.Elem(), nil)
		case f.Kind() == reflect.Pointer:
			rewriteExprs(f, nil)
		case f.Kind() == reflect.Slice:
			for j := 0; j < f.Len(); j++ {
				e := f.Index(j)
				if e.Kind() == reflect.Interface {
					e = e.Elem()
				}
				rewriteExprs(e, nil)
			}
		}
	}
}

// elidedType returns the type of elided literals directly inside n: the
// element of a slice or array literal, the value of a map literal (keys
// are rare and left alone).
func elidedType(n any) ast.Expr {
	cl, ok := n.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	switch t := cl.Type.(type) {
	case *ast.ArrayType:
		return t.Elt
	case *ast.MapType:
		return t.Value
	}
	return nil
}

// rewriteExpr rewrites e (after its children); elided is the type an
// elided literal e stands for.
func rewriteExpr(e ast.Expr, elided ast.Expr) ast.Expr {
	if kv, ok := e.(*ast.KeyValueExpr); ok {
		kv.Key = rewriteExpr(kv.Key, nil)
		kv.Value = rewriteExpr(kv.Value, elided)
		return kv
	}
	rewriteExprs(reflect.ValueOf(e), nil)
	switch x := e.(type) {
	case *ast.CompositeLit:
		t := x.Type
		if t == nil {
			t = elided
		}
		if at, ok := t.(*ast.ArrayType); ok && at.Len == nil && len(x.Elts) == 0 && !x.Incomplete {
			return ownedEmpty(at)
		}
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "make" && x.Ellipsis == token.NoPos && len(x.Args) >= 2 && len(x.Args) <= 3 {
			at, ok := x.Args[0].(*ast.ArrayType)
			if ok && at.Len == nil && isZero(x.Args[1]) && (len(x.Args) == 2 || isZero(x.Args[2])) {
				return ownedEmpty(at)
			}
		}
	}
	return e
}

func isZero(e ast.Expr) bool {
	b, ok := e.(*ast.BasicLit)
	return ok && b.Kind == token.INT && b.Value == "0"
}

// ownedEmpty builds make(t, 0, 1)[:0:0].
func ownedEmpty(t *ast.ArrayType) ast.Expr {
	lit := func(v string) *ast.BasicLit { return &ast.BasicLit{Kind: token.INT, Value: v} }
	return &ast.SliceExpr{
		X:      &ast.CallExpr{Fun: ast.NewIdent("make"), Args: []ast.Expr{t, lit("0"), lit("1")}},
		High:   lit("0"),
		Max:    lit("0"),
		Slice3: true,
	}
}
