package compiled

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// rtPath is the import path of the package generated code calls.
const rtPath = "github.com/gilgo/gilgo/compiled/rt"

// Generated names: the rt import and the prefixes of the exported aliases
// the loader looks up (plugins only export exported names).
const (
	rtName    = "__rt"
	funcPfx   = "X__" // var X__f = f          (a func value)
	varPfx    = "V__" // var V__v = &v         (a pointer to the var)
	typePfx   = "T__" // var T__T *T           (a nil *T, for its type)
	genFile   = "gilgo_generated.go"
	cellDirPf = "c"
)

// decls is what a cell declares, in source order.
type decls struct {
	funcs   []*ast.FuncDecl // top-level funcs without receiver or type params
	vars    []string
	types   []string
	imports map[string]string // local name -> import path, for signatures
	skipped []string          // names not bound, with the reason
	// consts are the cell's const declarations as written, for the
	// bindings; constUses the import names they use.
	consts    []string
	constUses []string
}

// generated is the plugin source of one cell and what it binds.
type generated struct {
	src     string
	decls   decls
	file    *ast.File
	fset    *token.FileSet
	program bool // main is bound (CompileProgram)
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// generate turns the declarations of cell into the plugin's main.go:
// check points after the opening brace of every function and loop body,
// time.Sleep → rt.Sleep, go statements → rt.Go, and the exported aliases
// the loader looks up. Line directives keep every position of the user's
// code at cell[N]:LINE:COL.
//
// shim, if not nil, maps the import path of a cell package ("gil") to the
// import path of its shim (see cellpkg.go); other imports stay as written.
// genOptions are generate's choices.
type genOptions struct {
	noCheckpoints bool
	// program binds func main too (a whole program's cell runs it).
	program bool
	// shim returns the import path of the shim of a cell package, if the
	// path is one (nil: none is).
	shim func(path string) (string, bool, error)
}

func generate(src string, cell int, opt genOptions) (*generated, error) {
	noCheckpoints, shim := opt.noCheckpoints, opt.shim
	name := fmt.Sprintf("cell[%d]", cell)
	src, err := dropPackageClause(dropBuildConstraints(src))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, "package main;"+src, parser.ParseComments)
	if err != nil {
		return nil, &BuildError{Cell: cell, Lines: parseErrorLines(err, cell)}
	}
	const off = len("package main;") // file offset of src[0]
	tf := fset.File(f.Pos())
	pos := func(p token.Pos) (offset int) { return tf.Offset(p) - off }
	at := func(o int) string { // a line directive for the position of src[o]
		p := tf.Position(tf.Pos(o + off))
		col := p.Column
		if p.Line == 1 {
			col -= off
		}
		return fmt.Sprintf("/*line %s:%d:%d*/", name, p.Line, col)
	}

	g := &generated{file: f, fset: fset, program: opt.program}
	d := &g.decls
	d.imports = map[string]string{}
	var edits []edit
	timeName, fmtName, osName, syncName := "", "", "", ""
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		local := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			local = im.Name.Name
		}
		d.imports[local] = p // the bindings import the cell's own path
		if shim != nil {
			to, ok, err := shim(p)
			if err != nil {
				return nil, err
			}
			if ok {
				text := strconv.Quote(to)
				if im.Name == nil {
					text = local + " " + text
				}
				s, e := pos(im.Path.Pos()), pos(im.Path.End())
				edits = append(edits, edit{s, e, text + at(e)})
			}
		}
		if local != "_" && local != "." {
			switch p {
			case "time":
				timeName = local
			case "fmt":
				fmtName = local
			case "os":
				osName = local
			case "sync":
				syncName = local
			}
		}
	}
	locals := map[string]bool{} // top-level names (they shadow imports)
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if decl.Recv != nil {
				continue
			}
			n := decl.Name.Name
			switch {
			case n == "_" || n == "init" || n == "main" && !opt.program:
			case decl.Type.TypeParams != nil:
				d.skipped = append(d.skipped, n+" (generic: callable only inside the cell)")
			default:
				d.funcs = append(d.funcs, decl)
			}
			locals[n] = true
		case *ast.GenDecl:
			if decl.Tok == token.CONST {
				d.consts = append(d.consts, src[pos(decl.Pos()):pos(decl.End())])
				ast.Inspect(decl, func(n ast.Node) bool {
					if sel, ok := n.(*ast.SelectorExpr); ok {
						if x, ok := sel.X.(*ast.Ident); ok && d.imports[x.Name] != "" {
							d.constUses = append(d.constUses, x.Name)
						}
					}
					return true
				})
			}
			for _, s := range decl.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					for _, id := range s.Names {
						locals[id.Name] = true
						if decl.Tok == token.VAR && id.Name != "_" {
							d.vars = append(d.vars, id.Name)
						}
					}
				case *ast.TypeSpec:
					locals[s.Name.Name] = true
					switch {
					case s.TypeParams != nil:
						d.skipped = append(d.skipped, s.Name.Name+" (generic type)")
					case s.Name.Name == "_":
					case isConstraint(s.Type):
						d.skipped = append(d.skipped, s.Name.Name+" (type constraint)")
					default:
						d.types = append(d.types, s.Name.Name)
					}
				}
			}
		default:
			return nil, fmt.Errorf("%s: unexpected declaration %T", name, decl)
		}
	}
	for _, n := range []*string{&timeName, &fmtName, &osName, &syncName} {
		if locals[*n] {
			*n = ""
		}
	}
	// pkgSel reports whether x is pkg.name for the import named pkg (not
	// shadowed by a local: Obj is set for idents the file declares).
	pkgSel := func(x ast.Expr, pkg string, names ...string) (*ast.SelectorExpr, bool) {
		sel, ok := x.(*ast.SelectorExpr)
		if !ok || pkg == "" {
			return nil, false
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || id.Name != pkg || id.Obj != nil {
			return nil, false
		}
		for _, n := range names {
			if sel.Sel.Name == n {
				return sel, true
			}
		}
		return nil, false
	}

	body := func(b *ast.BlockStmt) {
		if b == nil || noCheckpoints {
			return
		}
		o := pos(b.Lbrace) + 1
		edits = append(edits, edit{o, o, rtName + ".C();" + at(o)})
	}
	// Channel operations outside select statements wait with the lock
	// released: <-ch → rt.Recv(ch), v, ok := <-ch → rt.RecvOK(ch),
	// ch <- v → rt.Send(ch, v).
	inSelect := map[ast.Node]bool{} // the operations of select cases stay
	okRecv := map[ast.Node]bool{}   // receives with a second (ok) result
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CommClause:
			switch c := n.Comm.(type) {
			case *ast.SendStmt:
				inSelect[c] = true
			case *ast.ExprStmt:
				inSelect[ast.Unparen(c.X)] = true
			case *ast.AssignStmt:
				inSelect[ast.Unparen(c.Rhs[0])] = true
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
				okRecv[ast.Unparen(n.Rhs[0])] = true
			}
		case *ast.ValueSpec:
			if len(n.Names) == 2 && len(n.Values) == 1 {
				okRecv[ast.Unparen(n.Values[0])] = true
			}
		}
		return true
	})
	labeled := map[ast.Stmt]bool{} // a labeled select keeps its place
	ast.Inspect(f, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			labeled[l.Stmt] = true
		}
		return true
	})
	exits := false // the cell calls os.Exit
	goCount, selCount := 0, 0
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			body(n.Body)
		case *ast.FuncLit:
			body(n.Body)
		case *ast.ForStmt:
			body(n.Body)
		case *ast.RangeStmt:
			body(n.Body)
			// range over a channel the cell declares as one receives with
			// the lock released (rt.Chan); other operands stay.
			if id, ok := n.X.(*ast.Ident); ok && !noCheckpoints && n.Value == nil && declaredChan(id) {
				x, e := pos(id.Pos()), pos(id.End())
				edits = append(edits, edit{x, x, rtName + ".Chan(" + at(x)}, edit{e, e, ")" + at(e)})
			}
		case *ast.ExprStmt:
			// A sync wait on a variable the cell declares with a sync
			// type waits with the lock released.
			if noCheckpoints {
				break
			}
			call, ok := n.X.(*ast.CallExpr)
			if !ok || len(call.Args) != 0 {
				break
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				break
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				break
			}
			var text string
			switch t, m := declaredSync(id, syncName), sel.Sel.Name; {
			case t == "WaitGroup" && m == "Wait", t == "Cond" && m == "Wait":
				text = rtName + ".Block(" + id.Name + "." + m + ")"
			case t == "Mutex" && m == "Lock", t == "RWMutex" && m == "Lock":
				text = rtName + ".Acquire(" + id.Name + ".TryLock, " + id.Name + ".Lock)"
			case t == "RWMutex" && m == "RLock":
				text = rtName + ".Acquire(" + id.Name + ".TryRLock, " + id.Name + ".RLock)"
			}
			if text != "" {
				s, e := pos(call.Pos()), pos(call.End())
				edits = append(edits, edit{s, e, text + at(e)})
			}
		case *ast.SelectStmt:
			if !noCheckpoints && !labeled[n] {
				selCount++
				edits = append(edits, selectEdits(n, src, pos, at, selCount)...)
			}
		case *ast.SelectorExpr:
			if _, ok := pkgSel(n, timeName, "Sleep"); ok {
				s, e := pos(n.Pos()), pos(n.End())
				edits = append(edits, edit{s, e, rtName + ".Sleep" + at(e)})
			}
		case *ast.CallExpr:
			// Output goes to the cell: fmt.Print* → rt.Print*, and
			// os.Stdout or os.Stderr as an argument → rt.Stdout().
			if sel, ok := pkgSel(n.Fun, fmtName, "Print", "Println", "Printf"); ok {
				s, e := pos(sel.Pos()), pos(sel.End())
				edits = append(edits, edit{s, e, rtName + "." + sel.Sel.Name + at(e)})
			}
			// print and println write to the cell's stderr too, in order
			// with the rest of its output.
			if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "print" || id.Name == "println") && !locals[id.Name] {
				s, e := pos(id.Pos()), pos(id.End())
				fn := map[string]string{"print": ".BuiltinPrint", "println": ".BuiltinPrintln"}[id.Name]
				edits = append(edits, edit{s, e, rtName + fn + at(e)})
			}
			// recover() names the program's package as Go does (main.T.F),
			// not the plugin's path.
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && len(n.Args) == 0 && !locals[id.Name] {
				s, e := pos(n.Pos()), pos(n.End())
				edits = append(edits, edit{s, e, rtName + ".Recovered(recover())" + at(e)})
			}
			if sel, ok := pkgSel(n.Fun, osName, "Exit"); ok { // panics, as in interpreted cells
				exits = true
				s, e := pos(sel.Pos()), pos(sel.End())
				edits = append(edits, edit{s, e, rtName + ".Exit" + at(e)})
			}
			for _, a := range n.Args {
				if sel, ok := pkgSel(a, osName, "Stdout", "Stderr"); ok {
					s, e := pos(sel.Pos()), pos(sel.End())
					edits = append(edits, edit{s, e, rtName + "." + sel.Sel.Name + "()" + at(e)})
				}
			}
		case *ast.GoStmt:
			edits = append(edits, goEdits(n, src, pos, at, name, &goCount)...)
		case *ast.UnaryExpr:
			if n.Op != token.ARROW || inSelect[n] || noCheckpoints {
				break
			}
			fn := ".Recv("
			if okRecv[n] {
				fn = ".RecvOK("
			}
			x, e := pos(n.X.Pos()), pos(n.End())
			edits = append(edits, edit{pos(n.OpPos), x, rtName + fn + at(x)}, edit{e, e, ")" + at(e)})
		case *ast.SendStmt:
			if inSelect[n] || noCheckpoints {
				break
			}
			// rt.SendTo(ch)(v): the element type comes from the channel
			// alone, so that v need only be assignable to it (B{} on a
			// chan I, an untyped constant on a chan int32), as in ch <- v.
			c, v, e := pos(n.Chan.Pos()), pos(n.Value.Pos()), pos(n.End())
			edits = append(edits,
				edit{c, c, rtName + ".SendTo(" + at(c)},
				edit{pos(n.Chan.End()), v, ")(" + at(v)},
				edit{e, e, ")" + at(e)})
		}
		return true
	})
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })

	var b strings.Builder
	b.WriteString("package main\n\nimport " + rtName + " " + strconv.Quote(rtPath) + "\n\n")
	fmt.Fprintf(&b, "//line %s:1:1\n", name)
	last := 0
	for _, e := range edits {
		if e.start < last { // overlapping (e.g. a go statement's call): keep the first
			continue
		}
		b.WriteString(src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.WriteString(src[last:])
	b.WriteString("\n\n//line " + genFile + ":1\n")
	b.WriteString("var _ = " + rtName + ".C\n")
	if timeName != "" {
		b.WriteString("var _ = " + timeName + ".Sleep\n")
	}
	if fmtName != "" {
		b.WriteString("var _ = " + fmtName + ".Sprint\n")
	}
	if osName != "" {
		b.WriteString("var _ = " + osName + ".Stdout\n")
	}
	for _, fd := range d.funcs {
		if opt.program && exits && fd.Name.Name == "main" {
			// os.Exit ends the program where it is called, its deferred
			// calls not run: main runs under rt.RunMain.
			fmt.Fprintf(&b, "var %smain = func() { %s.RunMain(main) }\n", funcPfx, rtName)
			continue
		}
		fmt.Fprintf(&b, "var %s%s = %s\n", funcPfx, fd.Name.Name, fd.Name.Name)
	}
	for _, v := range d.vars {
		fmt.Fprintf(&b, "var %s%s = &%s\n", varPfx, v, v)
	}
	for _, t := range d.types {
		fmt.Fprintf(&b, "var %s%s *%s\n", typePfx, t, t)
	}
	g.src = b.String()
	return g, nil
}

// dropBuildConstraints blanks the //go:build and // +build lines of src
// (keeping its line numbers): in the plugin's source they would follow
// the generated header, where the compiler calls them misplaced. The cell
// runs on the worker's platform either way.
func dropBuildConstraints(src string) string {
	if !strings.Contains(src, "//go:build") && !strings.Contains(src, "// +build") {
		return src
	}
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "//go:build") || strings.HasPrefix(t, "// +build") {
			lines[i] = "//"
		}
	}
	return strings.Join(lines, "\n")
}

