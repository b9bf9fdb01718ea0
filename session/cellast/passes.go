package cellast

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"strings"
)

// Pass is one AST rewrite applied to every file a cell compiles, in order.
// The built-in passes make yaegi behave like Go 1.22+; the passes a
// session adds (for example the GIL's check points) run after them and
// before the go statement pass, which turns go statements into spawns.
type Pass struct {
	Name string
	// Apply rewrites f in place. Env answers questions about the session.
	Apply func(env Env, f *ast.File) error
	// needs, for a built-in pass, are the features a file must all have
	// to give it something to do (see Rewrite); none: it always runs.
	needs features
}

// Env is what a pass may ask the session.
type Env interface {
	// Peek evaluates a side-effect-free expression (identifiers and
	// selectors) in the session, e.g. to learn a global's type.
	Peek(src string) (reflect.Value, error)
	// NewName returns a fresh identifier with the given prefix.
	NewName(prefix string) string
}

// RangeRecorder is an Env that wants to know the range statements whose
// operand the rangeint pass could not classify (it may be an integer the
// pass cannot see: the session retries them when yaegi's compile fails).
type RangeRecorder interface {
	Env
	UnknownRange(r *ast.RangeStmt)
}

// builtinPasses are the passes that run first, in this order.
var builtinPasses = []Pass{
	// The typed passes first: the type facts are of the nodes as
	// the cell wrote them.
	{Name: "typeargs", Apply: passTypeArgs, needs: instanceCall},
	{Name: "newexpr", Apply: passNewExpr, needs: newCall},
	{Name: "shifts", Apply: passShifts, needs: shift},
	{Name: "methodexprs", Apply: passMethodExprs, needs: methodExpr},
	{Name: "rangechans", Apply: passRangeChans, needs: rangeLoop},
	{Name: "localvars", Apply: passLocalVars, needs: declStmt},
	{Name: "fmtargs", Apply: passFmtArgs, needs: pkgCall},
	{Name: "typeswitch", Apply: passTypeSwitch, needs: typeSwitch},
	{Name: "callbacks", Apply: passCallbacks, needs: pkgCall},
	{Name: "main", Apply: passMain, needs: mainName},
	{Name: "deferloop", Apply: passDeferLoop, needs: deferStmt | loop},
	{Name: "rangeint", Apply: passRangeInt, needs: rangeLoop},
	{Name: "rangefunc", Apply: passRangeFunc, needs: rangeLoop},
	{Name: "loopvar", Apply: passLoopVar, needs: loop},
	{Name: "funclitargs", Apply: passFuncLitArgs, needs: funcLit},
	{Name: "builtins", Apply: passBuiltins, needs: builtinCall},
	{Name: "params", Apply: passParams, needs: unnamedParam},
}

// goPass is the go statement pass, which runs after all others.
var goPass = Pass{Name: "go", Apply: passGo, needs: goStmt}

// features is a set of the constructs of a file that the built-in passes
// rewrite: a pass whose constructs a file lacks has nothing to do in it.
type features uint32

const (
	loop         features = 1 << iota // a for or range statement
	rangeLoop                         // a range statement
	deferStmt                         // a defer statement
	goStmt                            // a go statement
	funcLit                           // a func literal
	typeSwitch                        // a type switch
	declStmt                          // a declaration in a func body
	shift                             // a << or >> expression
	unnamedParam                      // a func literal or declaration with an unnamed parameter
	mainName                          // the identifier main
	newCall                           // a call of new
	builtinCall                       // a call of print, println, min, max, clear or recover
	// From the type check (TypedEnv), nodes it knows:
	pkgCall      // a call of a func or method of another package than main
	instanceCall // a call of an instantiated generic func
	methodExpr   // a method expression
)

func (ft features) has(x features) bool { return ft&x != 0 }

// typeReaders are the features whose passes read the type check's facts
// (the typed passes', and ranges, defer, main and type switches, whose
// passes use the facts when they have them).
const typeReaders = instanceCall | methodExpr | pkgCall | newCall | shift | rangeLoop | deferStmt | mainName | typeSwitch

// ReadsTypes reports whether a built-in pass may read the type check's
// facts (TypedEnv) to rewrite f: without such a construct the passes
// rewrite f alike with any facts or none.
func ReadsTypes(env Env, f *ast.File) bool { return featuresOf(env, f).has(typeReaders) }

