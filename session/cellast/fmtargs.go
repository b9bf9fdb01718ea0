package cellast

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"unicode/utf8"
)

// passFmtArgs makes fmt print a cell's values as Go does. yaegi v0.16.1
// represents a value of a type a cell declares by an unnamed type of the
// same structure, so fmt, given it as an any, knows neither the type's
// name (%T, %#v) nor its methods (String, Error, Format, GoString). For
// each operand of a fmt or log print func whose static type involves such
// a type, the pass passes
//
//	__rt.Show(U(x), &__rt.Type{Syntax: "main.T", String: func(v T) string { return v.String() }, ...})
//
// instead (package session/fmtvalue): U is x's underlying type, which
// yaegi passes as the plain representation. A %T of a constant format
// becomes %s of __rt.TypeName. errors.As with a target of such a type,
// and errors.AsType (missing from yaegi's errors), become func literals
// that look through __rt.ErrorChain.
func passFmtArgs(env Env, f *ast.File) error { return fmtArgsPass(env, f, false) }

// passFmtArgsInline is passFmtArgs for source run from text.
func passFmtArgsInline(env Env, f *ast.File) error { return fmtArgsPass(env, f, true) }

func fmtArgsPass(env Env, f *ast.File, inline bool) error {
	te, info := typed(env)
	if info == nil {
		return nil
	}
	fa := &fmtArgs{env: te, info: info, f: f, fmtName: fileImportName(f, "fmt"), helpers: map[string]string{}, inline: inline}
	if fa.fmtName == "" {
		fa.fmtName = te.ImportName("fmt")
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			fa.call(call)
		}
		return true
	})
	return nil
}

// fmtArgs is one run of passFmtArgs.
type fmtArgs struct {
	env     TypedEnv
	info    *types.Info
	f       *ast.File
	fmtName string       // what f calls fmt, or ""
	types   []types.Type // cellTypes, once asked
	// inline makes dynamic write func literals instead of funcs
	// declared in f (for source run from text, whose decls are lost).
	inline  bool
	helpers map[string]string // dynamic's funcs by result type ("": none)
}

// printFuncs are the print funcs of fmt and log (funcs, and methods of
// *log.Logger) whose variadic operands are formatted.
var printFuncs = map[string]bool{
	"Print": true, "Println": true, "Printf": true, "Sprint": true, "Sprintln": true, "Sprintf": true,
	"Fprint": true, "Fprintln": true, "Fprintf": true, "Errorf": true, "Append": true, "Appendln": true, "Appendf": true,
	"Fatal": true, "Fatalln": true, "Fatalf": true, "Panic": true, "Panicln": true, "Panicf": true,
}

