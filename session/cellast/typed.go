package cellast

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// TypedEnv is an Env that knows the types of the file's expressions: the
// session's type check (types.Info of the nodes the passes see, before
// any pass changed them). The typed passes do nothing without it.
type TypedEnv interface {
	Env
	// TypeInfo is the check's facts, or nil.
	TypeInfo() *types.Info
	// ImportName is the name under which the file sees the package with
	// import path path, or "" when it does not import it.
	ImportName(path string) string
}

// passTypeArgs writes the type arguments of calls of the cells' generic
// funcs that the check inferred: Sum(1, 2, 3) becomes Sum[int](1, 2, 3), Map(xs, f)
// becomes Map[int, string](xs, f). yaegi v0.16.1 infers neither from a
// variadic parameter nor a second type parameter from a func argument
// ("undefined type for T", "cannot use func(int) string as func(int)
// int"), but runs explicit instantiations. A call whose type arguments
// cannot be written in the file (a type of a package it does not import)
// is left as it is.
func passTypeArgs(env Env, f *ast.File) error {
	te, info := typed(env)
	if info == nil {
		return nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch ast.Unparen(call.Fun).(type) {
		case *ast.IndexExpr, *ast.IndexListExpr:
			return true // written by the user: partial inference is rare
		}
		id := CalleeIdent(call.Fun)
		inst, ok := info.Instances[id]
		if !ok || inst.TypeArgs.Len() == 0 {
			return true
		}
		// Only the cells' own generics and those of modules' packages
		// interpreted from source: those of the standard library yaegi
		// interprets from sources of its own, whose type parameters are
		// not always Go 1.26's.
		if obj := info.Uses[id]; obj == nil || obj.Pkg() == nil || obj.Pkg().Path() != "main" && !modulePackage(obj.Pkg().Path()) {
			return true
		}
		if _, isFunc := inst.Type.(*types.Signature); !isFunc {
			return true
		}
		args := make([]ast.Expr, inst.TypeArgs.Len())
		for i := range args {
			e, ok := typeExpr(te, f, inst.TypeArgs.At(i))
			if !ok {
				return true
			}
			args[i] = e
		}
		if len(args) == 1 {
			call.Fun = &ast.IndexExpr{X: call.Fun, Index: args[0]}
		} else {
			call.Fun = &ast.IndexListExpr{X: call.Fun, Indices: args}
		}
		return true
	})
	return nil
}

// passShifts types the untyped constant on the left of a non-constant
// shift, as Go does (it takes the type the shift's context gives it):
// p&(1<<i) with p a uint8 becomes p&(uint8(1)<<i). yaegi v0.16.1 makes
// it an int and fails ("call of reflect.Value.Uint on int Value").
func passShifts(env Env, f *ast.File) error {
	te, info := typed(env)
	if info == nil {
		return nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		be, ok := n.(*ast.BinaryExpr)
		if !ok || be.Op != token.SHL && be.Op != token.SHR {
			return true
		}
		shift, ok := info.Types[be]
		if !ok || shift.Value != nil || shift.Type == nil {
			return true
		}
		left, ok := info.Types[be.X]
		if !ok || left.Value == nil {
			return true
		}
		// (The check records the constant's final type; converting a
		// typed constant to its own type changes nothing.)
		if b, isBasic := shift.Type.(*types.Basic); isBasic && b.Info()&types.IsUntyped != 0 {
			return true
		}
		t, ok := typeExpr(te, f, shift.Type)
		if !ok {
			return true
		}
		be.X = &ast.CallExpr{Fun: &ast.ParenExpr{X: t}, Args: []ast.Expr{be.X}}
		return true
	})
	return nil
}