// featuresOf walks f once for the constructs the built-in passes rewrite.
func featuresOf(env Env, f *ast.File) features {
	_, info := typed(env)
	var ft features
	unnamed := func(t *ast.FuncType) {
		if t.Params == nil {
			return
		}
		for _, p := range t.Params.List {
			if len(p.Names) == 0 {
				ft |= unnamedParam
			}
		}
	}
	visit := func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.ForStmt:
			ft |= loop
		case *ast.RangeStmt:
			ft |= loop | rangeLoop
		case *ast.DeferStmt:
			ft |= deferStmt
		case *ast.GoStmt:
			ft |= goStmt
		case *ast.FuncLit:
			ft |= funcLit
			unnamed(x.Type)
		case *ast.FuncDecl:
			unnamed(x.Type)
		case *ast.TypeSwitchStmt:
			ft |= typeSwitch
		case *ast.DeclStmt:
			ft |= declStmt
		case *ast.BinaryExpr:
			if x.Op == token.SHL || x.Op == token.SHR {
				ft |= shift
			}
		case *ast.Ident:
			if x.Name == "main" {
				ft |= mainName
			}
		case *ast.CallExpr:
			if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok {
				switch id.Name {
				case "new":
					ft |= newCall
				case "print", "println", "min", "max", "clear", "recover":
					ft |= builtinCall
				}
			}
			if id := CalleeIdent(x.Fun); id != nil && info != nil {
				if fn, ok := info.Uses[id].(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() != "main" {
					ft |= pkgCall
				}
				if _, ok := info.Instances[id]; ok {
					ft |= instanceCall
				}
			}
		case *ast.SelectorExpr:
			if info != nil {
				if s, ok := info.Selections[x]; ok && s.Kind() == types.MethodExpr {
					ft |= methodExpr
				}
			}
		}
		return true
	}
	for _, d := range f.Decls { // not the package clause's name, main
		ast.Inspect(d, visit)
	}
	return ft
}

// passParams names the unnamed parameters of func literals and
// declarations `_`: yaegi v0.16.1 assigns the arguments of a call of
// `func(int) {...}` to the wrong slots ("value of type int is not
// assignable to type func()").
func passParams(_ Env, f *ast.File) error {
	name := func(ft *ast.FuncType) {
		if ft == nil || ft.Params == nil {
			return
		}
		for _, p := range ft.Params.List {
			if len(p.Names) == 0 {
				p.Names = []*ast.Ident{{Name: "_", NamePos: p.Type.Pos()}}
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			name(x.Type)
		case *ast.FuncDecl:
			name(x.Type)
		}
		return true
	})
	return nil
}

// Rewrite applies the pipeline to f: the built-in passes, then extra in
// order, then the go statement pass (go f(x) becomes __rt.Go(...)); last,
// FixPos.
//
// A built-in pass runs only on a file that has the constructs it
// rewrites (features, from one walk of the file, made again after any
// pass that ran): most of a small cell's passes have nothing to do, and
// each would walk the whole file to find that out.
func Rewrite(env Env, f *ast.File, extra []Pass) error {
	var ft features
	known := false
	run := func(p Pass) error {
		if p.needs != 0 {
			if !known {
				ft, known = featuresOf(env, f), true
			}
			if ft&p.needs != p.needs {
				return nil
			}
		}
		known = false // the pass may change f
		return p.Apply(env, f)
	}
	for _, passes := range [][]Pass{builtinPasses, extra, {goPass}} {
		for _, p := range passes {
			if err := run(p); err != nil {
				return err
			}
		}
	}
	FixPos(f)
	return nil
}

// FixPos gives identifiers made by passes the position of the node before
// them: yaegi finds a file's imports through its identifiers' positions.
func FixPos(f *ast.File) {
	last := f.Package
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && !id.NamePos.IsValid() {
			id.NamePos = last
			return true
		}
		if p := n.Pos(); p.IsValid() {
			last = p
		}
		return true
	})
}