// call rewrites one call in place.
func (fa *fmtArgs) call(call *ast.CallExpr) {
	fn := calledFunc(fa.info, call)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	if fn.Pkg().Path() == "errors" && fn.Name() == "Is" && len(call.Args) == 2 && fa.errorsIs(call) {
		return
	}
	fa.convertToInterfaces(call, fn)
	switch path := fn.Pkg().Path(); {
	case path == "errors" && fn.Name() == "As" && len(call.Args) == 2:
		fa.errorsAs(call)
		return
	case path == "errors" && fn.Name() == "AsType":
		fa.errorsAsType(call)
		return
	case (path == "fmt" || path == "log") && printFuncs[fn.Name()]:
	default:
		return
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || !sig.Variadic() || call.Ellipsis.IsValid() {
		return
	}
	first := sig.Params().Len() - 1 // the first formatted operand
	if first > len(call.Args) {
		return
	}
	var verbs []fmtVerb
	var format *ast.BasicLit
	if strings.HasSuffix(fn.Name(), "f") && first > 0 {
		if tv, ok := fa.info.Types[call.Args[first-1]]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			verbs = parseVerbs(constant.StringVal(tv.Value))
			format = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(constant.StringVal(tv.Value))}
		}
	}
	typeOnly := map[int]bool{} // operands printed by %T alone
	for _, v := range verbs {
		if v.verb == 'T' {
			typeOnly[v.arg] = true
		}
	}
	for _, v := range verbs {
		if v.verb != 'T' {
			delete(typeOnly, v.arg)
		}
	}
	changed := false
	for i := first; i < len(call.Args); i++ {
		arg := call.Args[i]
		t := fa.info.TypeOf(arg)
		if t != nil && types.IsInterface(t) {
			// An error holding a cell's struct reaches fmt as the bare
			// struct. (An any holding a Stringer yaegi boxes itself,
			// and a type switch on it is not to be trusted: yaegi tells
			// two cell types of one structure apart only sometimes.)
			if _, isParam := t.(*types.TypeParam); !isParam && !typeOnly[i-first] && types.Identical(t, errorType) {
				call.Args[i] = fa.dynamic(arg, ast.NewIdent("error"), isError)
			}
			continue
		}
		if t == nil || !fa.involvesCellType(t) {
			continue
		}
		desc, ok := fa.desc(t, map[types.Type]bool{})
		if !ok {
			continue
		}
		plain, ok := fa.plain(arg, t)
		if !ok {
			continue
		}
		name := "Show"
		if typeOnly[i-first] {
			name = "TypeName"
			call.Args[i] = rtCall(name, desc, plain)
		} else {
			call.Args[i] = rtCall(name, plain, desc)
		}
		changed = true
	}
	if changed && format != nil && len(typeOnly) > 0 {
		// The %T verbs whose operand is now a TypeName print it with %s.
		s := []byte(constant.StringVal(fa.info.Types[call.Args[first-1]].Value))
		for _, v := range verbs {
			if v.verb == 'T' && first+v.arg < len(call.Args) && isRTCall(call.Args[first+v.arg], "TypeName") {
				s[v.at] = 's'
			}
		}
		format.Value = strconv.Quote(string(s))
		call.Args[first-1] = format
	}
}

// convertToInterfaces makes the implicit conversion of an operand of a
// cell type to a compiled func's parameter of a non-empty interface type
// happen in a func literal (errors.Is(err, Code(7)) becomes
// errors.Is(err, func(v error) error { return v }(Code(7)))): yaegi
// v0.16.1 passes such an operand as its representation ("Call using int
// as type error"), also when converted in place.
func (fa *fmtArgs) convertToInterfaces(call *ast.CallExpr, fn *types.Func) {
	if fn.Pkg().Path() == "main" || call.Ellipsis.IsValid() {
		return
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok {
		return
	}
	params := sig.Params()
	for i, arg := range call.Args {
		var pt types.Type
		switch {
		case sig.Variadic() && i >= params.Len()-1:
			pt = params.At(params.Len() - 1).Type().(*types.Slice).Elem()
		case i < params.Len():
			pt = params.At(i).Type()
		default:
			return
		}
		iface, ok := pt.Underlying().(*types.Interface)
		if !ok || iface.Empty() {
			continue
		}
		at := fa.info.TypeOf(arg)
		if at != nil && types.IsInterface(at) && types.Identical(pt, errorType) {
			// An error of a cell's struct type reaches compiled code as
			// its bare representation: pass the value Show makes.
			call.Args[i] = fa.dynamic(arg, ast.NewIdent("error"), isError)
			continue
		}
		if at == nil || types.IsInterface(at) || !fa.involvesCellType(at) {
			continue
		}
		te, ok := typeExpr(fa.env, fa.f, pt)
		if !ok {
			continue
		}
		// func(v I) I { return v }(arg): a conversion I(arg) fails the same.
		id := &ast.FuncLit{
			Type: &ast.FuncType{
				Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent("v")}, Type: te}}},
				Results: &ast.FieldList{List: []*ast.Field{{Type: te}}},
			},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{ast.NewIdent("v")}}}},
		}
		call.Args[i] = &ast.CallExpr{Fun: id, Args: []ast.Expr{arg}}
	}
}

var errorType = types.Universe.Lookup("error").Type()

func isError(t types.Type) bool {
	return types.Implements(t, errorType.Underlying().(*types.Interface))
}