// isConstraint reports whether t is an interface with type elements
// (~int | float64), usable only as a type constraint.
func isConstraint(t ast.Expr) bool {
	it, ok := t.(*ast.InterfaceType)
	if !ok || it.Methods == nil {
		return false
	}
	for _, f := range it.Methods.List {
		if len(f.Names) == 0 {
			switch x := f.Type.(type) {
			case *ast.BinaryExpr, *ast.UnaryExpr: // A | B, ~T
				return true
			case *ast.Ident:
				if x.Name == "comparable" {
					return true
				}
			case *ast.SelectorExpr:
				// an embedded interface or a single type: a type
				// element unless it names an interface (not known here)
			default:
				return true
			}
		}
	}
	return false
}

// goEdits rewrites `go f(a, b)` into
// `{ __gN_f, __gN_0, __gN_1 := f, a, b; __rt.Go("cell[N] go", func() { __gN_f(__gN_0, __gN_1) }) }`,
// evaluating the function value and arguments where the go statement is,
// as Go does. `go func(){...}()` and calls of builtins keep their call
// inside the closure. Only the text between the operands is replaced, so
// edits inside them (check points of a func literal) still apply.
func goEdits(g *ast.GoStmt, src string, pos func(token.Pos) int, at func(int) string, name string, n *int) []edit {
	*n++
	p := fmt.Sprintf("__g%d_", *n)
	call := g.Call
	tag := strconv.Quote(name + " go")
	s, e := pos(g.Pos()), pos(g.End())
	_, lit := call.Fun.(*ast.FuncLit)
	if id, ok := call.Fun.(*ast.Ident); (ok && builtins[id.Name]) || (lit && len(call.Args) == 0) {
		c := pos(call.Pos())
		return []edit{
			{s, c, rtName + ".Go(" + tag + ", func() {" + at(c)},
			{e, e, "})" + at(e)},
		}
	}
	// A constant argument stays in the call, where it takes the
	// parameter's type (go f(1) with f(int32)); a variable would be int.
	lhs := []string{p + "f"}
	args := make([]string, len(call.Args))
	for i, a := range call.Args {
		if isConstLit(a) {
			args[i] = src[pos(a.Pos()):pos(a.End())]
			continue
		}
		args[i] = fmt.Sprintf("%s%d", p, i)
		lhs = append(lhs, args[i])
	}
	dots := ""
	if call.Ellipsis.IsValid() {
		dots = "..."
	}
	tail := "; " + rtName + ".Go(" + tag + ", func() { " + p + "f(" + strings.Join(args, ", ") + dots + ") }) }" + at(e)
	f := pos(call.Fun.Pos())
	edits := []edit{{s, f, "{ " + strings.Join(lhs, ", ") + " := " + at(f)}}
	prev := pos(call.Fun.End())
	for _, a := range call.Args {
		if isConstLit(a) {
			continue // the edit before the next kept argument drops its text
		}
		ap := pos(a.Pos())
		edits = append(edits, edit{prev, ap, ", " + at(ap)})
		prev = pos(a.End())
	}
	return append(edits, edit{prev, e, tail})
}

