package gilrt

import (
	"go/ast"
	"go/token"
	"reflect"

	"github.com/gilgo/gilgo/session/cellast"
)

func sel(name string) *ast.SelectorExpr {
	return &ast.SelectorExpr{X: ast.NewIdent(helperName), Sel: ast.NewIdent(name)}
}

func callStmt(name string, args ...ast.Expr) ast.Stmt {
	return &ast.ExprStmt{X: &ast.CallExpr{Fun: sel(name), Args: args}}
}

// checker builds check points for one file.
type checker struct {
	inline bool // the interpreted mirror may be read
}

// check is the check point, the same at function entry, at loop
// back-edges and after calls: one plain load of the interpreter's mirror
// of the eval breaker, `if __gilF { __gil.C() }` (breaker.go), or,
// where that is not possible, the compiled call `__gil.C()`.
func (c checker) check() ast.Stmt {
	if !c.inline {
		return callStmt("C")
	}
	return &ast.IfStmt{
		Cond: ast.NewIdent(inlineFlag),
		Body: &ast.BlockStmt{List: []ast.Stmt{callStmt("C")}},
	}
}

// passCheckpoints puts a check point at every function entry (func
// declarations and literals), at the top of every loop body and after
// every statement that calls through a selector (pkg.F(), x.M(): maybe
// compiled code that parked, after which the monitor may have handed the
// lock on) or receives inside an expression.
//
// Check points read the interpreted mirror unless the race detector runs
// (it would report the plain load), Options.CompiledCheckpoints is set or
// the interpreter did not register its word, and except inside top-level
// var initializers (`f := func() {...}` in a cell): yaegi cannot order a
// var initializer that reads a global of an earlier compile ("variable
// definition loop", which the session then runs by value), so function
// literals there call __gil.C().
func (s *Scheduler) passCheckpoints(env cellast.Env, f *ast.File) error {
	s.retake()
	inline := !s.callC && s.inline.Load()
	for _, d := range f.Decls {
		c := checker{inline: inline}
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
			c.inline = false
		}
		c.rewrite(d)
	}
	return nil
}

func (c checker) rewrite(root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				n.Body.List = append([]ast.Stmt{c.check()}, c.afterCalls(n.Body.List)...)
			}
		case *ast.FuncLit:
			if body := cellast.CallbackBody(n); body != nil {
				// A callback wrapper may run on compiled code's own
				// goroutine, outside the lock: its body runs as a
				// thread of its own (Scheduler.Adopt).
				c.rewrite(body)
				return false
			}
			n.Body.List = append([]ast.Stmt{c.check()}, c.afterCalls(n.Body.List)...)
		case *ast.ForStmt:
			n.Body.List = append([]ast.Stmt{c.check()}, c.afterCalls(n.Body.List)...)
		case *ast.RangeStmt:
			n.Body.List = append([]ast.Stmt{c.check()}, c.afterCalls(n.Body.List)...)
		case *ast.BlockStmt:
			n.List = c.afterCalls(n.List)
		case *ast.CaseClause:
			n.Body = c.afterCalls(n.Body)
		case *ast.CommClause:
			n.Body = c.afterCalls(n.Body)
		}
		return true
	})
}

// afterCalls adds a check point after each statement of l that
// may have parked in compiled code (see mayPark). Statements it added
// itself are recognised and not doubled.
func (c checker) afterCalls(l []ast.Stmt) []ast.Stmt {
	var out []ast.Stmt
	for i, st := range l {
		out = append(out, st)
		if !mayPark(st) {
			continue
		}
		if i+1 < len(l) && isCheckpoint(l[i+1]) {
			continue
		}
		out = append(out, c.check())
	}
	return out
}

// mayPark reports whether a simple statement calls through a selector or
// receives from a channel (not counting function literals in it).
func mayPark(st ast.Stmt) bool {
	switch st.(type) {
	case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt, *ast.SendStmt:
	default:
		return false
	}
	if isCheckpoint(st) {
		return false
	}
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if se, ok := n.Fun.(*ast.SelectorExpr); ok {
				if id, ok := se.X.(*ast.Ident); !ok || id.Name != helperName {
					found = true
				}
			}
		case *ast.UnaryExpr:
			found = found || n.Op == token.ARROW
		}
		return !found
	})
	return found
}

// isCheckpoint recognises the statements check builds.
func isCheckpoint(st ast.Stmt) bool {
	if ifs, ok := st.(*ast.IfStmt); ok {
		if len(ifs.Body.List) != 1 {
			return false
		}
		st = ifs.Body.List[0]
	}
	es, ok := st.(*ast.ExprStmt)
	if !ok {
		return false
	}
	c, ok := es.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	se, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := se.X.(*ast.Ident)
	return ok && id.Name == helperName
}