// passMethodExprs turns a method expression of a cell's type, T.M or
// (*T).M, into the func literal it stands for, func(r T, a A) R { return
// r.M(a) }: yaegi v0.16.1 calls the method expression's value with the
// wrong arguments ("Call with too many input arguments").
func passMethodExprs(env Env, f *ast.File) error {
	te, info := typed(env)
	if info == nil {
		return nil
	}
	rewriteExprs(f, func(e ast.Expr) ast.Expr {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return e
		}
		s, ok := info.Selections[sel]
		if !ok || s.Kind() != types.MethodExpr || !declaredInMain(derefType(s.Recv())) {
			return e
		}
		sig, ok := s.Type().(*types.Signature)
		if !ok {
			return e
		}
		params := &ast.FieldList{}
		var args []ast.Expr
		var recv ast.Expr
		for i := range sig.Params().Len() {
			t, ok := typeExpr(te, f, sig.Params().At(i).Type())
			if !ok {
				return e
			}
			name := "p" + strconv.Itoa(i)
			if sig.Variadic() && i == sig.Params().Len()-1 {
				t = &ast.Ellipsis{Elt: t.(*ast.ArrayType).Elt}
			}
			params.List = append(params.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent(name)}, Type: t})
			if i == 0 {
				recv = ast.NewIdent(name)
			} else {
				args = append(args, ast.NewIdent(name))
			}
		}
		results := &ast.FieldList{}
		for i := range sig.Results().Len() {
			t, ok := typeExpr(te, f, sig.Results().At(i).Type())
			if !ok {
				return e
			}
			results.List = append(results.List, &ast.Field{Type: t})
		}
		call := &ast.CallExpr{Fun: &ast.SelectorExpr{X: recv, Sel: ast.NewIdent(sel.Sel.Name)}, Args: args}
		if sig.Variadic() {
			call.Ellipsis = 1 // any valid position marks the spread
		}
		var body ast.Stmt = &ast.ExprStmt{X: call}
		if results.NumFields() > 0 {
			body = &ast.ReturnStmt{Results: []ast.Expr{call}}
		}
		return &ast.FuncLit{Type: &ast.FuncType{Params: params, Results: results}, Body: &ast.BlockStmt{List: []ast.Stmt{body}}}
	})
	return nil
}

// derefType is t, or its element if t is a pointer.
func derefType(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// passRangeChans rewrites a range over a slice or array of channels,
// for i, c := range cs { body }, into for i := range cs { c := cs[i];
// body }: yaegi v0.16.1 fails at the value of such a range ("call of
// reflect.Value.Len on int Value"). Only a side-effect-free cs, which
// may be read again, is rewritten.
func passRangeChans(env Env, f *ast.File) error {
	_, info := typed(env)
	if info == nil {
		return nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		r, ok := n.(*ast.RangeStmt)
		if !ok || r.Value == nil || r.Tok != token.DEFINE || !SideEffectFree(r.X) {
			return true
		}
		var elem types.Type
		switch t := info.TypeOf(r.X).(type) {
		case nil:
			return true
		default:
			switch u := derefType(t.Underlying()).Underlying().(type) {
			case *types.Slice:
				elem = u.Elem()
			case *types.Array:
				elem = u.Elem()
			}
		}
		if elem == nil {
			return true
		}
		if _, isChan := elem.Underlying().(*types.Chan); !isChan {
			return true
		}
		key, _ := r.Key.(*ast.Ident)
		if key == nil || key.Name == "_" {
			key = ast.NewIdent(env.NewName("i"))
			r.Key = key
		}
		if id, ok := r.Value.(*ast.Ident); ok && id.Name != "_" {
			get := &ast.AssignStmt{Lhs: []ast.Expr{id}, Tok: token.DEFINE,
				Rhs: []ast.Expr{&ast.IndexExpr{X: r.X, Index: ast.NewIdent(key.Name)}}}
			r.Body.List = append([]ast.Stmt{get}, r.Body.List...)
		}
		r.Value = nil
		return true
	})
	return nil
}

// passNewExpr lowers Go 1.26's new(expr), a pointer to a new variable
// initialised to expr, which yaegi v0.16.1 runs as new of expr's type
// (new(42) pointed to 0): new(42) becomes __new[int](42).
func passNewExpr(env Env, f *ast.File) error {
	te, info := typed(env)
	if info == nil {
		return nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok || id.Name != "new" {
			return true
		}
		if _, builtin := info.Uses[id].(*types.Builtin); !builtin {
			return true
		}
		if tv, ok := info.Types[call.Args[0]]; !ok || tv.IsType() {
			return true
		}
		ptr, ok := info.TypeOf(call).(*types.Pointer)
		if !ok {
			return true
		}
		t, ok := typeExpr(te, f, ptr.Elem())
		if !ok {
			return true
		}
		call.Fun = &ast.IndexExpr{X: &ast.Ident{Name: "__new", NamePos: id.NamePos}, Index: t}
		return true
	})
	return nil
}