// dynamic wraps x, of an interface type, in a func literal that passes
// the value Show makes when x holds a value of a cell type for which
// want is true:
//
//	func(x any) R {
//		switch v := x.(type) {
//		case T:
//			return __rt.Show(U(v), &__rt.Type{...}).(R)
//		...
//		}
//		return x.(R)
//	}(x)
//
// The cases are the types of package main with want (and pointers to
// them); x itself when there are none.
func (fa *fmtArgs) dynamic(x ast.Expr, result ast.Expr, want func(types.Type) bool) ast.Expr {
	key := result.(*ast.Ident).Name
	if name, ok := fa.helpers[key]; ok {
		if name == "" {
			return x
		}
		return &ast.CallExpr{Fun: ast.NewIdent(name), Args: []ast.Expr{x}}
	}
	var clauses []ast.Stmt
	for _, t := range fa.cellTypes() {
		for _, ct := range []types.Type{t, types.NewPointer(t)} {
			if !want(ct) {
				continue
			}
			te, ok := typeExpr(fa.env, fa.f, ct)
			if !ok {
				continue
			}
			desc, ok := fa.desc(ct, map[types.Type]bool{})
			if !ok {
				continue
			}
			plain, ok := fa.plain(ast.NewIdent("v"), ct)
			if !ok {
				continue
			}
			var shown ast.Expr = rtCall("Show", plain, desc)
			if id, ok := result.(*ast.Ident); !ok || id.Name != "any" {
				shown = &ast.TypeAssertExpr{X: shown, Type: result}
			}
			clauses = append(clauses, &ast.CaseClause{List: []ast.Expr{te}, Body: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{shown}}}})
		}
	}
	if len(clauses) == 0 {
		fa.helpers[key] = ""
		return x
	}
	sw := &ast.TypeSwitchStmt{
		Assign: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("v")}, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.TypeAssertExpr{X: ast.NewIdent("x")}}},
		Body:   &ast.BlockStmt{List: clauses},
	}
	// x is an any: yaegi fails to pass an error holding a struct of a
	// cell type as an error parameter ("Call using struct {...} as type
	// error"), but passes it as an any.
	var rest ast.Expr = ast.NewIdent("x")
	if id, ok := result.(*ast.Ident); !ok || id.Name != "any" {
		rest = &ast.TypeAssertExpr{X: rest, Type: result}
	}
	ft := &ast.FuncType{
		Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent("x")}, Type: ast.NewIdent("any")}}},
		Results: &ast.FieldList{List: []*ast.Field{{Type: result}}},
	}
	body := &ast.BlockStmt{List: []ast.Stmt{sw, &ast.ReturnStmt{Results: []ast.Expr{rest}}}}
	if fa.inline {
		return &ast.CallExpr{Fun: &ast.FuncLit{Type: ft, Body: body}, Args: []ast.Expr{x}}
	}
	// One func per file and result type, declared at its end: the
	// switch is long, and compiling it at every call costs.
	name := fa.env.NewName("show")
	fa.helpers[key] = name
	fa.f.Decls = append(fa.f.Decls, &ast.FuncDecl{Name: ast.NewIdent(name), Type: ft, Body: body})
	return &ast.CallExpr{Fun: ast.NewIdent(name), Args: []ast.Expr{x}}
}

// cellTypes are the named types of package main in scope, but generic
// ones and interfaces, in name order.
func (fa *fmtArgs) cellTypes() []types.Type {
	if fa.types != nil {
		return fa.types
	}
	fa.types = []types.Type{}
	var pkg *types.Package
	for _, obj := range fa.info.Defs {
		if obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "main" {
			pkg = obj.Pkg()
			break
		}
	}
	if pkg == nil {
		return fa.types
	}
	for _, name := range pkg.Scope().Names() {
		tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() || strings.HasPrefix(name, "__") {
			continue
		}
		n, ok := tn.Type().(*types.Named)
		if !ok || n.TypeParams().Len() > 0 || types.IsInterface(n) {
			continue
		}
		fa.types = append(fa.types, n)
	}
	return fa.types
}

