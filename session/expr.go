package session

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"unsafe"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/cellast"
	"github.com/gilgo/gilgo/session/stdlib"
	"github.com/gilgo/gilgo/session/typecheck"
)

// evalExpr runs a trailing expression and returns its results and whether
// they are to be shown. The display decision comes from the AST and the
// callee's type, never from yaegi's result of a statement.
func (c *cell) evalExpr(it cellast.Item) ([]reflect.Value, bool, error) {
	n, printLike, single := 1, false, false
	e, err := c.trailingExpr(it)
	if err == nil {
		n, printLike = c.arityN, c.printLike
		if !c.arityKnown {
			n, printLike = c.arity(e)
		}
		id, isIdent := e.(*ast.Ident)
		single = n == 1 && !(isIdent && id.Name == "nil")
	} // else a list "a, b": shown as a tuple
	// A value of a basic type, only read: alone (reading.go). Its type
	// has no methods, so no text of one is needed.
	if single && c.reading && c.trailing != nil && !c.s.slowTrailing && c.s.debug.Load() == nil {
		if v, ok, err := c.evalReading(e); ok || err != nil {
			if err != nil {
				return nil, false, err
			}
			return []reflect.Value{v}, true, nil
		}
	}
	// One value: with the text of its Error or String method when its
	// static type has one that Go cannot see (an interpreted type's).
	// yaegi's type switches confuse interpreted types with the same
	// underlying type, so the call is tried by compiling it, in fmt's
	// order, and dropped when it does not compile.
	texts := []string{"nil"}
	if single {
		texts = append(c.textCalls(), texts...)
	}
	var prog *interp.Program
	var name string
	for i, text := range texts {
		name = "init" // see runGo
		if !c.initStmts {
			name = c.funcName()
		}
		f := c.trailingRunFile(name, n, single, text)
		if f == nil {
			src := exprSource(name, c.directive(it.Line, it.Col), it.Text, n, single, text)
			var err error
			if f, err = parser.ParseFile(c.s.it.FileSet(), "_.go", src, parser.SkipObjectResolution); err != nil {
				return nil, false, &compileError{err: err, syntax: true}
			}
		}
		if err := rewriteFile(c, f); err != nil {
			return nil, false, err
		}
		if prog, err = c.compile(f); err == nil {
			break
		} else if i == len(texts)-1 {
			return nil, false, err
		}
	}
	c.s.kept.take()
	if _, err := c.execute(prog); err != nil {
		return nil, false, err
	}
	if !c.initStmts {
		if err := c.runFunc(name); err != nil {
			return nil, false, err
		}
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
		vals[i] = unwrapYaegi(res.Index(i))
	}
	if single && len(vals) == 2 {
		vals = []reflect.Value{shownValue(vals[0], vals[1])}
	}
	if len(vals) == 1 && vals[0].Kind() == reflect.Interface && vals[0].IsNil() {
		return nil, false, nil // nil error, untyped nil: nothing to show
	}
	return vals, true, nil
}

// trailingExpr is the trailing expression of item it, when it is one
// expression (not a list): from the trailing file isTrailing parsed, or
// parsed from its text.
func (c *cell) trailingExpr(it cellast.Item) (ast.Expr, error) {
	if c.trailing != nil {
		args := typecheck.TrailingArgs(c.trailing)
		if len(args) != 1 {
			return nil, errors.New("a list of expressions")
		}
		return args[0], nil
	}
	return parser.ParseExpr(it.Text)
}

// exprSource is the file that runs a trailing expression: func name
// hands its values as []any (for one value, also text: an expression of
// __v, see textCalls) to __rt.Ret; runFunc calls it, or it is init.
func exprSource(name, dir, expr string, n int, single bool, text string) string {
	var b strings.Builder
	b.WriteString("package main\n")
	switch {
	case n == 0:
		fmt.Fprintf(&b, "func %s() {\n%s%s\n__rt.Ret(nil)\n}\n", name, dir, expr)
	case n == 1 && single && text == "nil":
		// __rt.Ret1(__v) is __rt.Ret([]any{__v, nil}) for less to compile.
		fmt.Fprintf(&b, "func %s() {\n__v := %s%s\n__rt.Ret1(__v)\n}\n", name, dir, expr)
	case n == 1 && single:
		fmt.Fprintf(&b, "func %s() {\n__v := %s%s\n__rt.Ret([]any{__v, %s})\n}\n", name, dir, expr, text)
	case n == 1: // a list "a, b", or untyped nil
		fmt.Fprintf(&b, "func %s() {\n__rt.Ret([]any{%s%s,\n})\n}\n", name, dir, expr)
	default:
		vs := make([]string, n)
		for i := range vs {
			vs[i] = fmt.Sprintf("__v%d", i)
		}
		l := strings.Join(vs, ", ")
		fmt.Fprintf(&b, "func %s() {\n%s := %s%s\n__rt.Ret([]any{%s})\n}\n", name, l, dir, expr, l)
	}
	return b.String()
}