// LocalVar declares the vars of vs in a func body, the way yaegi v0.16.1
// runs right: var x = G[int](v), a var initialised by a call of an
// instantiated generic func, leaves x zero, while x := G[int](v) and an
// assignment work. So a spec with values becomes x := v (no type), or var
// x T; x = v (a type).
func LocalVar(vs *ast.ValueSpec) []ast.Stmt {
	if len(vs.Values) == 0 {
		return []ast.Stmt{&ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{vs}}}}
	}
	lhs := make([]ast.Expr, len(vs.Names))
	for i, n := range vs.Names {
		lhs[i] = n
	}
	if vs.Type == nil {
		return []ast.Stmt{&ast.AssignStmt{Lhs: lhs, TokPos: vs.Names[0].End(), Tok: token.DEFINE, Rhs: vs.Values}}
	}
	decl := &ast.ValueSpec{Names: vs.Names, Type: vs.Type}
	names := make([]ast.Expr, len(vs.Names))
	for i, n := range vs.Names {
		names[i] = &ast.Ident{Name: n.Name, NamePos: n.NamePos}
	}
	return []ast.Stmt{
		&ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{decl}}},
		&ast.AssignStmt{Lhs: names, TokPos: vs.Names[0].End(), Tok: token.ASSIGN, Rhs: vs.Values},
	}
}

// passLocalVars rewrites the local var declarations with a value that
// calls an instantiated generic func (after passTypeArgs: every generic
// call) as short variable declarations, which yaegi v0.16.1 runs right
// (see LocalVar): var x = v becomes x := v, var x T = v becomes
// x := T(v). A declaration of several specs, or of a typed tuple (var a,
// b T = f()), stays as it is.
func passLocalVars(_ Env, f *ast.File) error {
	mapStmts(f, func(s ast.Stmt) ast.Stmt {
		ds, ok := s.(*ast.DeclStmt)
		if !ok {
			return s
		}
		g, ok := ds.Decl.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR || len(g.Specs) != 1 || !callsGeneric(g) {
			return s
		}
		vs := g.Specs[0].(*ast.ValueSpec)
		if len(vs.Values) != len(vs.Names) {
			if vs.Type == nil && len(vs.Values) == 1 {
				return LocalVar(vs)[0] // a, b := f()
			}
			return s
		}
		lhs := make([]ast.Expr, len(vs.Names))
		rhs := make([]ast.Expr, len(vs.Values))
		for i, n := range vs.Names {
			lhs[i] = n
			rhs[i] = vs.Values[i]
			if vs.Type != nil {
				rhs[i] = &ast.CallExpr{Fun: &ast.ParenExpr{X: vs.Type}, Args: []ast.Expr{vs.Values[i]}}
			}
		}
		return &ast.AssignStmt{Lhs: lhs, TokPos: vs.Names[0].End(), Tok: token.DEFINE, Rhs: rhs}
	})
	return nil
}

// callsGeneric reports whether n calls an explicitly instantiated func.
func callsGeneric(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if call, ok := x.(*ast.CallExpr); ok {
			switch call.Fun.(type) {
			case *ast.IndexExpr, *ast.IndexListExpr:
				found = true
			}
		}
		return !found
	})
	return found
}

// RewriteTyped runs the typed passes alone (typeargs, newexpr, shifts,
// methodexprs, fmtargs) over f and
// reports whether they changed it: for source the session runs from text
// (a trailing expression), whose checked nodes the pipeline never sees.
func RewriteTyped(env Env, f *ast.File) (changed bool, err error) {
	if !featuresOf(env, f).has(instanceCall | newCall | shift | methodExpr | pkgCall) {
		return false, nil // nothing any of them rewrites (see Rewrite)
	}
	before := countNodes(f)
	for _, p := range []func(Env, *ast.File) error{passTypeArgs, passNewExpr, passShifts, passMethodExprs, passFmtArgsInline} {
		if err := p(env, f); err != nil {
			return false, err
		}
	}
	return countNodes(f) != before, nil
}

func countNodes(f *ast.File) int {
	n := 0
	ast.Inspect(f, func(ast.Node) bool { n++; return true })
	return n
}

// typedYield returns the parameters (named _) of the yield func of a
// range-over-func operand x, from the type check, if it knows x's type
// and can write the parameters' types in f.
func typedYield(env Env, f *ast.File, x ast.Expr) (*ast.FieldList, bool) {
	te, info := typed(env)
	if info == nil {
		return nil, false
	}
	sig, ok := info.TypeOf(x).(*types.Signature)
	if !ok {
		if t := info.TypeOf(x); t != nil {
			sig, ok = t.Underlying().(*types.Signature)
		}
	}
	if !ok || sig.Params().Len() != 1 {
		return nil, false
	}
	yield, ok := sig.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok {
		return nil, false
	}
	params := &ast.FieldList{}
	for i := range yield.Params().Len() {
		t, ok := typeExpr(te, f, yield.Params().At(i).Type())
		if !ok {
			return nil, false
		}
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent("_")}, Type: t})
	}
	return params, true
}