// passBlocking releases the lock around channel operations: a send or
// receive statement (v := <-c, v, ok = <-c, <-c, c <- v) becomes
// `__t := __gil.B(); op; __gil.U(__t)` with operands other than names
// evaluated first (under the lock) and results assigned after; a select
// releases it while it waits and each case body starts with U; a range
// over a channel (known from make(chan ...), a chan-typed parameter or var,
// or a session global) becomes a loop of wrapped receives; a receive
// inside an expression whose channel the type check knows becomes a call
// of a func literal that receives with the lock released. Others (no type
// facts, an if/switch init) stay as they are: the monitor hands the lock
// on if they park.
func passBlocking(env cellast.Env, f *ast.File) error {
	chans := collectChans(env, f)
	handled := map[*ast.UnaryExpr]bool{} // receives a statement rewrite owns
	var list func([]ast.Stmt) []ast.Stmt
	var stmt func(ast.Stmt) []ast.Stmt
	list = func(l []ast.Stmt) []ast.Stmt {
		var out []ast.Stmt
		for _, s := range l {
			out = append(out, stmt(s)...)
		}
		return out
	}
	// nested rewrites statement lists inside s (and in func literals of
	// its expressions).
	var nested func(n ast.Node)
	nested = func(n ast.Node) {
		ast.Inspect(n, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.BlockStmt:
				x.List = list(x.List)
				return false
			case *ast.CaseClause:
				x.Body = list(x.Body)
				return false
			case *ast.CommClause:
				x.Body = list(x.Body)
				return false
			}
			return true
		})
	}
	stmt = func(s ast.Stmt) []ast.Stmt {
		switch s := s.(type) {
		case *ast.SendStmt:
			nested(s)
			_, et, typed := cellast.ChanTypes(env, f, s.Chan)
			var pre []ast.Stmt
			s.Chan, pre = hoist(env, s.Chan, pre)
			if typed {
				// var v T = value; S(c, &v)
				v := env.NewName("gs")
				pre = append(pre, varStmt(v, et, s.Value))
				return append(pre, callStmt("S", s.Chan, addr(v)))
			}
			s.Value, pre = hoist(env, s.Value, pre)
			return append(pre, wrap(env, s)...)
		case *ast.ExprStmt:
			if u, ok := s.X.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				handled[u] = true
				nested(s)
				var pre []ast.Stmt
				u.X, pre = hoist(env, u.X, pre)
				return append(pre, recvInto("", u.X, ""))
			}
		case *ast.AssignStmt:
			if len(s.Rhs) == 1 && len(s.Lhs) <= 2 {
				if u, ok := s.Rhs[0].(*ast.UnaryExpr); ok && u.Op == token.ARROW {
					handled[u] = true
					nested(s)
					_, et, typed := cellast.ChanTypes(env, f, u.X)
					var pre []ast.Stmt
					u.X, pre = hoist(env, u.X, pre)
					if typed {
						// var r T; [ok :=] W(c, &r); lhs = r[, ok]
						r, ok := env.NewName("gr"), env.NewName("gok")
						pre = append(pre, varStmt(r, et, nil))
						rhs := []ast.Expr{ast.NewIdent(r)}
						if len(s.Lhs) == 2 {
							rhs = append(rhs, ast.NewIdent(ok))
							pre = append(pre, recvInto(ok, u.X, r))
						} else {
							pre = append(pre, recvInto("", u.X, r))
						}
						return append(pre, &ast.AssignStmt{Lhs: s.Lhs, Tok: s.Tok, Rhs: rhs})
					}
					if s.Tok == token.DEFINE {
						return append(pre, wrap(env, s)...)
					}
					// Receive into temporaries, assign under the lock.
					tmps := make([]ast.Expr, len(s.Lhs))
					for i := range tmps {
						tmps[i] = ast.NewIdent(env.NewName("gr"))
					}
					recv := &ast.AssignStmt{Lhs: tmps, Tok: token.DEFINE, Rhs: []ast.Expr{u}}
					pre = append(pre, wrap(env, recv)...)
					return append(pre, &ast.AssignStmt{Lhs: s.Lhs, Tok: s.Tok, Rhs: tmps})
				}
			}
		case *ast.SelectStmt:
			nested(s)
			t := env.NewName("gt")
			for _, c := range s.Body.List {
				cc := c.(*ast.CommClause)
				ast.Inspect(cc.Comm, func(n ast.Node) bool {
					if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
						handled[u] = true // a case's own receive: the select waits
					}
					return true
				})
				cc.Body = append([]ast.Stmt{callStmt("U", ast.NewIdent(t))}, cc.Body...)
			}
			if !hasDefault(s) {
				s.Body.List = append(s.Body.List, interruptCase(t))
			}
			return []ast.Stmt{beginStmt(t), s}
		case *ast.RangeStmt:
			nested(s)
			if isChan(env, chans, s.X) {
				return []ast.Stmt{rangeChan(env, f, s)}
			}
			return []ast.Stmt{s}
		case *ast.LabeledStmt:
			inner := stmt(s.Stmt)
			if len(inner) == 1 {
				s.Stmt = inner[0]
				return []ast.Stmt{s}
			}
			// Keep the label on the loop or select (the last statement).
			s.Stmt = inner[len(inner)-1]
			return append(inner[:len(inner)-1:len(inner)-1], s)
		}
		nested(s)
		return []ast.Stmt{s}
	}
	nested(f)
	// A comma-ok receive (v, ok := <-c, here or made above) keeps its
	// form: its two results are not one expression's.
	ast.Inspect(f, func(n ast.Node) bool {
		var lhs int
		var rhs []ast.Expr
		switch n := n.(type) {
		case *ast.AssignStmt:
			lhs, rhs = len(n.Lhs), n.Rhs
		case *ast.ValueSpec:
			lhs, rhs = len(n.Names), n.Values
		default:
			return true
		}
		if lhs == 2 && len(rhs) == 1 {
			if u, ok := ast.Unparen(rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				handled[u] = true
			}
		}
		return true
	})
	// A receive inside an expression (fmt.Println(<-ch), f(<-a, <-b))
	// becomes a call of a func literal that receives with the lock
	// released, in the same place, so evaluation order is kept:
	//	func(c chan T) T { t := B(); v := <-c; U(t); return v }(ch)
	// The channel's type comes from the type check; without it the
	// receive stays, and the monitor hands the lock on if it parks.
	cellast.MapExprs(f, func(e ast.Expr) ast.Expr {
		u, ok := e.(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW || handled[u] {
			return e
		}
		lit := recvLit(env, f, u)
		if lit == nil {
			return e
		}
		return &ast.CallExpr{Fun: lit, Args: []ast.Expr{u.X}}
	})
	return nil
}