// trailingRunFile is the file exprSource makes for the trailing
// expression when it has no value or one shown without a text call,
// made from the trailing file isTrailing parsed (c.trailing) instead of
// from text. The expression is a copy of that file's (the facts of the
// check are about its nodes, which the typed passes saw already), whose
// nodes keep their positions: the same line directive precedes it there,
// so they read as from the text. The nodes around it take positions of
// the same lines and columns of the trailing file: line 3 (the call) for
// the := of one value, the line of its closing parenthesis, which has
// room, for the call of __rt. It is nil when the file is to be made from
// text: no trailing file, one of an earlier interpreter's FileSet, or
// another form.
func (c *cell) trailingRunFile(name string, n int, single bool, text string) *ast.File {
	if c.trailing == nil || c.trailingFset != c.s.it.FileSet() || text != "nil" || !(n == 0 || n == 1 && single) {
		return nil
	}
	tf := c.trailing
	fd := tf.Decls[0].(*ast.FuncDecl)
	call := typecheck.TrailingCall(tf)
	if len(call.Args) != 1 {
		return nil
	}
	e := cellast.CloneExpr(call.Args[0])
	show, r := call.Fun.(*ast.Ident).NamePos, call.Rparen
	ident := func(name string, pos token.Pos) *ast.Ident { return &ast.Ident{Name: name, NamePos: pos} }
	ret := func(fun string, arg ast.Expr) ast.Stmt { // __rt.fun(arg), at the line's start
		return &ast.ExprStmt{X: &ast.CallExpr{
			Fun:    &ast.SelectorExpr{X: ident("__rt", r), Sel: ident(fun, r+5)},
			Lparen: r + token.Pos(5+len(fun)), Args: []ast.Expr{arg}, Rparen: arg.End(),
		}}
	}
	var list []ast.Stmt
	if n == 0 { // expr; __rt.Ret(nil)
		list = []ast.Stmt{&ast.ExprStmt{X: e}, ret("Ret", ident("nil", r+9))}
	} else { // __v := expr; __rt.Ret1(__v)
		list = []ast.Stmt{
			&ast.AssignStmt{Lhs: []ast.Expr{ident("__v", show)}, TokPos: show + 4, Tok: token.DEFINE, Rhs: []ast.Expr{e}},
			ret("Ret1", ident("__v", r+10)),
		}
	}
	return &ast.File{
		Package: tf.Package, Name: ident("main", tf.Name.NamePos),
		Decls: []ast.Decl{&ast.FuncDecl{
			Name: ident(name, fd.Name.NamePos),
			Type: &ast.FuncType{Func: fd.Type.Func, Params: &ast.FieldList{Opening: fd.Type.Params.Opening, Closing: fd.Type.Params.Closing}},
			Body: &ast.BlockStmt{Lbrace: fd.Body.Lbrace, List: list, Rbrace: fd.Body.Rbrace},
		}},
		FileStart: tf.FileStart, FileEnd: tf.FileEnd,
	}
}

// textCalls are the text expressions worth trying on __v, in fmt's order:
// a call of Error, then of String, each only if some cell declared a
// method of that name with no parameters (a type of an imported package
// has its methods visible to Go, and the formatter calls them). A
// panicking method reads as fmt shows it.
func (c *cell) textCalls() []string {
	var out []string
	for _, m := range []string{"Error", "String"} {
		if c.s.st.decls.hasMethod(m) {
			out = append(out, "func() (__s any) {\n"+
				"defer func() {\nif __r := recover(); __r != nil {\nif __rt.IsInterrupt(__r) {\npanic(__r)\n}\n"+
				"__s = \"%!v(PANIC="+m+" method: \" + __rt.Sprint(__r) + \")\"\n}\n}()\n"+
				"var __t string = __v."+m+"()\nreturn __t\n}()")
		}
	}
	return out
}

// shownValue is the value a one-value trailing expression shows: v, or
// the text of its Error or String method (a string, or invalid/nil) when
// Go cannot see the method (an interpreted type's; the formatter calls
// the ones it sees).
func shownValue(v, text reflect.Value) reflect.Value {
	if !text.IsValid() || text.Kind() != reflect.String || !v.IsValid() ||
		v.Kind() == reflect.Interface && v.IsNil() { // a nil error shows nothing
		return v
	}
	if v.IsValid() && v.CanInterface() {
		switch v.Interface().(type) {
		case error, fmt.Stringer:
			return v
		}
	}
	if v.Kind() == reflect.Pointer && v.IsNil() && strings.HasPrefix(text.String(), "%!v(PANIC=") {
		return v // fmt shows a nil receiver that panics as <nil>; the formatter as (*T)(nil)
	}
	return reflect.ValueOf(methodText(text.String()))
}

// methodText is the text of an interpreted Error or String method.
type methodText string

func (t methodText) String() string { return string(t) }

// unwrapYaegi returns the Go value in v: the element of an interface, and
// the value inside yaegi's wrapper of an interpreted value whose type has
// methods (interp.valueInterface{node, value}, what an interpreted []any
// holds for one), read through its unexported field. Should yaegi's
// layout change, v comes back as it is.
func unwrapYaegi(v reflect.Value) reflect.Value {
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	t := v.Type()
	if !v.IsValid() || t.Kind() != reflect.Struct || t.Name() != "valueInterface" ||
		t.PkgPath() != "github.com/traefik/yaegi/interp" {
		return v
	}
	f, ok := t.FieldByName("value")
	if !ok || f.Type != reflect.TypeOf(reflect.Value{}) {
		return v
	}
	c := reflect.New(t).Elem()
	c.Set(v)
	inner := *(*reflect.Value)(unsafe.Pointer(c.Field(f.Index[0]).UnsafeAddr()))
	if !inner.IsValid() {
		return v
	}
	return unwrapYaegi(inner)
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
		if n, ok := cellast.BuiltinResults(id.Name); ok {
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
	if !cellast.SideEffectFree(call.Fun) {
		return 1, false
	}
	src := cellast.ExprString(call.Fun)
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
