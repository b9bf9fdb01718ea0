package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// fragments rewrites a program as a notebook user writes it: no package
// clause, the declarations as they are, and func main's body as top-level
// statements after them; gilgo runs that in its interpreted tier (a cell
// without func main is not a whole program). ok is false for a program
// whose main body cannot stand at a cell's top level: one that returns
// from main, defers in main's body, has an init func, or declares a name
// twice at the top level.
func fragments(src string) (string, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", false
	}
	var main *ast.FuncDecl
	var decls []string
	top := map[string]bool{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if ok && fd.Recv == nil && fd.Name.Name == "main" && fd.Body != nil {
			main = fd
			continue
		}
		if ok && fd.Recv == nil && fd.Name.Name == "init" {
			return "", false // init runs before main: no cell order says so
		}
		decls = append(decls, src[offset(fset, d.Pos()):offset(fset, d.End())])
		for _, name := range declNames(d) {
			top[name] = true
		}
	}
	if main == nil || len(main.Body.List) == 0 {
		return "", false
	}
	ok := true
	ast.Inspect(main.Body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			ok = false
		}
		return ok
	})
	for _, s := range main.Body.List {
		if _, isDefer := s.(*ast.DeferStmt); isDefer {
			ok = false // a cell's statements are not one func: when would it run?
		}
	}
	for _, s := range main.Body.List {
		if a, isAssign := s.(*ast.AssignStmt); isAssign && a.Tok == token.DEFINE {
			for _, l := range a.Lhs {
				if id, isID := l.(*ast.Ident); isID && top[id.Name] {
					ok = false // shadows a package-level name: one scope in a cell
				}
			}
		}
	}
	if !ok {
		return "", false
	}
	body := src[offset(fset, main.Body.List[0].Pos()):offset(fset, main.Body.Rbrace)]
	var b strings.Builder
	for _, d := range decls {
		b.WriteString(d)
		b.WriteString("\n\n")
	}
	for line := range strings.Lines(body) {
		b.WriteString(strings.TrimPrefix(line, "\t"))
	}
	return strings.TrimRight(b.String(), " \t\n") + "\n", true
}

func offset(fset *token.FileSet, p token.Pos) int { return fset.Position(p).Offset }

// declNames are the top-level names d declares.
func declNames(d ast.Decl) []string {
	var names []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			names = append(names, d.Name.Name)
		}
	case *ast.GenDecl:
		for _, sp := range d.Specs {
			switch sp := sp.(type) {
			case *ast.TypeSpec:
				names = append(names, sp.Name.Name)
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					names = append(names, n.Name)
				}
			}
		}
	}
	return names
}