// plain converts x, of type t, to its representation yaegi passes as
// it is: a named type's value to its underlying type, a pointer to one
// to a pointer to the underlying type.
func (fa *fmtArgs) plain(x ast.Expr, t types.Type) (ast.Expr, bool) {
	var to types.Type
	switch tt := types.Unalias(t).(type) {
	case *types.Named:
		if _, isIface := tt.Underlying().(*types.Interface); isIface {
			return nil, false
		}
		to = tt.Underlying()
	case *types.Pointer:
		if n, ok := types.Unalias(tt.Elem()).(*types.Named); ok {
			to = types.NewPointer(n.Underlying())
		}
	}
	if to == nil {
		return x, true
	}
	te, ok := typeExpr(fa.env, fa.f, to)
	if !ok {
		return nil, false
	}
	return &ast.CallExpr{Fun: &ast.ParenExpr{X: te}, Args: []ast.Expr{x}}, true
}

// involvesCellType reports whether a value of static type t prints
// differently from its representation: t is, or is made of, a type the
// cells declare. An interface (whose dynamic type is unknown here) and a
// type parameter are not.
func (fa *fmtArgs) involvesCellType(t types.Type) bool {
	found := false
	seen := map[types.Type]bool{}
	var walk func(t types.Type, top bool)
	walk = func(t types.Type, top bool) {
		t = types.Unalias(t)
		if found || seen[t] {
			return
		}
		seen[t] = true
		switch tt := t.(type) {
		case *types.Named:
			if _, isIface := tt.Underlying().(*types.Interface); isIface {
				return
			}
			if tt.Obj().Pkg() != nil && tt.Obj().Pkg().Path() == "main" {
				found = true
				return
			}
			// A compiled package's type: its parts are compiled too.
		case *types.Pointer:
			walk(tt.Elem(), false)
		case *types.Slice:
			walk(tt.Elem(), false)
		case *types.Array:
			walk(tt.Elem(), false)
		case *types.Map:
			walk(tt.Key(), false)
			walk(tt.Elem(), false)
		case *types.Struct:
			for i := range tt.NumFields() {
				walk(tt.Field(i).Type(), false)
			}
		}
	}
	walk(t, true)
	return found
}

// desc builds the __rt.Type of t, or nil when t prints as its
// representation; ok is false when a part cannot be written in the file.
func (fa *fmtArgs) desc(t types.Type, busy map[types.Type]bool) (ast.Expr, bool) {
	t = types.Unalias(t)
	if !fa.involvesCellType(t) || busy[t] {
		return ast.NewIdent("nil"), true
	}
	busy[t] = true
	defer delete(busy, t)
	var elts []ast.Expr
	add := func(key string, v ast.Expr) {
		elts = append(elts, &ast.KeyValueExpr{Key: ast.NewIdent(key), Value: v})
	}
	add("Syntax", &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(typeSyntax(t))})
	part := func(key string, pt types.Type) bool {
		d, ok := fa.desc(pt, busy)
		if !ok {
			return false
		}
		if id, isNil := d.(*ast.Ident); !isNil || id.Name != "nil" {
			add(key, d)
		}
		return true
	}
	under := t.Underlying()
	switch u := under.(type) {
	case *types.Pointer:
		if !part("Elem", u.Elem()) {
			return nil, false
		}
	case *types.Slice:
		if !part("Elem", u.Elem()) {
			return nil, false
		}
	case *types.Array:
		if !part("Elem", u.Elem()) {
			return nil, false
		}
	case *types.Map:
		if !part("Key", u.Key()) || !part("Elem", u.Elem()) {
			return nil, false
		}
	case *types.Struct:
		var fields []ast.Expr
		for i := range u.NumFields() {
			fd, ok := fa.desc(u.Field(i).Type(), busy)
			if !ok {
				return nil, false
			}
			fields = append(fields, &ast.CompositeLit{Elts: []ast.Expr{
				&ast.KeyValueExpr{Key: ast.NewIdent("Name"), Value: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(u.Field(i).Name())}},
				&ast.KeyValueExpr{Key: ast.NewIdent("Type"), Value: fd},
			}})
		}
		add("Fields", &ast.CompositeLit{Type: &ast.ArrayType{Elt: rtSel("Field")}, Elts: fields})
	}
	if ok := fa.methods(t, add); !ok {
		return nil, false
	}
	return &ast.UnaryExpr{Op: token.AND, X: &ast.CompositeLit{Type: rtSel("Type"), Elts: elts}}, true
}