// isConstLit reports whether e is a literal constant (1, -2.5, "s", 'c',
// true, nil), which a go statement needs not evaluate early.
func isConstLit(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return x.Name == "nil" || x.Name == "true" || x.Name == "false"
	case *ast.UnaryExpr:
		return (x.Op == token.SUB || x.Op == token.ADD) && isConstLit(x.X)
	}
	return false
}

// selectEdits makes a select statement without a default case wait with
// the lock released:
//
//	{ __sN_c0 := ch0; __sN_c1 := f(); __sN := __rt.SelectBegin(); select {
//	case v := <-__sN_c0: __rt.SelectEnd(__sN); ...
//	case __sN_c1 <- x: __rt.SelectEnd(__sN); ...
//	case <-__sN.Interrupted(): __rt.SelectEnd(__sN)
//	} }
//
// The cases' channels, and send values that are calls, are evaluated
// first, in source order and with the lock held, as Go evaluates them on
// entering the select; other send values (names, constants, which may be
// untyped) stay in place.
func selectEdits(n *ast.SelectStmt, src string, pos func(token.Pos) int, at func(int) string, k int) []edit {
	for _, c := range n.Body.List {
		if c.(*ast.CommClause).Comm == nil {
			return nil // a default case: select does not wait
		}
	}
	s := fmt.Sprintf("__s%d", k)
	var pre strings.Builder
	var edits []edit
	tmp := 0
	hoist := func(x ast.Expr) {
		name := fmt.Sprintf("%s_%d", s, tmp)
		tmp++
		xs, xe := pos(x.Pos()), pos(x.End())
		fmt.Fprintf(&pre, "%s := %s%s; ", name, at(xs), src[xs:xe])
		edits = append(edits, edit{xs, xe, name + at(xe)})
	}
	for _, c := range n.Body.List {
		cc := c.(*ast.CommClause)
		switch comm := cc.Comm.(type) {
		case *ast.SendStmt:
			hoist(comm.Chan)
			if _, call := ast.Unparen(comm.Value).(*ast.CallExpr); call {
				hoist(comm.Value)
			}
		case *ast.ExprStmt:
			if u, ok := ast.Unparen(comm.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				hoist(u.X)
			}
		case *ast.AssignStmt:
			if u, ok := ast.Unparen(comm.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				hoist(u.X)
			}
		}
		b := pos(cc.Colon) + 1
		edits = append(edits, edit{b, b, " " + rtName + ".SelectEnd(" + s + ");" + at(b)})
	}
	start, rb, end := pos(n.Select), pos(n.Body.Rbrace), pos(n.End())
	begin := "{ " + pre.String() + s + " := " + rtName + ".SelectBegin(); " + at(start)
	return append(edits,
		edit{start, start, begin},
		// The interrupt's case ends in a panic, so that a select whose
		// cases all return stays a terminating statement.
		edit{rb, rb, "case <-" + s + ".Interrupted(): " + rtName + ".SelectEnd(" + s + "); panic(" + rtName + ".ErrInterrupted())\n" + at(rb)},
		edit{end, end, " }" + at(end)})
}

