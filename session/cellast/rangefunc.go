package cellast

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
)

// passRangeFunc turns `for k, v := range seq { body }` (seq a func whose
// type the session knows) into a call `seq(func(k K, v V) bool { body;
// return true })` that keeps the loop's meaning, as the gc compiler's own
// rewrite does:
//
//   - continue is return true, break return false;
//   - a return of the enclosing func stores its results, returns false,
//     and the func returns them after the call;
//   - a break or continue of an enclosing loop (labelled) returns false,
//     and the statement runs after the call;
//   - a defer in the body defers to the enclosing func's return: the call
//     and its arguments are evaluated at the defer, and run, last in
//     first out, when the func returns.
//
// A goto out of the body is reported.
func passRangeFunc(env Env, f *ast.File) error {
	locals := collectLocals(env, f)
	labels := loopLabels(f)
	_, info := typed(env)
	made := map[ast.Stmt]bool{} // the blocks that replaced labelled loops
	var failure error
	mapFuncStmts(f, func(ft *ast.FuncType, s ast.Stmt) ast.Stmt {
		if l, ok := s.(*ast.LabeledStmt); ok && made[l.Stmt] {
			return l.Stmt // the label's branches became returns
		}
		r, ok := s.(*ast.RangeStmt)
		if !ok || failure != nil || classify(env, locals, r.X) != "func" {
			return s
		}
		params, err := yieldParams(env, f, r)
		if err != nil {
			failure = err
			return s
		}
		rf := &rangeFunc{env: env, info: info, results: ft.Results, label: labels[r]}
		if err := rf.body(r.Body); err != nil {
			failure = err
			return s
		}
		r.Body.List = append(r.Body.List, &ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("true")}})
		lit := &ast.FuncLit{
			Type: &ast.FuncType{Params: params, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("bool")}}}},
			Body: r.Body,
		}
		call := &ast.ExprStmt{X: &ast.CallExpr{Fun: r.X, Args: []ast.Expr{lit}}}
		block := &ast.BlockStmt{List: append(append(rf.pre, call), rf.post...)}
		made[block] = true
		return block
	})
	return failure
}

// yieldParams is the parameter list of r's yield func, named after r's
// key and value: the types come from the type check, or from the value
// the session holds.
func yieldParams(env Env, f *ast.File, r *ast.RangeStmt) (*ast.FieldList, error) {
	if r.Tok == token.ASSIGN {
		return nil, &Error{Pos: r.For, Msg: "range over a func with = is not supported; use :="}
	}
	name := func(i int) string {
		if id, ok := []ast.Expr{r.Key, r.Value}[i].(*ast.Ident); ok {
			return id.Name
		}
		return "_"
	}
	if params, ok := typedYield(env, f, r.X); ok {
		for i, p := range params.List {
			if i < 2 {
				p.Names[0].Name = name(i)
			}
		}
		return params, nil
	}
	var yield reflect.Type
	if SideEffectFree(r.X) {
		if v, err := env.Peek(ExprString(r.X)); err == nil && v.IsValid() && v.Kind() == reflect.Func {
			yield = v.Type().In(0)
		}
	} else if call, ok := r.X.(*ast.CallExpr); ok && SideEffectFree(call.Fun) {
		if v, err := env.Peek(ExprString(call.Fun)); err == nil && v.IsValid() && v.Kind() == reflect.Func {
			yield = v.Type().Out(0).In(0)
		}
	}
	if yield == nil {
		return nil, &Error{Pos: r.For, Msg: "range over a func: the sequence's type is unknown here; assign it to a package-level variable first"}
	}
	params := &ast.FieldList{}
	for i := range yield.NumIn() {
		te, err := parser.ParseExpr(typeSource(yield.In(i)))
		if err != nil {
			return nil, &Error{Pos: r.For, Msg: "range over a func: cannot name the type " + yield.In(i).String()}
		}
		n := "_"
		if i < 2 {
			n = name(i)
		}
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent(n)}, Type: te})
	}
	return params, nil
}

// rangeFunc rewrites the body of one range-over-func loop into the body
// of its yield func, and collects the statements that go before the call
// (pre: the state the body sets) and after it (post: what the body asked
// the enclosing func to do).
type rangeFunc struct {
	env     Env
	info    *types.Info    // the type check's facts, or nil
	results *ast.FieldList // the enclosing func's results
	label   string         // the loop's label, or ""

	pre, post []ast.Stmt
	next      string     // the int variable that says why the body stopped
	outs      []string   // the temporaries of a return's results
	bare      bool       // a bare return of named results was seen
	defers    string     // the []func() of the body's defers
	targets   []ast.Stmt // the branches to run after the call, numbered from 1
	inner     map[string]bool
	failure   error
}

// Why the body stopped, when not by break, continue or running out: the
// values of next below 0.
const (
	stopReturn     = -1 // return with results stored in outs
	stopBareReturn = -2 // a bare return of named results
)