// methods adds the funcs of t's fmt methods (String, Error, GoString,
// Format, Unwrap) that a value of t has.
func (fa *fmtArgs) methods(t types.Type, add func(string, ast.Expr)) bool {
	ms := types.NewMethodSet(t)
	if ms.Len() == 0 {
		return true
	}
	var recv ast.Expr
	for _, m := range []struct {
		name, params, results string
	}{
		{"String", "", "string"}, {"Error", "", "string"}, {"GoString", "", "string"},
		{"Format", "fmt.State, rune", ""}, {"Unwrap", "", "error"},
	} {
		sel := ms.Lookup(nil, m.name)
		if sel == nil {
			continue
		}
		sig := sel.Type().(*types.Signature)
		if sigString(sig.Params()) != m.params || sigString(sig.Results()) != m.results {
			continue
		}
		if recv == nil {
			var ok bool
			if recv, ok = typeExpr(fa.env, fa.f, t); !ok {
				return false
			}
		}
		// func(v T, ...) R { return v.M(...) }
		params := []*ast.Field{{Names: []*ast.Ident{ast.NewIdent("v")}, Type: recv}}
		var args []ast.Expr
		if m.name == "Format" {
			if fa.fmtName == "" {
				continue
			}
			params = append(params,
				&ast.Field{Names: []*ast.Ident{ast.NewIdent("s")}, Type: &ast.SelectorExpr{X: ast.NewIdent(fa.fmtName), Sel: ast.NewIdent("State")}},
				&ast.Field{Names: []*ast.Ident{ast.NewIdent("c")}, Type: ast.NewIdent("rune")})
			args = []ast.Expr{ast.NewIdent("s"), ast.NewIdent("c")}
		}
		call := &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent("v"), Sel: ast.NewIdent(m.name)}, Args: args}
		ft := &ast.FuncType{Params: &ast.FieldList{List: params}}
		var body ast.Stmt = &ast.ExprStmt{X: call}
		if m.results != "" {
			ft.Results = &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent(m.results)}}}
			body = &ast.ReturnStmt{Results: []ast.Expr{call}}
		}
		add(m.name, &ast.FuncLit{Type: ft, Body: &ast.BlockStmt{List: []ast.Stmt{body}}})
	}
	return true
}

// sigString writes a tuple's types, qualified by package name.
func sigString(t *types.Tuple) string {
	var parts []string
	for v := range t.Variables() {
		parts = append(parts, types.TypeString(v.Type(), func(p *types.Package) string { return p.Name() }))
	}
	return strings.Join(parts, ", ")
}

// errorsAs rewrites errors.As(err, &target) whose target is of a cell
// type into a search of __rt.ErrorChain(err) with type assertions.
func (fa *fmtArgs) errorsAs(call *ast.CallExpr) {
	pt, ok := types.Unalias(fa.info.TypeOf(call.Args[1])).(*types.Pointer)
	if !ok || !fa.involvesCellType(pt.Elem()) {
		return
	}
	if _, isIface := pt.Elem().Underlying().(*types.Interface); isIface {
		return
	}
	te, ok := typeExpr(fa.env, fa.f, pt.Elem())
	if !ok {
		return
	}
	// func(err error, target *T) bool {
	// 	for _, e := range __rt.ErrorChain(err) {
	// 		if v, ok := e.(T); ok { *target = v; return true }
	// 		if x, ok := e.(interface{ As(any) bool }); ok && x.As(target) { return true }
	// 	}
	// 	return false
	// }(err, &target)
	found := &ast.BlockStmt{List: []ast.Stmt{
		&ast.AssignStmt{Lhs: []ast.Expr{&ast.StarExpr{X: ast.NewIdent("target")}}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent("v")}},
		returns("true"),
	}}
	search := chainSearch{te: te, found: found, method: "As", param: "any", arg: ast.NewIdent("target"), methodFound: returns("true")}
	call.Fun = errorsFunc(&ast.StarExpr{X: te}, search.loop(), returns("false"))
}

