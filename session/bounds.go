package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"reflect"
	"strings"
)

// yaegi's index and slice panics come from reflect and carry no numbers.
// After such a panic, boundsDetail finds the index or slice expression at
// the panic's position in the cell's source and, when its operands can be
// evaluated again without side effects (literals, and variables at the top
// level of cells, which are globals), computes Go's full message, e.g.
// "index out of range [5] with length 3". Operands that are locals of a
// function cannot be seen after the panic; the message then stays short.
// This costs nothing until a panic happens.

// boundsDetail returns Go's message for the index or slice panic msg
// ("runtime error: index out of range" or "... slice bounds out of
// range") that happened at one of frames, or msg unchanged.
func (c *cell) boundsDetail(msg string, frames []frame) string {
	index := msg == "runtime error: index out of range"
	slice := msg == "runtime error: slice bounds out of range"
	if !index && !slice {
		return msg
	}
	name := fmt.Sprintf("cell[%d]", c.n)
	for _, f := range frames {
		if f.file != name {
			continue
		}
		if d := c.boundsAt(f.line, index); d != "" {
			return "runtime error: " + d
		}
	}
	return msg
}

// boundsAt looks at the index (or slice) expressions on line of the cell
// and returns the message of the one that is out of range, if exactly one
// is.
func (c *cell) boundsAt(line int, index bool) string {
	lines := strings.Split(c.src, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	// Parse the line as statements of a func body; fall back to the
	// line as an expression.
	fset := token.NewFileSet()
	var root ast.Node
	if f, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+lines[line-1]+"\n}", parser.SkipObjectResolution); err == nil {
		root = f
	} else if e, err := parser.ParseExpr(strings.TrimSpace(lines[line-1])); err == nil {
		root = e
	} else {
		return ""
	}
	var found []string
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IndexExpr:
			if index {
				if d := c.indexDetail(n); d != "" {
					found = append(found, d)
				}
			}
		case *ast.SliceExpr:
			if !index {
				if d := c.sliceDetail(n); d != "" {
					found = append(found, d)
				}
			}
		}
		return true
	})
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// pure reports whether e can be evaluated again without side effects.
func pure(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return e.Name != "_"
	case *ast.SelectorExpr:
		return pure(e.X)
	case *ast.ParenExpr:
		return pure(e.X)
	case *ast.UnaryExpr:
		return e.Op == token.SUB && pure(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM:
			return pure(e.X) && pure(e.Y)
		}
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		return ok && (id.Name == "len" || id.Name == "cap") && len(e.Args) == 1 && pure(e.Args[0])
	case *ast.IndexExpr:
		return false // could panic or read a map again: keep it simple
	}
	return false
}

// evalPure evaluates a pure expression in the session.
func (c *cell) evalPure(e ast.Expr) (reflect.Value, bool) {
	if !pure(e) {
		return reflect.Value{}, false
	}
	var b strings.Builder
	if err := printExpr(&b, e); err != nil {
		return reflect.Value{}, false
	}
	v, err := c.peek(b.String())
	if err != nil || !v.IsValid() {
		return reflect.Value{}, false
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v, true
}

// lengths returns len and cap of a slice, array, string or pointer to array.
func lengths(v reflect.Value) (n, c int, isString, ok bool) {
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Array {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		return v.Len(), v.Cap(), false, true
	case reflect.String:
		return v.Len(), v.Len(), true, true
	}
	return 0, 0, false, false
}

func intOf(v reflect.Value) (int64, bool) {
	switch {
	case v.CanInt():
		return v.Int(), true
	case v.CanUint():
		return int64(v.Uint()), true
	}
	return 0, false
}

func (c *cell) indexDetail(n *ast.IndexExpr) string {
	xv, ok := c.evalPure(n.X)
	if !ok {
		return ""
	}
	length, _, _, ok := lengths(xv)
	if !ok {
		return ""
	}
	iv, ok := c.evalPure(n.Index)
	if !ok {
		return ""
	}
	i, ok := intOf(iv)
	if !ok || i >= 0 && i < int64(length) {
		return ""
	}
	if i < 0 {
		return fmt.Sprintf("index out of range [%d]", i)
	}
	return fmt.Sprintf("index out of range [%d] with length %d", i, length)
}

func (c *cell) sliceDetail(n *ast.SliceExpr) string {
	xv, ok := c.evalPure(n.X)
	if !ok {
		return ""
	}
	length, capacity, isString, ok := lengths(xv)
	if !ok {
		return ""
	}
	limit, what := capacity, "capacity"
	if isString || xv.Kind() == reflect.Array {
		limit, what = length, "length"
	}
	bound := func(e ast.Expr, def int64) (int64, bool) {
		if e == nil {
			return def, true
		}
		v, ok := c.evalPure(e)
		if !ok {
			return 0, false
		}
		return intOf(v)
	}
	lo, ok1 := bound(n.Low, 0)
	hi, ok2 := bound(n.High, int64(length))
	if !ok1 || !ok2 {
		return ""
	}
	if n.Max != nil {
		mx, ok := bound(n.Max, int64(capacity))
		if !ok {
			return ""
		}
		switch {
		case mx > int64(limit):
			return fmt.Sprintf("slice bounds out of range [::%d] with %s %d", mx, what, limit)
		case hi > mx:
			return fmt.Sprintf("slice bounds out of range [:%d:%d]", hi, mx)
		case lo > hi:
			return fmt.Sprintf("slice bounds out of range [%d:%d:]", lo, hi)
		}
		return ""
	}
	switch {
	case hi > int64(limit):
		return fmt.Sprintf("slice bounds out of range [:%d] with %s %d", hi, what, limit)
	case lo > hi:
		return fmt.Sprintf("slice bounds out of range [%d:%d]", lo, hi)
	}
	return ""
}

// printExpr writes e as Go source.
func printExpr(b *strings.Builder, e ast.Expr) error {
	return printer.Fprint(b, token.NewFileSet(), e)
}
