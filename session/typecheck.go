package session

import (
	"go/ast"
	"go/printer"
	"go/scanner"
	"go/types"
	"path"
	"reflect"
	"strings"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/cellast"
	"github.com/gilgo/gilgo/session/typecheck"
)

// maxTypeErrors is how many type errors a cell reports, as gc does.
const maxTypeErrors = 10

// typeCheck checks the cell's parsed units (files; nil for the trailing
// expression) against the session's declarations. Type errors are the
// cell's CompileError, worded as gc words them; a cell the checker cannot
// check (an import it cannot resolve) runs unchecked.
func (c *cell) typeCheck(units []unit, files []*ast.File) error {
	s := c.s
	if s.checker == nil || c.generated {
		return nil
	}
	in := typecheck.Cell{Fset: s.it.FileSet(), Imports: s.st.importSr, Defines: c.defines, Decls: &s.st.decls.checked,
		Prelude: []string{strings.TrimPrefix(prelude, "package main\n"), s.sched.Prelude}}
	for i, u := range units {
		switch {
		case u.last:
			it := u.items[0]
			if in.TrailingFile = c.trailing; in.TrailingFile == nil {
				in.Trailing = c.directive(it.Line, it.Col) + it.Text
			}
		case files[i] != nil:
			in.Files = append(in.Files, files[i])
		}
	}
	res, err := s.checker.Check(in)
	if typecheck.IsSkip(err) {
		s.log.Debug("type check skipped", "cell", c.n, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	for _, f := range res.Added {
		s.files.keep(f)
	}
	var list scanner.ErrorList
	for _, te := range res.Errors {
		if len(list) == maxTypeErrors {
			list.Add(s.it.FileSet().Position(te.Pos), "too many errors")
			break
		}
		list.Add(s.it.FileSet().Position(te.Pos), te.Msg)
	}
	if len(list) > 0 {
		return &compileError{err: list}
	}
	c.types = res.Info
	if res.Trailing != nil {
		c.arityFromTypes(res.Info, res.Trailing)
		return c.retypeTrailing(units, res.Trailing)
	}
	return nil
}

// arityFromTypes sets c.arityN and c.printLike from the checked type of a
// single trailing expression, which evalExpr then trusts instead of
// asking the interpreter.
func (c *cell) arityFromTypes(info *types.Info, f *ast.File) {
	call := typecheck.TrailingCall(f)
	if len(call.Args) != 1 {
		return
	}
	tv, ok := info.Types[call.Args[0]]
	if !ok {
		return
	}
	n := 1
	switch t := tv.Type.(type) {
	case *types.Tuple:
		n = t.Len()
	default:
		if tv.IsVoid() {
			n = 0
		}
	}
	printLike := false
	if tup, ok := tv.Type.(*types.Tuple); ok && n == 2 {
		if inner, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr); ok {
			name := cellast.ExprString(inner.Fun)
			name = name[strings.LastIndex(name, ".")+1:]
			printLike = types.Identical(tup.At(0).Type(), types.Typ[types.Int]) &&
				types.Identical(tup.At(1).Type(), types.Universe.Lookup("error").Type()) &&
				(strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fprint") || strings.HasPrefix(name, "Write"))
		}
	}
	c.arityN, c.printLike, c.arityKnown = n, printLike, true
	c.reading = n == 1 && readingTrailing(info, call.Args[0])
}

// retypeTrailing applies the typed passes to the checked trailing
// expression and, if they changed it, makes the trailing unit's text the
// rewritten one: evalExpr runs it from text.
func (c *cell) retypeTrailing(units []unit, f *ast.File) error {
	changed, err := cellast.RewriteTyped(c, f)
	if err != nil || !changed {
		return err
	}
	c.trailing = nil // the text changes: the expression is made from it again
	c.reading = false
	call := typecheck.TrailingCall(f)
	var b strings.Builder
	for i, a := range call.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := printer.Fprint(&b, c.s.it.FileSet(), a); err != nil {
			return nil // keep the text as written
		}
	}
	u := &units[len(units)-1]
	u.items[0].Text = b.String()
	return nil
}

// interpreterGap is the note under an error of the interpreter about a
// cell that type-checks: valid Go that yaegi cannot run.
const interpreterGap = "note: the cell is valid Go, which the interpreter (yaegi) cannot run here; " +
	"the Go compiler runs a whole program (package main with func main) or the declarations of a %%compile cell"

// noteInterpreterGap adds interpreterGap to e when the cell passed the
// type check and e is the interpreter's compile error or failure.
func (c *cell) noteInterpreterGap(e *engine.Error) {
	if c.types == nil || c.tier == "compiled" {
		return
	}
	if e.Name == engine.ErrCompile || e.Name == engine.ErrInterpreter {
		e.Traceback = append(e.Traceback, interpreterGap)
	}
}

// symbolsOf is the symbol table of import path p that cells see, other
// than the standard library's: a cell package, a compiled cell's package;
// nil if there is none.
func (s *Session) symbolsOf(p string) map[string]reflect.Value {
	key := p + "/" + path.Base(p)
	var syms map[string]reflect.Value
	add := func(m map[string]reflect.Value) {
		if m == nil {
			return
		}
		if syms == nil {
			syms = map[string]reflect.Value{}
		}
		for k, v := range m {
			syms[k] = v
		}
	}
	for _, pkg := range s.pkgs {
		if pkg.Path == p {
			add(pkg.Symbols)
		}
		add(pkg.Helpers[key])
	}
	for _, ex := range s.sched.Exports {
		if m, ok := ex[key]; ok {
			add(m)
		}
	}
	add(s.overrides()[key])
	for _, ex := range s.used {
		if m, ok := ex[key]; ok {
			add(m)
		}
	}
	return syms
}
