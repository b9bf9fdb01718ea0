package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/gilgo/gilgo/runtime/stdlib"
)

// builtinArity is the number of results of the builtins a trailing
// expression may call.
var builtinArity = map[string]int{
	"len": 1, "cap": 1, "append": 1, "make": 1, "new": 1, "complex": 1, "real": 1,
	"imag": 1, "min": 1, "max": 1, "copy": 1, "recover": 1,
	"print": 0, "println": 0, "panic": 0, "close": 0, "delete": 0, "clear": 0,
}

// evalExpr runs a trailing expression and returns its results and whether
// they are to be shown. The display decision comes from the AST and the
// callee's type, never from yaegi's result of a statement.
func (c *cell) evalExpr(it item) ([]reflect.Value, bool, error) {
	n, printLike := 1, false
	if e, err := parser.ParseExpr(it.text); err == nil {
		n, printLike = c.arity(e)
	} // else a list "a, b": shown as a tuple
	st := c.s.st
	st.unit++
	name := fmt.Sprintf("__cell%d_%d", c.n, st.unit)
	var b strings.Builder
	b.WriteString("package main\n")
	dir := c.directive(it.line, it.col)
	switch n {
	case 0:
		fmt.Fprintf(&b, "func %s() []any {\n%s%s\nreturn nil\n}\n", name, dir, it.text)
	case 1:
		fmt.Fprintf(&b, "func %s() []any {\nreturn []any{%s%s,\n}\n}\n", name, dir, it.text)
	default:
		vs := make([]string, n)
		for i := range vs {
			vs[i] = fmt.Sprintf("__v%d", i)
		}
		l := strings.Join(vs, ", ")
		fmt.Fprintf(&b, "func %s() []any {\n%s := %s%s\nreturn []any{%s}\n}\n", name, l, dir, it.text, l)
	}
	// The generated func runs from a var initializer of the same file, so
	// one compile and one execute run the cell (no Eval of a call).
	fmt.Fprintf(&b, "/*line _.go:1:1*/var _ = __rt.Ret(%s())\n", name)
	f, err := parser.ParseFile(c.s.it.FileSet(), "_.go", b.String(), parser.SkipObjectResolution)
	if err != nil {
		return nil, false, &compileError{err: err, syntax: true}
	}
	if err := rewriteFile(c, f); err != nil {
		return nil, false, err
	}
	prog, err := c.compile(f)
	if err != nil {
		return nil, false, err
	}
	c.s.kept.take()
	if _, err := c.execute(prog); err != nil {
		return nil, false, err
	}
	kept := c.s.kept.take()
	if len(kept) != 1 {
		return nil, false, nil // interrupted before the end
	}
	res := kept[0]
	if n == 0 || printLike || !res.IsValid() || res.Kind() != reflect.Slice {
		return nil, false, nil
	}
	vals := make([]reflect.Value, res.Len())
	for i := range vals {
		vals[i] = res.Index(i)
		if vals[i].Kind() == reflect.Interface && !vals[i].IsNil() {
			vals[i] = vals[i].Elem()
		}
	}
	if len(vals) == 1 && vals[0].Kind() == reflect.Interface && vals[0].IsNil() {
		return nil, false, nil // nil error, untyped nil: nothing to show
	}
	return vals, true, nil
}

// arity returns how many values e has and whether it is a call of a
// print-like function whose (n int, err error) results are not shown.
func (c *cell) arity(e ast.Expr) (n int, printLike bool) {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return 1, false
	}
	if id, ok := call.Fun.(*ast.Ident); ok {
		if n, ok := builtinArity[id.Name]; ok {
			return n, false
		}
	}
	fun := call.Fun
	for {
		p, ok := fun.(*ast.ParenExpr)
		if !ok {
			break
		}
		fun = p.X
	}
	if lit, ok := fun.(*ast.FuncLit); ok {
		return lit.Type.Results.NumFields(), false
	}
	if !sideEffectFree(call.Fun) {
		return 1, false
	}
	src := exprString(call.Fun)
	v, ok := c.packageFunc(call.Fun)
	var err error
	if !ok {
		v, err = c.peek(src) // an Eval: its cost grows with the session
	}
	if err != nil || !v.IsValid() || v.Kind() != reflect.Func {
		return 1, false // a conversion, a generic func, or unknown
	}
	t := v.Type()
	last := src[strings.LastIndex(src, ".")+1:]
	if t.NumOut() == 2 && t.Out(0).Kind() == reflect.Int && t.Out(1).String() == "error" &&
		(strings.HasPrefix(last, "Print") || strings.HasPrefix(last, "Fprint") || strings.HasPrefix(last, "Write")) {
		return 2, true
	}
	return t.NumOut(), false
}

// peek evaluates a side-effect-free expression silently.
func (c *cell) peek(src string) (v reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("peek %s: %v", src, r)
		}
	}()
	return c.s.it.Eval(src)
}

// sideEffectFree reports whether e is a chain of identifiers and selectors.
func sideEffectFree(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name != "_"
	case *ast.SelectorExpr:
		return sideEffectFree(e.X)
	case *ast.ParenExpr:
		return sideEffectFree(e.X)
	}
	return false
}

// exprString prints an identifier/selector chain.
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.ParenExpr:
		return "(" + exprString(e.X) + ")"
	}
	return ""
}

var _ = token.NoPos

// packageFunc finds pkg.Func of an imported compiled package in the symbol
// tables, without asking the interpreter.
func (c *cell) packageFunc(fun ast.Expr) (reflect.Value, bool) {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return reflect.Value{}, false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok {
		return reflect.Value{}, false
	}
	for _, imp := range c.s.st.importSr {
		name, path, named := strings.Cut(imp, " ")
		if !named {
			path, name = name, ""
		}
		path = strings.Trim(path, `"`)
		key := path + "/" + path[strings.LastIndex(path, "/")+1:]
		if name == "" {
			name = path[strings.LastIndex(path, "/")+1:]
		}
		if name != pkg.Name {
			continue
		}
		if v, ok := stdlib.Symbols[key][sel.Sel.Name]; ok && v.Kind() == reflect.Func {
			return v, true
		}
		return reflect.Value{}, false
	}
	return reflect.Value{}, false
}