// body rewrites b in place.
func (rf *rangeFunc) body(b *ast.BlockStmt) error {
	rf.inner = map[string]bool{}
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			rf.inner[n.Label.Name] = true
		}
		return true
	})
	rf.list(b.List, false, false)
	if rf.failure != nil {
		return rf.failure
	}
	if rf.next != "" {
		rf.pre = append([]ast.Stmt{varDecl(rf.next, ast.NewIdent("int"))}, rf.pre...)
	}
	if len(rf.outs) > 0 {
		rf.post = append(rf.post, ifNext(rf.next, stopReturn, &ast.ReturnStmt{Results: idents(rf.outs)}))
	}
	if rf.bare {
		rf.post = append(rf.post, ifNext(rf.next, stopBareReturn, &ast.ReturnStmt{}))
	}
	for i, s := range rf.targets {
		rf.post = append(rf.post, ifNext(rf.next, i+1, s))
	}
	return nil
}

// list rewrites the statements of l; inLoop and inSwitch say whether they
// are inside a loop, or a switch or select, nested in the body.
func (rf *rangeFunc) list(l []ast.Stmt, inLoop, inSwitch bool) {
	for i := range l {
		l[i] = rf.stmt(l[i], inLoop, inSwitch)
	}
}

func (rf *rangeFunc) stmt(s ast.Stmt, inLoop, inSwitch bool) ast.Stmt {
	switch s := s.(type) {
	case *ast.BranchStmt:
		return rf.branch(s, inLoop, inSwitch)
	case *ast.ReturnStmt:
		return rf.ret(s)
	case *ast.DeferStmt:
		return rf.deferred(s)
	case *ast.BlockStmt:
		rf.list(s.List, inLoop, inSwitch)
	case *ast.LabeledStmt:
		s.Stmt = rf.stmt(s.Stmt, inLoop, inSwitch)
	case *ast.IfStmt:
		rf.list(s.Body.List, inLoop, inSwitch)
		if s.Else != nil {
			s.Else = rf.stmt(s.Else, inLoop, inSwitch)
		}
	case *ast.ForStmt:
		rf.list(s.Body.List, true, inSwitch)
	case *ast.RangeStmt:
		rf.list(s.Body.List, true, inSwitch)
	case *ast.SwitchStmt:
		rf.list(s.Body.List, inLoop, true)
	case *ast.TypeSwitchStmt:
		rf.list(s.Body.List, inLoop, true)
	case *ast.SelectStmt:
		rf.list(s.Body.List, inLoop, true)
	case *ast.CaseClause:
		rf.list(s.Body, inLoop, inSwitch)
	case *ast.CommClause:
		rf.list(s.Body, inLoop, inSwitch)
	}
	return s
}

// branch rewrites a break or continue that leaves the body.
func (rf *rangeFunc) branch(b *ast.BranchStmt, inLoop, inSwitch bool) ast.Stmt {
	switch {
	case b.Tok == token.FALLTHROUGH:
		return b
	case b.Label != nil && rf.inner[b.Label.Name]:
		return b // a branch inside the body
	case b.Tok == token.GOTO:
		rf.fail(b.TokPos, "goto out of a range-over-func loop is not supported")
		return b
	case b.Label != nil && b.Label.Name != rf.label:
		// A loop (or switch) around this one: the branch runs after the call.
		rf.targets = append(rf.targets, b)
		return rf.stop(len(rf.targets))
	case b.Label == nil && b.Tok == token.CONTINUE && inLoop,
		b.Label == nil && b.Tok == token.BREAK && (inLoop || inSwitch):
		return b // a nested loop's, switch's or select's own
	}
	return &ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent(strconv.FormatBool(b.Tok == token.CONTINUE))}}
}

// ret rewrites a return of the enclosing func.
func (rf *rangeFunc) ret(r *ast.ReturnStmt) ast.Stmt {
	if len(r.Results) == 0 { // no results, or named ones as the body left them
		rf.bare = true
		return rf.stop(stopBareReturn)
	}
	if rf.outs == nil {
		for _, fl := range rf.results.List {
			for range max(1, len(fl.Names)) {
				name := rf.env.NewName("ret")
				rf.outs = append(rf.outs, name)
				rf.pre = append(rf.pre, varDecl(name, fl.Type))
			}
		}
	}
	assign := &ast.AssignStmt{Lhs: idents(rf.outs), Tok: token.ASSIGN, Rhs: r.Results}
	stop := rf.stop(stopReturn).(*ast.BlockStmt)
	stop.List = append([]ast.Stmt{assign}, stop.List...)
	return stop
}

// stop is { next = why; return false }.
func (rf *rangeFunc) stop(why int) ast.Stmt {
	if rf.next == "" {
		rf.next = rf.env.NewName("next")
	}
	set := &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(rf.next)}, Tok: token.ASSIGN, Rhs: []ast.Expr{intLit(why)}}
	return &ast.BlockStmt{List: []ast.Stmt{set, &ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("false")}}}}
}

