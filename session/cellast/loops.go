package cellast

import (
	"go/ast"
	"go/token"
)

// capturedIn reports whether a function literal, go or defer statement in
// body refers to one of names, or body takes the address of one (&i,
// &i.f, &i[0]): each outlives the iteration.
func capturedIn(body ast.Node, names map[string]bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if id := rootIdent(n.X); id != nil && names[id.Name] {
					found = true
				}
			}
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			ast.Inspect(n, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok && names[id.Name] {
					found = true
				}
				return !found
			})
			return false
		}
		return true
	})
	return found
}

// rootIdent is the variable an addressable expression starts from: i
// for i, i.f, i[0], (i).f; nil for others.
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// renameIn renames identifiers (not selectors' field names) in n.
func renameIn(n ast.Node, from map[string]string) {
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.SelectorExpr:
			renameIn(x.X, from)
			return false
		case *ast.Ident:
			if to, ok := from[x.Name]; ok {
				x.Name = to
			}
		}
		return true
	})
}

// branches calls fn on every break/continue of body that belongs to the
// enclosing loop (not to a nested loop, switch or select, nor inside a
// function literal) and replaces it by fn's result.
func branches(body *ast.BlockStmt, label string, fn func(b *ast.BranchStmt) ast.Stmt) {
	var walk func(s ast.Stmt, inLoop, inSwitch bool) ast.Stmt
	walkList := func(l []ast.Stmt, inLoop, inSwitch bool) {
		for i := range l {
			l[i] = walk(l[i], inLoop, inSwitch)
		}
	}
	walk = func(s ast.Stmt, inLoop, inSwitch bool) ast.Stmt {
		switch s := s.(type) {
		case *ast.BranchStmt:
			own := false
			switch {
			case s.Label != nil:
				own = s.Label.Name == label
			case s.Tok == token.CONTINUE:
				own = !inLoop
			case s.Tok == token.BREAK:
				own = !inLoop && !inSwitch
			}
			if own {
				return fn(s)
			}
		case *ast.BlockStmt:
			walkList(s.List, inLoop, inSwitch)
		case *ast.LabeledStmt:
			s.Stmt = walk(s.Stmt, inLoop, inSwitch)
		case *ast.IfStmt:
			walkList(s.Body.List, inLoop, inSwitch)
			if s.Else != nil {
				s.Else = walk(s.Else, inLoop, inSwitch)
			}
		case *ast.ForStmt:
			walkList(s.Body.List, true, inSwitch)
		case *ast.RangeStmt:
			walkList(s.Body.List, true, inSwitch)
		case *ast.SwitchStmt:
			walkList(s.Body.List, inLoop, true)
		case *ast.TypeSwitchStmt:
			walkList(s.Body.List, inLoop, true)
		case *ast.SelectStmt:
			walkList(s.Body.List, inLoop, true)
		case *ast.CaseClause:
			walkList(s.Body, inLoop, inSwitch)
		case *ast.CommClause:
			walkList(s.Body, inLoop, inSwitch)
		}
		return s
	}
	walkList(body.List, false, false)
}

// loopLabels maps labelled loops to their labels.
func loopLabels(f *ast.File) map[ast.Stmt]string {
	m := map[ast.Stmt]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			m[l.Stmt] = l.Label.Name
		}
		return true
	})
	return m
}

// passLoopVar gives loops whose variables are captured by closures Go
// 1.22's per-iteration variables. A three-clause loop
//
//	for i := 0; i < n; i++ { body }
//
// becomes
//
//	L: for __i := 0; __i < n; __i++ { i := __i; __b: for __o := true; __o; __o = false { body }; __i = i }
//
// with break in body turned into break L (continue already ends the
// inner loop); a range loop gets `k, v := k, v` at the top of its body.
func passLoopVar(env Env, f *ast.File) error {
	labels := loopLabels(f)
	mapStmts(f, func(s ast.Stmt) ast.Stmt {
		switch loop := s.(type) {
		case *ast.RangeStmt:
			if loop.Tok != token.DEFINE {
				return s
			}
			names := map[string]bool{}
			var ids []ast.Expr
			for _, e := range []ast.Expr{loop.Key, loop.Value} {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
					names[id.Name] = true
					ids = append(ids, ast.NewIdent(id.Name))
				}
			}
			if len(ids) == 0 || !capturedIn(loop.Body, names) {
				return s
			}
			rhs := make([]ast.Expr, len(ids))
			for i, id := range ids {
				rhs[i] = ast.NewIdent(id.(*ast.Ident).Name)
			}
			loop.Body.List = append([]ast.Stmt{&ast.AssignStmt{Lhs: ids, Tok: token.DEFINE, Rhs: rhs}}, loop.Body.List...)
			return s
		case *ast.ForStmt:
			init, ok := loop.Init.(*ast.AssignStmt)
			if !ok || init.Tok != token.DEFINE {
				return s
			}
			names := map[string]bool{}
			rename := map[string]string{}
			var order []string // the variables in source order: the output is deterministic
			for _, l := range init.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					names[id.Name] = true
					rename[id.Name] = env.NewName("lv")
					order = append(order, id.Name)
				}
			}
			if len(names) == 0 || !capturedIn(loop.Body, names) {
				return s
			}
			renameIn(loop.Init, rename)
			if loop.Cond != nil {
				renameIn(loop.Cond, rename)
			}
			if loop.Post != nil {
				renameIn(loop.Post, rename)
			}
			label, own := labels[s]
			if !own {
				label = env.NewName("loop")
			}
			inner := env.NewName("body")
			branches(loop.Body, label, func(b *ast.BranchStmt) ast.Stmt {
				if b.Tok == token.CONTINUE {
					return &ast.BranchStmt{Tok: token.CONTINUE, Label: ast.NewIdent(inner)}
				}
				return &ast.BranchStmt{Tok: token.BREAK, Label: ast.NewIdent(label)}
			})
			var copyIn, copyOut []ast.Stmt
			for _, name := range order {
				to := rename[name]
				copyIn = append(copyIn, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{ast.NewIdent(to)}})
				copyOut = append(copyOut, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(to)}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(name)}})
			}
			once := env.NewName("once")
			onceLoop := &ast.LabeledStmt{Label: ast.NewIdent(inner), Stmt: &ast.ForStmt{
				Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(once)}, Tok: token.DEFINE, Rhs: []ast.Expr{ast.NewIdent("true")}},
				Cond: ast.NewIdent(once),
				Post: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(once)}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent("false")}},
				Body: loop.Body,
			}}
			body := append(copyIn, onceLoop)
			body = append(body, copyOut...)
			loop.Body = &ast.BlockStmt{Lbrace: loop.Body.Lbrace, List: body, Rbrace: loop.Body.Rbrace}
			if own {
				return loop
			}
			return &ast.LabeledStmt{Label: ast.NewIdent(label), Stmt: loop}
		}
		return s
	})
	return nil
}