// Error is a construct a pass cannot rewrite, at Pos of the cell's file.
type Error struct {
	Pos token.Pos
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// mapStmts calls fn on every statement of n bottom-up and replaces it by
// the result.
func mapStmts(n ast.Node, fn func(ast.Stmt) ast.Stmt) {
	mapFuncStmts(n, func(_ *ast.FuncType, s ast.Stmt) ast.Stmt { return fn(s) })
}

// mapFuncStmts is mapStmts with the type of the func whose body holds the
// statement.
func mapFuncStmts(n ast.Node, fn func(*ast.FuncType, ast.Stmt) ast.Stmt) {
	var ft *ast.FuncType
	var list func([]ast.Stmt)
	var one func(ast.Stmt) ast.Stmt
	one = func(s ast.Stmt) ast.Stmt {
		if s == nil {
			return nil
		}
		switch s := s.(type) {
		case *ast.BlockStmt:
			list(s.List)
		case *ast.LabeledStmt:
			s.Stmt = one(s.Stmt)
		case *ast.IfStmt:
			list(s.Body.List)
			s.Else = one(s.Else)
		case *ast.ForStmt:
			list(s.Body.List)
		case *ast.RangeStmt:
			list(s.Body.List)
		case *ast.SwitchStmt:
			list(s.Body.List)
		case *ast.TypeSwitchStmt:
			list(s.Body.List)
		case *ast.SelectStmt:
			list(s.Body.List)
		case *ast.CaseClause:
			list(s.Body)
		case *ast.CommClause:
			list(s.Body)
		}
		return fn(ft, s)
	}
	list = func(l []ast.Stmt) {
		for i := range l {
			l[i] = one(l[i])
		}
	}
	// Every function body, also of function literals nested anywhere in
	// expressions (func(){ go g() }() inside a func). The bodies are
	// collected before any is rewritten, so each original body is mapped
	// exactly once and bodies fn synthesises are not mapped again.
	type body struct {
		typ  *ast.FuncType
		body *ast.BlockStmt
	}
	var bodies []body
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncDecl:
			if x.Body != nil {
				bodies = append(bodies, body{x.Type, x.Body})
			}
		case *ast.FuncLit:
			bodies = append(bodies, body{x.Type, x.Body})
		}
		return true
	})
	for _, b := range bodies {
		ft = b.typ
		list(b.body.List)
	}
}

// passGo turns `go f(x)` into `__rt.Go(func(){ f(x) })` with f and the
// arguments evaluated before the spawn, as Go does.
func passGo(env Env, f *ast.File) error {
	mapStmts(f, func(s ast.Stmt) ast.Stmt {
		g, ok := s.(*ast.GoStmt)
		if !ok {
			return s
		}
		call := g.Call
		var pre []ast.Stmt
		if lit, ok := call.Fun.(*ast.FuncLit); ok && len(call.Args) == 0 {
			return spawnStmt(env, lit)
		}
		var lhs, rhs []ast.Expr
		fun := call.Fun
		if id, ok := fun.(*ast.Ident); !ok || builtinResults[id.Name] == 0 && id.Name != "copy" && id.Name != "append" {
			if _, builtin := builtinResults[ExprString(fun)]; !builtin {
				name := env.NewName("gof")
				lhs, rhs = append(lhs, ast.NewIdent(name)), append(rhs, fun)
				fun = ast.NewIdent(name)
			}
		}
		args := make([]ast.Expr, len(call.Args))
		for i, a := range call.Args {
			name := env.NewName("goa")
			lhs, rhs = append(lhs, ast.NewIdent(name)), append(rhs, a)
			args[i] = ast.NewIdent(name)
		}
		if len(lhs) > 0 {
			pre = append(pre, &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs})
		}
		inner := &ast.CallExpr{Fun: fun, Args: args, Ellipsis: call.Ellipsis}
		lit := &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: inner}}}}
		return &ast.BlockStmt{List: append(pre, spawnStmt(env, lit))}
	})
	return nil
}

// passFuncLitArgs gives each func literal passed as an argument in an
// expression statement a variable of its own, set just before the
// statement: f(func() { use(i) }) becomes { __flN := func() { use(i) };
// f(__flN) }. yaegi v0.16.1 binds a literal passed straight to a compiled
// function to its frame's variables as they are when the function calls
// it, not as they were when the literal was made: wg.Go(func() {
// work(i) }) in a loop saw the last i in every call. Making a closure has
// no effect to reorder.
func passFuncLitArgs(env Env, f *ast.File) error {
	mapStmts(f, func(s ast.Stmt) ast.Stmt {
		es, ok := s.(*ast.ExprStmt)
		if !ok {
			return s
		}
		var pre []ast.Stmt
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncLit:
				return false // its own statements are mapped on their own
			case *ast.CallExpr:
				if isRTCall(x, "Callback") {
					return true // a callback wrapper keeps its shape (CallbackBody)
				}
				for i, a := range x.Args {
					if lit, ok := a.(*ast.FuncLit); ok {
						name := env.NewName("fl")
						pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{lit}})
						x.Args[i] = ast.NewIdent(name)
					}
				}
			}
			return true
		}
		ast.Inspect(es.X, visit)
		if len(pre) == 0 {
			return s
		}
		return &ast.BlockStmt{List: append(pre, es)}
	})
	return nil
}