// varDecl returns how the cell declares the variable id: its type when
// written (a parameter, or var x T), else its initial value (var x = v,
// x := v); both nil when unknown.
func varDecl(id *ast.Ident) (typ, value ast.Expr) {
	if id.Obj == nil || id.Obj.Kind != ast.Var {
		return nil, nil
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		return d.Type, nil
	case *ast.ValueSpec:
		if d.Type != nil {
			return d.Type, nil
		}
		for i, n := range d.Names {
			if n.Name == id.Name && len(d.Values) == len(d.Names) {
				return nil, d.Values[i]
			}
		}
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if l, ok := l.(*ast.Ident); ok && l.Name == id.Name && len(d.Rhs) == len(d.Lhs) {
				return nil, d.Rhs[i]
			}
		}
	}
	return nil, nil
}

// declaredChan reports whether the cell declares id as a channel: a
// parameter or var of a channel type, or a var made with make(chan ...).
func declaredChan(id *ast.Ident) bool {
	isChan := func(t ast.Expr) bool {
		_, ok := ast.Unparen(t).(*ast.ChanType)
		return ok
	}
	isMake := func(x ast.Expr) bool {
		call, ok := ast.Unparen(x).(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return false
		}
		fn, ok := call.Fun.(*ast.Ident)
		return ok && fn.Name == "make" && fn.Obj == nil && isChan(call.Args[0])
	}
	typ, value := varDecl(id)
	if typ != nil {
		return isChan(typ)
	}
	return value != nil && isMake(value)
}