// deferred rewrites `defer f(args)` into an append to the loop's list of
// deferred calls, with f and args evaluated now.
func (rf *rangeFunc) deferred(d *ast.DeferStmt) ast.Stmt {
	if rf.defers == "" {
		rf.defers = rf.env.NewName("defers")
		i := rf.env.NewName("i")
		// var defers []func()
		// defer func() { for i := len(defers) - 1; i >= 0; i-- { defers[i]() } }()
		run := &ast.ForStmt{
			Init: &ast.AssignStmt{Lhs: idents([]string{i}), Tok: token.DEFINE, Rhs: []ast.Expr{
				&ast.BinaryExpr{X: &ast.CallExpr{Fun: ast.NewIdent("len"), Args: idents([]string{rf.defers})}, Op: token.SUB, Y: intLit(1)}}},
			Cond: &ast.BinaryExpr{X: ast.NewIdent(i), Op: token.GEQ, Y: intLit(0)},
			Post: &ast.IncDecStmt{X: ast.NewIdent(i), Tok: token.DEC},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{
				Fun: &ast.IndexExpr{X: ast.NewIdent(rf.defers), Index: ast.NewIdent(i)}}}}},
		}
		rf.pre = append(rf.pre,
			varDecl(rf.defers, &ast.ArrayType{Elt: &ast.FuncType{Params: &ast.FieldList{}}}),
			&ast.DeferStmt{Call: &ast.CallExpr{Fun: &ast.FuncLit{
				Type: &ast.FuncType{Params: &ast.FieldList{}},
				Body: &ast.BlockStmt{List: []ast.Stmt{run}},
			}}})
	}
	call := d.Call
	var fn ast.Expr
	var eval []ast.Stmt
	if lit, ok := call.Fun.(*ast.FuncLit); ok && len(call.Args) == 0 {
		fn = lit
	} else {
		// f and the arguments are evaluated at the defer; a builtin and
		// constants stay as they are.
		var lhs, rhs []ast.Expr
		keep := func(e ast.Expr) ast.Expr {
			name := rf.env.NewName("d")
			lhs, rhs = append(lhs, ast.NewIdent(name)), append(rhs, e)
			return ast.NewIdent(name)
		}
		f := call.Fun
		if !rf.builtin(f) {
			f = keep(f)
		}
		args := make([]ast.Expr, len(call.Args))
		for i, a := range call.Args {
			args[i] = a
			if !rf.constant(a) {
				args[i] = keep(a)
			}
		}
		if len(lhs) > 0 {
			eval = append(eval, &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs})
		}
		fn = &ast.FuncLit{
			Type: &ast.FuncType{Params: &ast.FieldList{}},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{Fun: f, Args: args, Ellipsis: call.Ellipsis}}}},
		}
	}
	push := &ast.AssignStmt{Lhs: idents([]string{rf.defers}), Tok: token.ASSIGN, Rhs: []ast.Expr{
		&ast.CallExpr{Fun: ast.NewIdent("append"), Args: []ast.Expr{ast.NewIdent(rf.defers), fn}}}}
	return &ast.BlockStmt{List: append(eval, push)}
}

// builtin reports whether f names a builtin func (which is not a value).
func (rf *rangeFunc) builtin(f ast.Expr) bool {
	id, ok := ast.Unparen(f).(*ast.Ident)
	if !ok {
		return false
	}
	if rf.info != nil {
		if obj, ok := rf.info.Uses[id]; ok {
			_, b := obj.(*types.Builtin)
			return b
		}
	}
	_, b := types.Universe.Lookup(id.Name).(*types.Builtin)
	return b
}

// constant reports whether e is a constant: it keeps its untyped type
// when it stays in the call.
func (rf *rangeFunc) constant(e ast.Expr) bool {
	if rf.info != nil {
		if tv, ok := rf.info.Types[e]; ok {
			return tv.Value != nil
		}
	}
	_, lit := e.(*ast.BasicLit)
	return lit
}

func (rf *rangeFunc) fail(pos token.Pos, msg string) {
	if rf.failure == nil {
		rf.failure = &Error{Pos: pos, Msg: msg}
	}
}

func varDecl(name string, typ ast.Expr) ast.Stmt {
	return &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{
		&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(name)}, Type: typ}}}}
}

// ifNext is `if next == v { s }`.
func ifNext(next string, v int, s ast.Stmt) ast.Stmt {
	return &ast.IfStmt{Cond: &ast.BinaryExpr{X: ast.NewIdent(next), Op: token.EQL, Y: intLit(v)},
		Body: &ast.BlockStmt{List: []ast.Stmt{s}}}
}

func intLit(v int) ast.Expr {
	if v < 0 {
		return &ast.UnaryExpr{Op: token.SUB, X: &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(-v)}}
	}
	return &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(v)}
}

func idents(names []string) []ast.Expr {
	ids := make([]ast.Expr, len(names))
	for i, n := range names {
		ids[i] = ast.NewIdent(n)
	}
	return ids
}

// typeSource writes t as Go source; interpreted struct types are not
// named by reflect and come out as struct literals.
func typeSource(t reflect.Type) string {
	s := t.String()
	if s == "interface {}" {
		return "any"
	}
	return s
}
