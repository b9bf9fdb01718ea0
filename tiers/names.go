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

// nameFuncs report the running program's function names, by package
// path: printed, they come out right (compiled code's output names main
// where the plugin's path was, see compiled/rt), compared in the program
// they do not.
var nameFuncs = map[string][]string{
	"runtime":       {"Callers", "CallersFrames", "FuncForPC", "Stack"},
	"runtime/debug": {"Stack"},
}

// readsOwnNames returns the position and name of the first place where f
// reads names of its own that neither tier gives as go run does, or ""
// if none: a PkgPath method (the plugin's path, not "main"), the file
// runtime.Caller returns (cell[1], not the program's file), and a
// function name from the runtime when f also holds a string naming one
// of main's (it compares them).
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
	namesMain := hasString(f, "main.")
	isCall := func(e ast.Expr, pkg, name string) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		x, ok := sel.X.(*ast.Ident)
		return ok && imports[x.Name] == pkg && sel.Sel.Name == name
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if what != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if n.Sel.Name == "PkgPath" {
				pos, what = fset.Position(n.Sel.Pos()), "PkgPath"
				return false
			}
			x, ok := n.X.(*ast.Ident)
			if !ok || !namesMain {
				return true
			}
			for _, name := range nameFuncs[imports[x.Name]] {
				if n.Sel.Name == name {
					pos, what = fset.Position(n.Pos()), x.Name+"."+name
					return false
				}
			}
		case *ast.AssignStmt:
			// _, file, line, ok := runtime.Caller(n): file is the cell's.
			if len(n.Rhs) == 1 && len(n.Lhs) >= 2 {
				if call, ok := n.Rhs[0].(*ast.CallExpr); ok && isCall(call.Fun, "runtime", "Caller") {
					if id, ok := n.Lhs[1].(*ast.Ident); !ok || id.Name != "_" {
						pos, what = fset.Position(call.Pos()), "runtime.Caller's file"
						return false
					}
				}
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
	return hasString(f, "%T")
}

// comparesGenericTypes reports whether f prints generic instances' types
// (printsGenericTypes) and holds a string naming a type of main: it
// compares the names, which the compiled tier's output rewriting cannot
// fix (main.F[gilgo_g…/c0001.foo] is only printed as main.F[main.foo]).
func comparesGenericTypes(f *ast.File) bool {
	return printsGenericTypes(f) && hasString(f, "main.")
}

// hasString reports whether a string literal of f contains sub.
func hasString(f *ast.File, sub string) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.Contains(lit.Value, sub) {
			found = true
		}
		return !found
	})
	return found
}

// ownNamesError is the error of a program that readsOwnNames.
func ownNamesError(pos token.Position, what string, cell int) string {
	return fmt.Sprintf("cell[%d]:%d:%d: %s: a program in a notebook cannot get its own file, function or package names as go run gives them (they name the cell or gilgo's build of it)",
		cell, pos.Line, pos.Column, what)
}

// parseProgram parses a whole program's source.
func parseProgram(src string) (*token.FileSet, *ast.File, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	return fset, f, err
}