// spawnStmt is `{ __gofnN := lit; __rt.Go(__gofnN) }`. The literal goes
// through a variable because yaegi v0.16.1 binds a func literal passed
// straight to a compiled function to the enclosing frame's variables as
// they are when the goroutine runs, not when the go statement ran: in a
// loop every goroutine saw the last iteration's values.
func spawnStmt(env Env, lit *ast.FuncLit) ast.Stmt {
	name := env.NewName("gofn")
	return &ast.BlockStmt{List: []ast.Stmt{
		&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{lit}},
		&ast.ExprStmt{X: &ast.CallExpr{
			Fun:  &ast.SelectorExpr{X: ast.NewIdent("__rt"), Sel: ast.NewIdent("Go")},
			Args: []ast.Expr{ast.NewIdent(name)},
		}},
	}}
}

// passBuiltins provides min, max and clear: min(a, b, c) becomes
// __min(__min(a, b), c) with a typed argument first (yaegi infers the type
// parameter from the first argument); all-constant calls are folded.
// print and println write to stderr, and recover() returns the panic
// value itself.
func passBuiltins(env Env, f *ast.File) error {
	shadowed := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			shadowed[fd.Name.Name] = true
		}
	}
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || shadowed[id.Name] {
			return true
		}
		switch id.Name {
		case "recover":
			// yaegi v0.16.1's recover returns the panic value inside a
			// reflect.Value; recover() is still called by the deferred
			// func itself, as Go requires.
			if len(call.Args) == 0 {
				inner := *call
				*call = ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent("__rt"), Sel: ast.NewIdent("Recovered")},
					Args: []ast.Expr{&inner}, Lparen: call.Lparen, Rparen: call.Rparen}
				return false
			}
		case "clear":
			if len(call.Args) == 1 {
				call.Fun = &ast.SelectorExpr{X: ast.NewIdent("__rt"), Sel: ast.NewIdent("Clear")}
			}
		case "print", "println":
			// Go's builtins write to standard error; yaegi's to Stdout.
			sel := "Print"
			if id.Name == "println" {
				sel = "Println"
			}
			call.Fun = &ast.SelectorExpr{X: ast.NewIdent("__rt"), Sel: ast.NewIdent(sel)}
		case "min", "max":
			for _, a := range call.Args {
				ast.Inspect(a, visit)
			}
			if len(call.Args) == 0 {
				return false
			}
			if folded := foldMinMax(id.Name, call.Args); folded != nil {
				*call = ast.CallExpr{Fun: &ast.ParenExpr{X: &ast.FuncLit{
					Type: &ast.FuncType{Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent(folded.typ)}}}},
					Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{folded.lit}}}},
				}}, Lparen: call.Lparen, Rparen: call.Rparen}
				if folded.untyped {
					*call = ast.CallExpr{Fun: ast.NewIdent("__id"), Args: []ast.Expr{folded.lit}}
				}
				return false
			}
			args := append([]ast.Expr(nil), call.Args...)
			// A typed operand first.
			for i, a := range args {
				if _, lit := a.(*ast.BasicLit); !lit {
					args[0], args[i] = args[i], args[0]
					break
				}
			}
			acc := args[0]
			for _, a := range args[1:] {
				acc = &ast.CallExpr{Fun: ast.NewIdent("__" + id.Name), Args: []ast.Expr{acc, a}, Lparen: call.Lparen, Rparen: call.Rparen}
			}
			if len(args) == 1 {
				*call = ast.CallExpr{Fun: &ast.ParenExpr{X: ast.NewIdent("__id")}, Args: []ast.Expr{acc}}
			} else {
				*call = *acc.(*ast.CallExpr)
			}
			return false
		}
		return true
	}
	ast.Inspect(f, visit)
	return nil
}

type foldResult struct {
	lit     ast.Expr
	typ     string
	untyped bool
}