// typedKind classifies a range operand from the type check: "int" for an
// integer, "func" for a func, "" otherwise or when unknown.
func typedKind(env Env, x ast.Expr) string {
	_, info := typed(env)
	if info == nil {
		return ""
	}
	t := info.TypeOf(x)
	if t == nil {
		return ""
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if u.Info()&types.IsInteger != 0 {
			return "int"
		}
	case *types.Signature:
		return "func"
	}
	return ""
}

// typed returns env's type facts, if it has them.
func typed(env Env) (TypedEnv, *types.Info) {
	te, ok := env.(TypedEnv)
	if !ok {
		return nil, nil
	}
	return te, te.TypeInfo()
}

// typeExpr writes t as an expression of file f: types of package main by
// their name, others qualified by the name f (or the session) imports
// their package under.
func typeExpr(env TypedEnv, f *ast.File, t types.Type) (ast.Expr, bool) {
	s, ok := typeString(env, f, t)
	if !ok {
		return nil, false
	}
	e, err := parser.ParseExpr(s)
	if err != nil {
		return nil, false
	}
	clearPos(e)
	return e, true
}

// typeString is typeExpr's source text.
func typeString(env TypedEnv, f *ast.File, t types.Type) (string, bool) {
	ok := true
	s := types.TypeString(t, func(p *types.Package) string {
		if p.Path() == "main" {
			return ""
		}
		name := fileImportName(f, p.Path())
		if name == "" {
			name = env.ImportName(p.Path())
		}
		if name == "" || name == "_" || name == "." {
			ok = false
		}
		return name
	})
	return s, ok
}

// fileImportName is the name f imports path under, or "".
func fileImportName(f *ast.File, path string) string {
	for _, is := range f.Imports {
		if is.Path.Value != strconv.Quote(path) {
			continue
		}
		if is.Name != nil {
			return is.Name.Name
		}
		return path[strings.LastIndex(path, "/")+1:]
	}
	return ""
}

// clearPos drops the positions of a parsed expression (they are offsets
// into its own text); FixPos gives its identifiers the file's.
func clearPos(e ast.Expr) {
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.Ident:
			x.NamePos = token.NoPos
		case *ast.BasicLit:
			x.ValuePos = token.NoPos
		case *ast.StarExpr:
			x.Star = token.NoPos
		case *ast.ArrayType:
			x.Lbrack = token.NoPos
		case *ast.MapType:
			x.Map = token.NoPos
		case *ast.ChanType:
			x.Begin, x.Arrow = token.NoPos, token.NoPos
		case *ast.FuncType:
			x.Func = token.NoPos
		case *ast.StructType:
			x.Struct = token.NoPos
		case *ast.InterfaceType:
			x.Interface = token.NoPos
		case *ast.SelectorExpr:
		case *ast.IndexExpr:
			x.Lbrack, x.Rbrack = token.NoPos, token.NoPos
		case *ast.IndexListExpr:
			x.Lbrack, x.Rbrack = token.NoPos, token.NoPos
		case *ast.FieldList:
			x.Opening, x.Closing = token.NoPos, token.NoPos
		case *ast.Ellipsis:
			x.Ellipsis = token.NoPos
		}
		return true
	})
}

// ChanTypes returns the type of the channel expression ch as the check
// saw it, and its element type, both written as type expressions of f;
// ok is false when the check did not see ch or a type cannot be written
// in f. For passes of other packages (the scheduler's blocking pass).
func ChanTypes(env Env, f *ast.File, ch ast.Expr) (chanType, elemType ast.Expr, ok bool) {
	te, info := typed(env)
	if info == nil {
		return nil, nil, false
	}
	t := info.TypeOf(ch)
	if t == nil {
		return nil, nil, false
	}
	c, isChan := t.Underlying().(*types.Chan)
	if !isChan {
		return nil, nil, false
	}
	if chanType, ok = typeExpr(te, f, t); !ok {
		return nil, nil, false
	}
	if elemType, ok = typeExpr(te, f, c.Elem()); !ok {
		return nil, nil, false
	}
	return chanType, elemType, true
}

// MapExprs replaces every expression e under root, top-down, by fn(e);
// the replacement's parts are visited next.
func MapExprs(root ast.Node, fn func(ast.Expr) ast.Expr) { rewriteExprs(root, fn) }

// modulePackage reports whether path is a module's package, not the
// standard library's: its first element has a dot.
func modulePackage(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".")
}