// passDeferLoop makes a deferred function literal in a loop see the
// iteration's value of a loop variable, as in Go 1.22: yaegi runs
// `defer func(){...}()` in the live frame of the function, so every such
// closure would see the last value (and a closure value made in the same
// frame deadlocks yaegi when deferred). The literal gets the variable as a
// parameter instead: `defer func(i int){...}(i)`. Every loop variable
// the type check types is handled; without the check, an int started
// from an integer literal, and a range over an integer.
func passDeferLoop(env Env, f *ast.File) error {
	locals := collectLocals(env, f)
	te, info := typed(env)
	// typeOf is the type of a loop variable id as an expression, from the
	// check, or nil.
	typeOf := func(id *ast.Ident) ast.Expr {
		if info == nil || info.Defs[id] == nil {
			return nil
		}
		t, ok := typeExpr(te, f, info.Defs[id].Type())
		if !ok {
			return nil
		}
		return t
	}
	type loopVar struct {
		name string
		typ  ast.Expr
	}
	with := func(vars []loopVar, ids ...ast.Expr) []loopVar {
		out := vars
		for _, e := range ids {
			id, ok := e.(*ast.Ident)
			if !ok || id.Name == "_" {
				continue
			}
			if t := typeOf(id); t != nil {
				out = append(out[:len(out):len(out)], loopVar{id.Name, t})
			}
		}
		return out
	}
	var visit func(n ast.Node, vars []loopVar)
	visit = func(n ast.Node, vars []loopVar) {
		ast.Inspect(n, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.FuncLit:
				visit(x.Body, nil)
				return false
			case *ast.ForStmt:
				inner := vars
				if init, ok := x.Init.(*ast.AssignStmt); ok && init.Tok == token.DEFINE {
					if info != nil {
						inner = with(vars, init.Lhs...)
					} else if len(init.Lhs) == 1 && len(init.Rhs) == 1 {
						lit, isLit := init.Rhs[0].(*ast.BasicLit)
						if id, ok := init.Lhs[0].(*ast.Ident); ok && isLit && lit.Kind == token.INT && id.Name != "_" {
							inner = append(vars[:len(vars):len(vars)], loopVar{id.Name, ast.NewIdent("int")})
						}
					}
				}
				visit(x.Body, inner)
				return false
			case *ast.RangeStmt:
				inner := vars
				if x.Tok == token.DEFINE {
					if info != nil {
						inner = with(vars, x.Key, x.Value)
					} else if id, ok := x.Key.(*ast.Ident); ok && id.Name != "_" && x.Value == nil && classify(env, locals, x.X) == "int" {
						inner = append(vars[:len(vars):len(vars)], loopVar{id.Name, ast.NewIdent("int")})
					}
				}
				visit(x.Body, inner)
				return false
			case *ast.DeferStmt:
				lit, ok := x.Call.Fun.(*ast.FuncLit)
				if !ok || len(vars) == 0 || len(x.Call.Args) > 0 || lit.Type.Params.NumFields() > 0 {
					return true
				}
				used := map[string]bool{}
				ast.Inspect(lit.Body, func(m ast.Node) bool {
					if id, ok := m.(*ast.Ident); ok {
						used[id.Name] = true
					}
					return true
				})
				// The innermost loop's variable of a name wins; the
				// parameters go outer loop first.
				last := map[string]int{}
				for i, v := range vars {
					last[v.name] = i
				}
				for i, v := range vars {
					if !used[v.name] || last[v.name] != i {
						continue
					}
					lit.Type.Params.List = append(lit.Type.Params.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent(v.name)}, Type: v.typ})
					x.Call.Args = append(x.Call.Args, ast.NewIdent(v.name))
				}
				return false
			}
			return true
		})
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			visit(fd.Body, nil)
		}
	}
	return nil
}