// declaredSync returns the sync type ("WaitGroup", "Mutex", "RWMutex",
// "Cond") the cell declares id with, pointer or not, if any: a parameter
// or var of that type, or a var made with new(sync.T), &sync.T{} or
// sync.T{}. syncName is the cell's name for package sync ("" if none).
func declaredSync(id *ast.Ident, syncName string) string {
	if syncName == "" {
		return ""
	}
	typeName := func(t ast.Expr) string {
		if st, ok := t.(*ast.StarExpr); ok {
			t = st.X
		}
		sel, ok := t.(*ast.SelectorExpr)
		if !ok {
			return ""
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != syncName || x.Obj != nil {
			return ""
		}
		switch sel.Sel.Name {
		case "WaitGroup", "Mutex", "RWMutex", "Cond":
			return sel.Sel.Name
		}
		return ""
	}
	valueType := func(x ast.Expr) string {
		x = ast.Unparen(x)
		if u, ok := x.(*ast.UnaryExpr); ok && u.Op == token.AND {
			x = u.X
		}
		switch x := x.(type) {
		case *ast.CompositeLit:
			return typeName(x.Type)
		case *ast.CallExpr:
			if fn, ok := x.Fun.(*ast.Ident); ok && fn.Name == "new" && fn.Obj == nil && len(x.Args) == 1 {
				return typeName(x.Args[0])
			}
		}
		return ""
	}
	typ, value := varDecl(id)
	if typ != nil {
		return typeName(typ)
	}
	if value != nil {
		return valueType(value)
	}
	return ""
}

var builtins = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true, "new": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true,
}