// foldMinMax computes min/max of constant literals.
func foldMinMax(name string, args []ast.Expr) *foldResult {
	var best constant.Value
	var bestLit *ast.BasicLit
	isFloat := false
	for _, a := range args {
		lit, ok := a.(*ast.BasicLit)
		if !ok {
			return nil
		}
		v := constant.MakeFromLiteral(lit.Value, lit.Kind, 0)
		if v.Kind() == constant.Unknown {
			return nil
		}
		if lit.Kind == token.FLOAT {
			isFloat = true
		}
		if best == nil {
			best, bestLit = v, lit
			continue
		}
		op := token.LSS
		if name == "max" {
			op = token.GTR
		}
		if constant.Compare(v, op, best) {
			best, bestLit = v, lit
		}
	}
	typ := "int"
	switch {
	case bestLit.Kind == token.STRING:
		typ = "string"
	case isFloat:
		typ = "float64"
	}
	lit := &ast.BasicLit{ValuePos: bestLit.ValuePos, Kind: bestLit.Kind, Value: bestLit.Value}
	if isFloat && lit.Kind == token.INT {
		lit.Kind, lit.Value = token.FLOAT, lit.Value+".0"
	}
	return &foldResult{lit: lit, typ: typ, untyped: true}
}

// intKinds are the reflect kinds a range over an integer accepts.
func isIntKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// rangeKind classifies the operand of a range statement: "int", "func" or
// "" (anything else, or unknown). Globals and callees are peeked; locals
// are followed through a small environment of := and parameters.
//
// Locals are classified lazily: classifying may peek into the session (an
// Eval, whose cost grows with the session), so only names a range
// statement actually uses are classified.
type rangeEnv struct {
	kinds map[string]string   // from declared types
	exprs map[string]ast.Expr // from initializers, classified on demand
	busy  map[string]bool     // names being classified (cycles)
}

// lookup classifies a local name; ok is false for names that are not
// locals.
func (l *rangeEnv) lookup(env Env, name string) (kind string, ok bool) {
	if k, ok := l.kinds[name]; ok {
		return k, true
	}
	e, ok := l.exprs[name]
	if !ok {
		return "", false
	}
	if l.busy[name] {
		return "", true
	}
	l.busy[name] = true
	k := classify(env, l, e)
	delete(l.busy, name)
	delete(l.exprs, name)
	l.kinds[name] = k
	return k, true
}

func (l *rangeEnv) setKind(name, kind string) {
	delete(l.exprs, name)
	l.kinds[name] = kind
}

func (l *rangeEnv) setExpr(name string, e ast.Expr) {
	delete(l.kinds, name)
	l.exprs[name] = e
}

func classify(env Env, locals *rangeEnv, x ast.Expr) string {
	if k := typedKind(env, x); k != "" {
		return k
	}
	switch x := x.(type) {
	case *ast.BasicLit:
		if x.Kind == token.INT {
			return "int"
		}
		return ""
	case *ast.ParenExpr:
		return classify(env, locals, x.X)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR:
			if k := classify(env, locals, x.X); k == "int" {
				return k
			}
			return classify(env, locals, x.Y)
		}
		return ""
	case *ast.FuncLit:
		return "func"
	case *ast.Ident:
		if k, ok := locals.lookup(env, x.Name); ok {
			return k
		}
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok {
			switch id.Name {
			case "len", "cap":
				return "int"
			case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr":
				return "int"
			}
		}
		if !SideEffectFree(x.Fun) {
			return ""
		}
		v, err := env.Peek(ExprString(x.Fun))
		if err != nil || !v.IsValid() || v.Kind() != reflect.Func || v.Type().NumOut() != 1 {
			return ""
		}
		return kindOfType(v.Type().Out(0))
	}
	if !SideEffectFree(x) {
		return ""
	}
	v, err := env.Peek(ExprString(x))
	if err != nil || !v.IsValid() {
		return ""
	}
	return kindOfType(v.Type())
}

func kindOfType(t reflect.Type) string {
	if isIntKind(t.Kind()) {
		return "int"
	}
	if t.Kind() == reflect.Func && t.NumIn() == 1 && t.In(0).Kind() == reflect.Func && t.NumOut() == 0 {
		return "func"
	}
	return ""
}

// typeKind classifies a type expression of a parameter or var.
func typeKind(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		switch e.Name {
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr":
			return "int"
		}
	case *ast.FuncType:
		if e.Params != nil && len(e.Params.List) == 1 {
			if _, ok := e.Params.List[0].Type.(*ast.FuncType); ok {
				return "func"
			}
		}
	case *ast.IndexExpr:
		if strings.HasPrefix(ExprString(e.X), "iter.Seq") {
			return "func"
		}
	case *ast.IndexListExpr:
		if strings.HasPrefix(ExprString(e.X), "iter.Seq") {
			return "func"
		}
	}
	return ""
}

