package cellast

import (
	"go/ast"
	"go/token"
	"go/types"
)

// passTypeSwitch rewrites a type switch with an interface type among its
// cases: yaegi v0.16.1 matches `case error:` against no compiled error
// value (errors.New("e") falls through to default), though the assertion
// v.(error) works. The switch becomes an expression switch over the
// number of the first case whose assertion holds, each clause binding x
// as the type switch would:
//
//	switch x := v.(type) { case Shape: A; case error, nil: B; default: C }
//
// becomes
//
//	{
//		__tv, __k := v, 0
//		if _, ok := __tv.(Shape); ok { __k = 1 }
//		if __k == 0 { if _, ok := __tv.(error); ok { __k = 2 } }
//		if __k == 0 && __tv == nil { __k = 2 }
//		switch __k {
//		case 1: x := __tv.(Shape); _ = x; A
//		case 2: x := __tv; _ = x; B
//		default: x := __tv; _ = x; C
//		}
//	}
//
// break, continue and labels keep their meaning: it is still a switch
// (a label moves onto it).
func passTypeSwitch(env Env, f *ast.File) error {
	_, info := typed(env)
	if info == nil {
		return nil
	}
	made := map[ast.Stmt]*ast.BlockStmt{}
	mapStmts(f, func(s ast.Stmt) ast.Stmt {
		if l, ok := s.(*ast.LabeledStmt); ok {
			if b, ok := made[l.Stmt]; ok {
				last := len(b.List) - 1
				l.Stmt = b.List[last]
				b.List[last] = l
				return b
			}
			return s
		}
		ts, ok := s.(*ast.TypeSwitchStmt)
		if !ok || !hasInterfaceCase(info, ts) {
			return s
		}
		b := rewriteTypeSwitch(env, info, ts)
		made[b] = b
		return b
	})
	return nil
}

// hasInterfaceCase reports whether a case of ts names an interface type
// not declared by the cells (and none a type parameter, which the rewrite
// could not assert to).
func hasInterfaceCase(info *types.Info, ts *ast.TypeSwitchStmt) bool {
	found := false
	for _, s := range ts.Body.List {
		for _, e := range s.(*ast.CaseClause).List {
			tv, ok := info.Types[e]
			if !ok {
				return false
			}
			if tv.IsNil() {
				continue
			}
			if _, isParam := tv.Type.(*types.TypeParam); isParam {
				return false
			}
			if types.IsInterface(tv.Type) && !declaredInMain(tv.Type) {
				found = true // a compiled interface: yaegi's switch misses it
			}
		}
	}
	return found
}

func rewriteTypeSwitch(env Env, info *types.Info, ts *ast.TypeSwitchStmt) *ast.BlockStmt {
	compiledIface := map[ast.Expr]bool{}
	for _, s := range ts.Body.List {
		for _, e := range s.(*ast.CaseClause).List {
			if t := info.Types[e].Type; t != nil && types.IsInterface(t) && !declaredInMain(t) {
				compiledIface[e] = true
			}
		}
	}
	// switch x := v.(type) or switch v.(type)
	var name string
	var subject ast.Expr
	switch a := ts.Assign.(type) {
	case *ast.AssignStmt:
		name = a.Lhs[0].(*ast.Ident).Name
		subject = a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		subject = a.X.(*ast.TypeAssertExpr).X
	}
	tv, k := env.NewName("tv"), env.NewName("k")
	out := []ast.Stmt{&ast.AssignStmt{Lhs: idents([]string{tv, k}), Tok: token.DEFINE, Rhs: []ast.Expr{subject, intLit(0)}}}
	if ts.Init != nil {
		out = append([]ast.Stmt{ts.Init}, out...)
	}
	unset := func() ast.Expr { return &ast.BinaryExpr{X: ast.NewIdent(k), Op: token.EQL, Y: intLit(0)} }
	set := func(n int) *ast.BlockStmt {
		return &ast.BlockStmt{List: []ast.Stmt{&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(k)}, Tok: token.ASSIGN, Rhs: []ast.Expr{intLit(n)}}}}
	}
	for i, s := range ts.Body.List {
		cc := s.(*ast.CaseClause)
		if cc.List == nil {
			if name != "" {
				cc.Body = append(bind(name, ast.NewIdent(tv)), cc.Body...)
			}
			continue // default
		}
		n := i + 1
		for _, e := range cc.List {
			if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
				// if __k == 0 && __tv == nil { __k = n }
				out = append(out, &ast.IfStmt{
					Cond: &ast.BinaryExpr{X: unset(), Op: token.LAND, Y: &ast.BinaryExpr{X: ast.NewIdent(tv), Op: token.EQL, Y: ast.NewIdent("nil")}},
					Body: set(n)})
				continue
			}
			// if __k == 0 { if _, ok := __tv.(T); ok { __k = n } }
			out = append(out, &ast.IfStmt{Cond: unset(), Body: &ast.BlockStmt{List: []ast.Stmt{&ast.IfStmt{
				Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_"), ast.NewIdent("ok")}, Tok: token.DEFINE,
					Rhs: []ast.Expr{&ast.TypeAssertExpr{X: ast.NewIdent(tv), Type: e}}},
				Cond: ast.NewIdent("ok"),
				Body: set(n),
			}}}})
		}
		// The clause binds x to the asserted value (one type) or to the
		// subject (several types, or nil). A compiled interface is
		// asserted; any other type by a type switch of yaegi's own, which
		// binds values of the cells' types right (an assertion to a
		// cell's interface type fails to assign).
		if name != "" {
			one := len(cc.List) == 1
			if id, ok := cc.List[0].(*ast.Ident); ok && id.Name == "nil" {
				one = false
			}
			switch {
			case !one:
				cc.Body = append(bind(name, ast.NewIdent(tv)), cc.Body...)
			case compiledIface[cc.List[0]]:
				cc.Body = append(bind(name, &ast.TypeAssertExpr{X: ast.NewIdent(tv), Type: cc.List[0]}), cc.Body...)
			default:
				inner := &ast.TypeSwitchStmt{
					Assign: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE,
						Rhs: []ast.Expr{&ast.TypeAssertExpr{X: ast.NewIdent(tv)}}},
					Body: &ast.BlockStmt{List: []ast.Stmt{&ast.CaseClause{
						List: []ast.Expr{cc.List[0]},
						Body: append(bind(name, ast.NewIdent(name))[1:], cc.Body...),
					}}},
				}
				cc.Body = []ast.Stmt{inner}
			}
		}
		cc.List = []ast.Expr{intLit(n)}
	}
	out = append(out, &ast.SwitchStmt{Switch: ts.Switch, Tag: ast.NewIdent(k), Body: ts.Body})
	return &ast.BlockStmt{List: out}
}

// declaredInMain reports whether t is a named type of the cells.
func declaredInMain(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main"
}

// bind is `x := v; _ = x`.
func bind(name string, v ast.Expr) []ast.Stmt {
	return []ast.Stmt{
		&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{v}},
		&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(name)}},
	}
}
