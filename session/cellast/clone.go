package cellast

import (
	"go/ast"
	"reflect"
)

// CloneExpr returns a deep copy of e: new nodes with the same fields and
// positions (objects and scopes of the resolver are shared), so that
// facts keyed by e's nodes (a types.Info) do not reach the copy.
func CloneExpr(e ast.Expr) ast.Expr {
	if e == nil {
		return nil
	}
	return cloneValue(reflect.ValueOf(e)).Interface().(ast.Expr)
}

var (
	objectType = reflect.TypeFor[*ast.Object]()
	scopeType  = reflect.TypeFor[*ast.Scope]()
)

func cloneValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Type() == objectType || v.Type() == scopeType || v.Elem().Kind() != reflect.Struct {
			return v
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(v.Elem())
		for i := range c.Elem().NumField() {
			if f := c.Elem().Field(i); f.Kind() == reflect.Pointer || f.Kind() == reflect.Interface || f.Kind() == reflect.Slice {
				f.Set(cloneValue(f))
			}
		}
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(cloneValue(v.Elem()))
		return c
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			c.Index(i).Set(cloneValue(v.Index(i)))
		}
		return c
	}
	return v
}
