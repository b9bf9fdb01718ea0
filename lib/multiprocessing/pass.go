package multiprocessing

import (
	"go/ast"
	"go/token"
	"strconv"

	"github.com/gilgo/gilgo/session/cellast"
)

// Import path and name of the helper package the registration pass calls.
const (
	helperPath = "gilgo/procpool"
	helperName = "__mp"
)

// registerPass is the AST pass that lets cells pass func values: after
// every top-level func declaration of a cell it adds
//
//	var _ = __mp.R("work", work)
//
// so that Procs knows the func under its name (see resolve.go). Package
// adds it to every cell; without it, cells must pass a func's name as a
// string.
func registerPass() cellast.Pass {
	return cellast.Pass{Name: "procpool-register", Apply: passRegister}
}

func passRegister(env cellast.Env, f *ast.File) error {
	var regs []ast.Decl
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !sendable(fd) {
			continue
		}
		call := &ast.CallExpr{
			Fun:  &ast.SelectorExpr{X: ast.NewIdent(helperName), Sel: ast.NewIdent("R")},
			Args: []ast.Expr{&ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(fd.Name.Name)}, ast.NewIdent(fd.Name.Name)},
		}
		regs = append(regs, &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{
			Names:  []*ast.Ident{ast.NewIdent("_")},
			Values: []ast.Expr{call},
		}}})
	}
	if len(regs) == 0 {
		return nil
	}
	if _, err := env.Peek(helperName + ".R"); err != nil {
		// Not imported in this interpreter yet (imports persist across
		// cells, and importing twice is an error).
		imp := &ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{&ast.ImportSpec{
			Name: ast.NewIdent(helperName),
			Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(helperPath)},
		}}}
		f.Decls = append([]ast.Decl{imp}, f.Decls...)
	}
	f.Decls = append(f.Decls, regs...)
	return nil
}