// collectLocals records what parameters and := give about local names.
func collectLocals(env Env, n ast.Node) *rangeEnv {
	locals := &rangeEnv{kinds: map[string]string{}, exprs: map[string]ast.Expr{}, busy: map[string]bool{}}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncType:
			if x.Params != nil {
				for _, fl := range x.Params.List {
					for _, nm := range fl.Names {
						locals.setKind(nm.Name, typeKind(fl.Type))
					}
				}
			}
		case *ast.ValueSpec:
			for i, nm := range x.Names {
				switch {
				case x.Type != nil:
					locals.setKind(nm.Name, typeKind(x.Type))
				case i < len(x.Values) && len(x.Values) == len(x.Names):
					locals.setExpr(nm.Name, x.Values[i])
				}
			}
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE && len(x.Lhs) == len(x.Rhs) {
				for i, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						locals.setExpr(id.Name, x.Rhs[i])
					}
				}
			}
		}
		return true
	})
	return locals
}

// passRangeInt turns `for i := range n` (n an integer) into
// `for i, __n := __zero2(n); i < __n; i++`.
func passRangeInt(env Env, f *ast.File) error {
	locals := collectLocals(env, f)
	mapStmts(f, func(s ast.Stmt) ast.Stmt {
		r, ok := s.(*ast.RangeStmt)
		if !ok || r.Value != nil || r.Tok == token.ASSIGN {
			return s
		}
		if k := classify(env, locals, r.X); k != "int" {
			if rec, ok := env.(RangeRecorder); ok && k == "" && maybeInt(r.X) {
				rec.UnknownRange(r)
			}
			return s
		}
		key := ast.NewIdent(env.NewName("i"))
		if id, ok := r.Key.(*ast.Ident); ok && id.Name != "_" {
			key = ast.NewIdent(id.Name)
			key.NamePos = id.NamePos
		}
		n := ast.NewIdent(env.NewName("n"))
		return &ast.ForStmt{
			For:  r.For,
			Init: &ast.AssignStmt{Lhs: []ast.Expr{key, n}, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.CallExpr{Fun: ast.NewIdent("__zero2"), Args: []ast.Expr{r.X}}}},
			Cond: &ast.BinaryExpr{X: ast.NewIdent(key.Name), Op: token.LSS, Y: ast.NewIdent(n.Name)},
			Post: &ast.IncDecStmt{X: ast.NewIdent(key.Name), Tok: token.INC},
			Body: r.Body,
		}
	})
	return nil
}

// passMain renames func main and calls of it to __main: yaegi would run a
// main of package main again after every later cell.
func passMain(env Env, f *ast.File) error {
	if _, info := typed(env); info != nil {
		// The names main that denote the package's func main, from the
		// check, when it saw every one (not source run from text).
		var mains []*ast.Ident
		checked := true
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "main" {
				obj, def := info.Defs[id]
				if !def {
					var use bool
					obj, use = info.Uses[id]
					checked = checked && use
				}
				if isMainFunc(obj) {
					mains = append(mains, id)
				}
			}
			return true
		})
		if checked {
			for _, id := range mains {
				id.Name = "__main"
			}
			return nil
		}
	}
	for _, d := range f.Decls {
		renameMain(d)
	}
	return nil
}

// isMainFunc reports whether obj is package main's func main.
func isMainFunc(obj types.Object) bool {
	fn, ok := obj.(*types.Func)
	return ok && fn.Name() == "main" && fn.Pkg() != nil && fn.Pkg().Path() == "main" &&
		fn.Type().(*types.Signature).Recv() == nil
}

// renameMain renames main without the check's facts: every identifier
// main but a selected name, a struct field and a composite literal's key.
func renameMain(d ast.Decl) {
	ast.Inspect(d, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Recv == nil && n.Name.Name == "main" {
				n.Name.Name = "__main"
			}
		case *ast.SelectorExpr:
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok && id.Name == "main" {
					id.Name = "__main"
				}
				return true
			})
			return false
		case *ast.Field:
			if n.Type != nil {
				ast.Inspect(n.Type, func(m ast.Node) bool { renameMainIdent(m); return true })
			}
			return false // field names stay
		case *ast.KeyValueExpr:
			if _, isIdent := n.Key.(*ast.Ident); isIdent {
				ast.Inspect(n.Value, func(m ast.Node) bool { renameMainIdent(m); return true })
				return false // a struct literal's field name stays
			}
		case *ast.Ident:
			renameMainIdent(n)
		}
		return true
	})
}

func renameMainIdent(n ast.Node) {
	if id, ok := n.(*ast.Ident); ok && id.Name == "main" {
		id.Name = "__main"
	}
}