// errorsIs rewrites errors.Is(err, target) whose target is of a
// comparable cell type T into a search of __rt.ErrorChain(err), and
// reports whether it did:
//
//	func(err error, target T) bool {
//		for _, e := range __rt.ErrorChain(err) {
//			if v, ok := e.(T); ok && v == target { return true }
//			if x, ok := e.(interface{ Is(error) bool }); ok && x.Is(target) { return true }
//		}
//		return false
//	}(err, target)
func (fa *fmtArgs) errorsIs(call *ast.CallExpr) bool {
	t := fa.info.TypeOf(call.Args[1])
	if t == nil || types.IsInterface(t) || !types.Comparable(t) || !fa.involvesCellType(t) {
		return false
	}
	te, ok := typeExpr(fa.env, fa.f, t)
	if !ok {
		return false
	}
	search := chainSearch{
		te: te, also: &ast.BinaryExpr{X: ast.NewIdent("v"), Op: token.EQL, Y: ast.NewIdent("target")},
		found:  &ast.BlockStmt{List: []ast.Stmt{returns("true")}},
		method: "Is", param: "error", arg: ast.NewIdent("target"), methodFound: returns("true"),
	}
	call.Fun = errorsFunc(te, search.loop(), returns("false"))
	if at := fa.info.TypeOf(call.Args[0]); at != nil && types.IsInterface(at) {
		call.Args[0] = fa.dynamic(call.Args[0], ast.NewIdent("error"), isError)
	}
	return true
}

// errorsAsType rewrites errors.AsType[T](err) (Go 1.26; yaegi's errors
// lacks it) into a search of __rt.ErrorChain(err).
func (fa *fmtArgs) errorsAsType(call *ast.CallExpr) {
	if len(call.Args) != 1 {
		return
	}
	sig, ok := fa.info.TypeOf(call.Fun).(*types.Signature)
	if !ok || sig.Results().Len() != 2 {
		return
	}
	te, ok := typeExpr(fa.env, fa.f, sig.Results().At(0).Type())
	if !ok {
		return
	}
	// func(err error) (T, bool) {
	// 	var target T
	// 	for _, e := range __rt.ErrorChain(err) {
	// 		if v, ok := e.(T); ok { return v, true }
	// 		if x, ok := e.(interface{ As(any) bool }); ok && x.As(&target) { return target, true }
	// 	}
	// 	return target, false
	// }(err)
	search := chainSearch{
		te: te, found: &ast.BlockStmt{List: []ast.Stmt{returns("v", "true")}},
		method: "As", param: "any", arg: &ast.UnaryExpr{Op: token.AND, X: ast.NewIdent("target")},
		methodFound: returns("target", "true"),
	}
	body := []ast.Stmt{varDecl("target", te), search.loop(), returns("target", "false")}
	lit := &ast.FuncLit{
		Type: &ast.FuncType{
			Params:  &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent("err")}, Type: ast.NewIdent("error")}}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: te}, {Type: ast.NewIdent("bool")}}},
		},
		Body: &ast.BlockStmt{List: body},
	}
	call.Fun = lit
}

// chainSearch is the loop over __rt.ErrorChain(err) that errors.As, Is
// and AsType become: an e of type te (for which also holds, when set)
// runs found with v the match; an e whose method (As(any) bool or
// Is(error) bool) returns true for arg runs methodFound.
type chainSearch struct {
	te            ast.Expr
	also          ast.Expr // an extra condition on v, or nil
	found         *ast.BlockStmt
	method, param string
	arg           ast.Expr
	methodFound   ast.Stmt
}

