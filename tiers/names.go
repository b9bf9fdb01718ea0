package tiers

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// A whole program runs compiled as a plugin whose package path is not
// "main" and whose file is not the program's: Go reports both wherever a
// program reads them. Such programs are not run in a tier that would
// print something else than go run (issue 13: never a silently wrong
// answer).

// selfNames lists the calls that report the running program's function
// names, file names or package paths, by package path.
var selfNames = map[string][]string{
	"runtime":       {"Caller", "Callers", "CallersFrames", "FuncForPC", "Stack"},
	"runtime/debug": {"Stack", "PrintStack"},
}

// readsOwnNames returns the position and name of the first place where
// f reads its functions', files' or packages' names (runtime.Caller,
// debug.Stack, a PkgPath method), or "" if none does. Neither tier can
// answer as go run does: the compiled tier names its plugin
// (gilgo_g…/c0001.main), the interpreted one its cells (cell[1]).
func readsOwnNames(fset *token.FileSet, f *ast.File) (pos token.Position, what string) {
	imports := map[string]string{} // local name → path
	for _, is := range f.Imports {
		path, _ := strconv.Unquote(is.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if is.Name != nil {
			name = is.Name.Name
		}
		imports[name] = path
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if what != "" {
			return false
		}
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if sel.Sel.Name == "PkgPath" {
			pos, what = fset.Position(sel.Sel.Pos()), "PkgPath"
			return false
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		for _, name := range selfNames[imports[x.Name]] {
			if sel.Sel.Name == name {
				pos, what = fset.Position(sel.Pos()), x.Name+"."+name
				return false
			}
		}
		return true
	})
	return pos, what
}

// printsGenericTypes reports whether f declares a generic type or func and may
// print a type's name (a %T verb, or package reflect): the compiled tier
// names the type arguments of an instance with its plugin's path
// (main.F[gilgo_g…/c0001.foo]), the interpreted tier's fmt pass as go run
// does.
func printsGenericTypes(f *ast.File) bool {
	generic := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.TypeSpec:
			generic = generic || n.TypeParams.NumFields() > 0
		case *ast.FuncDecl:
			generic = generic || n.Type.TypeParams.NumFields() > 0 // its local types are generic
		}
		return !generic
	})
	if !generic {
		return false
	}
	for _, is := range f.Imports {
		if is.Path.Value == `"reflect"` {
			return true
		}
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.Contains(lit.Value, "%T") {
			found = true
		}
		return !found
	})
	return found
}

// ownNamesError is the error of a program that readsOwnNames.
func ownNamesError(pos token.Position, what string, cell int) string {
	return fmt.Sprintf("cell[%d]:%d:%d: %s: a program in a notebook cannot report its own function, file or package names as go run does (they name the cell or gilgo's build of it); print them another way",
		cell, pos.Line, pos.Column, what)
}

// parseProgram parses a whole program's source.
func parseProgram(src string) (*token.FileSet, *ast.File, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	return fset, f, err
}