// dropPackageClause blanks a leading package clause (keeping positions),
// so a pasted file compiles as the plugin's package main.
func dropPackageClause(src string) (string, error) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	s.Init(file, []byte(src), nil, scanner.ScanComments)
	for {
		p, tok, _ := s.Scan()
		if tok == token.COMMENT {
			continue
		}
		if tok != token.PACKAGE {
			return src, nil
		}
		_, tok2, _ := s.Scan()
		if tok2 != token.IDENT {
			return src, nil
		}
		p3, _, lit := s.Scan() // the semicolon (auto-inserted or not)
		end := file.Offset(p3) + len(lit)
		if lit == "\n" {
			end = file.Offset(p3)
		}
		start := file.Offset(p)
		blank := []byte(src)
		for i := start; i < end && i < len(blank); i++ {
			if blank[i] != '\n' {
				blank[i] = ' '
			}
		}
		return string(blank), nil
	}
}

// parseErrorLines renders a parse error as cell[N]:L:C: msg lines. The
// first line's columns are shifted by the "package main;" prefix.
func parseErrorLines(err error, cell int) []string {
	const off = len("package main;")
	list, ok := err.(scanner.ErrorList)
	if !ok {
		return []string{fmt.Sprintf("cell[%d]: %v", cell, err)}
	}
	var out []string
	for _, e := range list {
		col := e.Pos.Column
		if e.Pos.Line == 1 {
			col -= off
		}
		out = append(out, fmt.Sprintf("cell[%d]:%d:%d: %s", cell, e.Pos.Line, col, e.Msg))
	}
	return out
}