func (c chainSearch) loop() ast.Stmt {
	iface := &ast.InterfaceType{Methods: &ast.FieldList{List: []*ast.Field{{
		Names: []*ast.Ident{ast.NewIdent(c.method)},
		Type: &ast.FuncType{
			Params:  &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent(c.param)}}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("bool")}}},
		},
	}}}}
	var match ast.Expr = ast.NewIdent("ok")
	if c.also != nil {
		match = &ast.BinaryExpr{X: match, Op: token.LAND, Y: c.also}
	}
	return &ast.RangeStmt{
		Key: ast.NewIdent("_"), Value: ast.NewIdent("e"), Tok: token.DEFINE,
		X: rtCall("ErrorChain", ast.NewIdent("err")),
		Body: &ast.BlockStmt{List: []ast.Stmt{
			&ast.IfStmt{
				Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("v"), ast.NewIdent("ok")}, Tok: token.DEFINE,
					Rhs: []ast.Expr{&ast.TypeAssertExpr{X: ast.NewIdent("e"), Type: c.te}}},
				Cond: match,
				Body: c.found,
			},
			&ast.IfStmt{
				Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("x"), ast.NewIdent("ok")}, Tok: token.DEFINE,
					Rhs: []ast.Expr{&ast.TypeAssertExpr{X: ast.NewIdent("e"), Type: iface}}},
				Cond: &ast.BinaryExpr{X: ast.NewIdent("ok"), Op: token.LAND, Y: &ast.CallExpr{
					Fun: &ast.SelectorExpr{X: ast.NewIdent("x"), Sel: ast.NewIdent(c.method)}, Args: []ast.Expr{c.arg}}},
				Body: &ast.BlockStmt{List: []ast.Stmt{c.methodFound}},
			},
		}},
	}
}

// returns is `return names...`.
func returns(names ...string) *ast.ReturnStmt { return &ast.ReturnStmt{Results: idents(names)} }

// errorsFunc is the func literal errors.As and Is become:
// func(err error, target T) bool { body }.
func errorsFunc(target ast.Expr, body ...ast.Stmt) *ast.FuncLit {
	return &ast.FuncLit{
		Type: &ast.FuncType{
			Params: &ast.FieldList{List: []*ast.Field{
				{Names: []*ast.Ident{ast.NewIdent("err")}, Type: ast.NewIdent("error")},
				{Names: []*ast.Ident{ast.NewIdent("target")}, Type: target},
			}},
			Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("bool")}}},
		},
		Body: &ast.BlockStmt{List: body},
	}
}

// calledFunc is the func or method a call calls, if the check knows it.
func calledFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	id := CalleeIdent(call.Fun)
	if id == nil {
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	return fn
}

// CalleeIdent is the name a call's func expression uses: f for f, pkg.f,
// x.m, f[T] and pkg.f[T, U]; nil for others (a func literal, a call).
func CalleeIdent(fun ast.Expr) *ast.Ident {
	switch x := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	case *ast.IndexExpr:
		return CalleeIdent(x.X)
	case *ast.IndexListExpr:
		return CalleeIdent(x.X)
	}
	return nil
}

func rtSel(name string) ast.Expr {
	return &ast.SelectorExpr{X: ast.NewIdent("__rt"), Sel: ast.NewIdent(name)}
}

func rtCall(name string, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{Fun: rtSel(name), Args: args}
}

func isRTCall(e ast.Expr, name string) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "__rt" && sel.Sel.Name == name
}

// fmtVerb is one verb of a format: the operand it formats (0-based) and
// the offset of the verb's letter in the format.
type fmtVerb struct {
	verb rune
	arg  int
	at   int
}

// parseVerbs lists a format's verbs with their operands, as fmt numbers
// them: a * width or precision takes an operand, [n] sets the next one.
func parseVerbs(format string) []fmtVerb {
	var verbs []fmtVerb
	arg := 0
	for i := 0; i < len(format); {
		if format[i] != '%' {
			i++
			continue
		}
		i++
		// flags
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		index := func() {
			if i < len(format) && format[i] == '[' {
				j := strings.IndexByte(format[i:], ']')
				if j < 0 {
					return
				}
				if n, err := strconv.Atoi(format[i+1 : i+j]); err == nil && n > 0 {
					arg = n - 1
				}
				i += j + 1
			}
		}
		num := func() {
			index()
			if i < len(format) && format[i] == '*' {
				arg++
				i++
				return
			}
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
		}
		num() // width
		if i < len(format) && format[i] == '.' {
			i++
			num() // precision
		}
		index()
		if i >= len(format) {
			break
		}
		r, size := utf8.DecodeRuneInString(format[i:])
		if r != '%' {
			verbs = append(verbs, fmtVerb{verb: r, arg: arg, at: i})
			arg++
		}
		i += size
	}
	return verbs
}