// recvLit is a func literal that receives from its argument, a channel of
// u.X's type, with the lock released:
//
//	func(c chan T) T { t := B(); v := <-c; U(t); return v }
//
// nil if the type check does not know the channel's type. Its receive is
// not interruptible: yaegi v0.16.1 keeps one select's cases in the
// select's node, shared by every goroutine that runs it, so a select
// waiting without the lock (as an interrupt case needs) may wait on
// another goroutine's channel; a value-discarding receive goes through
// the compiled W instead (recvInto).
func recvLit(env cellast.Env, f *ast.File, u *ast.UnaryExpr) *ast.FuncLit {
	ct, et, ok := cellast.ChanTypes(env, f, u.X)
	if !ok {
		return nil
	}
	c, v := env.NewName("gc"), env.NewName("gv")
	_, et2, _ := cellast.ChanTypes(env, f, u.X) // a second copy of the type for the var
	body := []ast.Stmt{varStmt(v, et2, nil), recvInto("", ast.NewIdent(c), v),
		&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent(v)}}}
	return &ast.FuncLit{
		Type: &ast.FuncType{
			Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent(c)}, Type: ct}}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: et}}},
		},
		Body: &ast.BlockStmt{List: body},
	}
}

// recvInto is `ok := W(c, &v)`, or `W(c, &v)` when ok is "", or
// `W(c, nil)` when v is "" (a receive statement, the value discarded): the
// compiled receive, at once if it can, else with the lock released and an
// interrupt ending the wait.
func recvInto(ok string, c ast.Expr, v string) ast.Stmt {
	var p ast.Expr = ast.NewIdent("nil")
	if v != "" {
		p = addr(v)
	}
	call := &ast.CallExpr{Fun: sel("W"), Args: []ast.Expr{c, p}}
	if ok == "" {
		return &ast.ExprStmt{X: call}
	}
	return &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(ok)}, Tok: token.DEFINE, Rhs: []ast.Expr{call}}
}

// varStmt is `var name T` or `var name T = value`.
func varStmt(name string, typ, value ast.Expr) ast.Stmt {
	spec := &ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(name)}, Type: typ}
	if value != nil {
		spec.Values = []ast.Expr{value}
	}
	return &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{spec}}}
}

// addr is &name.
func addr(name string) ast.Expr {
	return &ast.UnaryExpr{Op: token.AND, X: ast.NewIdent(name)}
}

// interruptCase is `case <-I(): X(t)`.
func interruptCase(t string) *ast.CommClause {
	return &ast.CommClause{
		Comm: &ast.ExprStmt{X: &ast.UnaryExpr{Op: token.ARROW, X: &ast.CallExpr{Fun: sel("I")}}},
		Body: []ast.Stmt{callStmt("X", ast.NewIdent(t))},
	}
}