// typeSyntax writes t as reflect (and so %T) writes it: package names,
// byte as uint8, struct { X int; Y string }.
func typeSyntax(t types.Type) string {
	var b strings.Builder
	var write func(t types.Type)
	write = func(t types.Type) {
		switch tt := types.Unalias(t).(type) {
		case *types.Basic:
			if tt.Kind() == types.UnsafePointer {
				b.WriteString("unsafe.Pointer")
				return
			}
			b.WriteString(types.Typ[tt.Kind()].Name())
		case *types.Named:
			if tt.Obj().Pkg() != nil {
				b.WriteString(tt.Obj().Pkg().Name() + ".")
			}
			b.WriteString(tt.Obj().Name())
			if args := tt.TypeArgs(); args.Len() > 0 {
				b.WriteString("[")
				for i := range args.Len() {
					if i > 0 {
						b.WriteString(",")
					}
					write(args.At(i))
				}
				b.WriteString("]")
			}
		case *types.Pointer:
			b.WriteString("*")
			write(tt.Elem())
		case *types.Slice:
			b.WriteString("[]")
			write(tt.Elem())
		case *types.Array:
			b.WriteString("[" + strconv.FormatInt(tt.Len(), 10) + "]")
			write(tt.Elem())
		case *types.Map:
			b.WriteString("map[")
			write(tt.Key())
			b.WriteString("]")
			write(tt.Elem())
		case *types.Chan:
			switch tt.Dir() {
			case types.SendOnly:
				b.WriteString("chan<- ")
			case types.RecvOnly:
				b.WriteString("<-chan ")
			default:
				b.WriteString("chan ")
			}
			write(tt.Elem())
		case *types.Struct:
			if tt.NumFields() == 0 {
				b.WriteString("struct {}")
				return
			}
			b.WriteString("struct { ")
			for i := range tt.NumFields() {
				if i > 0 {
					b.WriteString("; ")
				}
				fld := tt.Field(i)
				if !fld.Embedded() {
					b.WriteString(fld.Name() + " ")
				}
				write(fld.Type())
				if tag := tt.Tag(i); tag != "" {
					b.WriteString(" " + strconv.Quote(tag))
				}
			}
			b.WriteString(" }")
		case *types.Signature:
			b.WriteString("func(")
			for i := range tt.Params().Len() {
				if i > 0 {
					b.WriteString(", ")
				}
				if tt.Variadic() && i == tt.Params().Len()-1 {
					b.WriteString("...")
					write(tt.Params().At(i).Type().(*types.Slice).Elem())
					continue
				}
				write(tt.Params().At(i).Type())
			}
			b.WriteString(")")
			switch n := tt.Results().Len(); {
			case n == 1:
				b.WriteString(" ")
				write(tt.Results().At(0).Type())
			case n > 1:
				b.WriteString(" (")
				for i := range n {
					if i > 0 {
						b.WriteString(", ")
					}
					write(tt.Results().At(i).Type())
				}
				b.WriteString(")")
			}
		case *types.Interface:
			if tt.NumMethods() == 0 && tt.NumEmbeddeds() == 0 {
				b.WriteString("interface {}")
				return
			}
			b.WriteString("interface { ")
			for i := range tt.NumMethods() {
				if i > 0 {
					b.WriteString("; ")
				}
				m := tt.Method(i)
				b.WriteString(m.Name())
				b.WriteString(strings.TrimPrefix(typeSyntax(m.Type()), "func"))
			}
			b.WriteString(" }")
		default:
			b.WriteString(t.String())
		}
	}
	write(t)
	return b.String()
}