// hasDefault reports whether a select has a default case (it never waits).
func hasDefault(s *ast.SelectStmt) bool {
	for _, c := range s.Body.List {
		if c.(*ast.CommClause).Comm == nil {
			return true
		}
	}
	return false
}

func beginStmt(t string) ast.Stmt {
	return &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(t)}, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.CallExpr{Fun: sel("B")}}}
}

// wrap brackets s with B and U.
func wrap(env cellast.Env, s ast.Stmt) []ast.Stmt {
	t := env.NewName("gt")
	return []ast.Stmt{beginStmt(t), s, callStmt("U", ast.NewIdent(t))}
}

// hoist evaluates e into a temporary before the lock is released, unless
// it is a name, a selector of names or a literal.
func hoist(env cellast.Env, e ast.Expr, pre []ast.Stmt) (ast.Expr, []ast.Stmt) {
	if simple(e) {
		return e, pre
	}
	id := ast.NewIdent(env.NewName("gv"))
	return id, append(pre, &ast.AssignStmt{Lhs: []ast.Expr{id}, Tok: token.DEFINE, Rhs: []ast.Expr{e}})
}

func simple(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		return simple(e.X)
	case *ast.ParenExpr:
		return simple(e.X)
	}
	return false
}

// rangeChan turns `for k := range ch { body }` into
// `for { __t := B(); __v, __ok := <-ch; U(__t); if !__ok { break }; k := __v; body }`.
//
// With the channel's type known, the receive is the compiled W (at once if
// it can, else with the lock released, interruptible):
// `var __v T; __ok := W(ch, &__v)`.
func rangeChan(env cellast.Env, f *ast.File, r *ast.RangeStmt) ast.Stmt {
	v, ok := ast.NewIdent(env.NewName("gv")), ast.NewIdent(env.NewName("gok"))
	_, et, typed := cellast.ChanTypes(env, f, r.X)
	x, pre := hoist(env, r.X, nil)
	var body []ast.Stmt
	if typed {
		body = []ast.Stmt{varStmt(v.Name, et, nil), recvInto(ok.Name, x, v.Name)}
	} else {
		recv := &ast.AssignStmt{Lhs: []ast.Expr{v, ok}, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.UnaryExpr{Op: token.ARROW, X: x}}}
		body = wrap(env, recv)
	}
	body = append(body, &ast.IfStmt{Cond: &ast.UnaryExpr{Op: token.NOT, X: ast.NewIdent(ok.Name)},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.BranchStmt{Tok: token.BREAK}}}})
	if r.Key != nil {
		if id, isID := r.Key.(*ast.Ident); !isID || id.Name != "_" {
			tok := r.Tok
			if tok == token.ILLEGAL {
				tok = token.ASSIGN
			}
			body = append(body, &ast.AssignStmt{Lhs: []ast.Expr{r.Key}, Tok: tok, Rhs: []ast.Expr{ast.NewIdent(v.Name)}})
		}
	} else {
		body = append(body, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(v.Name)}})
	}
	body = append(body, r.Body.List...)
	loop := &ast.ForStmt{For: r.For, Body: &ast.BlockStmt{Lbrace: r.Body.Lbrace, List: body, Rbrace: r.Body.Rbrace}}
	if len(pre) == 0 {
		return loop
	}
	return &ast.BlockStmt{List: append(pre, loop)}
}

// collectChans finds local names of channel type: parameters and vars
// declared with a chan type, and := make(chan ...).
func collectChans(env cellast.Env, f *ast.File) map[string]bool {
	chans := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			if _, ok := n.Type.(*ast.ChanType); ok {
				for _, nm := range n.Names {
					chans[nm.Name] = true
				}
			}
		case *ast.ValueSpec:
			for i, nm := range n.Names {
				if _, ok := n.Type.(*ast.ChanType); ok {
					chans[nm.Name] = true
				} else if n.Type == nil && i < len(n.Values) && isMakeChan(n.Values[i]) {
					chans[nm.Name] = true
				}
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && isMakeChan(n.Rhs[i]) {
						chans[id.Name] = true
					}
				}
			}
		}
		return true
	})
	return chans
}

func isMakeChan(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok || len(c.Args) == 0 {
		return false
	}
	if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != "make" {
		return false
	}
	_, ok = c.Args[0].(*ast.ChanType)
	return ok
}

// isChan reports whether x is known to be a channel.
func isChan(env cellast.Env, chans map[string]bool, x ast.Expr) bool {
	if isMakeChan(x) {
		return true
	}
	id, ok := x.(*ast.Ident)
	if !ok {
		return false
	}
	if chans[id.Name] {
		return true
	}
	v, err := env.Peek(id.Name)
	return err == nil && v.IsValid() && v.Kind() == reflect.Chan
}
