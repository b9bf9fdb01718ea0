package complete

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// ParseDecls lists the top-level names a cell declares, for a Scope's
// Decls: funcs, methods, types, vars and consts of a declaration cell, and
// var, const and x := declarations at the top level of a statement cell.
// Type is the type as written ("" when inferred: the session knows the
// reflect type), Signature the func type, Doc the doc comment and Source the
// declaration's text. Code that does not parse gives what parsed before the
// error, possibly nothing. Safe for concurrent use.
func ParseDecls(src string) []Decl {
	fset := token.NewFileSet()
	const declPrefix = "package p\n"
	text, base := declPrefix+src, len(declPrefix)
	if strings.HasPrefix(strings.TrimSpace(firstCode(scan(src))), "package") {
		text, base = src, 0
	}
	f, err := parser.ParseFile(fset, "", text, parser.ParseComments|parser.SkipObjectResolution)
	if err == nil {
		return declsOf(fset, f.Decls, text, base)
	}
	const stmtPrefix = "package p\nfunc _() {\n"
	f, err = parser.ParseFile(fset, "", stmtPrefix+src+"\n}", parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return nil
	}
	fn, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok || fn.Body == nil {
		return nil
	}
	body := stmtPrefix + src + "\n}"
	var out []Decl
	for _, st := range fn.Body.List {
		switch st := st.(type) {
		case *ast.DeclStmt:
			out = append(out, declsOf(fset, []ast.Decl{st.Decl}, body, len(stmtPrefix))...)
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				continue
			}
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					out = append(out, Decl{Name: id.Name, Kind: KindVar, Source: slice(fset, body, st, len(stmtPrefix))})
				}
			}
		}
	}
	return out
}

func declsOf(fset *token.FileSet, decls []ast.Decl, text string, base int) []Decl {
	var out []Decl
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			dc := Decl{Name: d.Name.Name, Kind: KindFunc, Signature: node(fset, d.Type), Doc: d.Doc.Text(), Source: slice(fset, text, d, base)}
			if d.Recv != nil && len(d.Recv.List) == 1 {
				dc.Kind = KindMethod
				dc.Recv = node(fset, d.Recv.List[0].Type)
			}
			out = append(out, dc)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				doc := d.Doc.Text()
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Doc != nil {
						doc = s.Doc.Text()
					}
					out = append(out, Decl{Name: s.Name.Name, Kind: KindType, Type: node(fset, s.Type), Doc: doc, Source: slice(fset, text, d, base)})
				case *ast.ValueSpec:
					if s.Doc != nil {
						doc = s.Doc.Text()
					}
					kind := KindVar
					if d.Tok == token.CONST {
						kind = KindConst
					}
					typ := ""
					if s.Type != nil {
						typ = node(fset, s.Type)
					}
					for _, n := range s.Names {
						if n.Name != "_" {
							out = append(out, Decl{Name: n.Name, Kind: kind, Type: typ, Doc: doc, Source: slice(fset, text, d, base)})
						}
					}
				}
			}
		}
	}
	return out
}

// slice returns the source text of n, without the wrapper prefix.
func slice(fset *token.FileSet, text string, n ast.Node, base int) string {
	a, b := fset.Position(n.Pos()).Offset, fset.Position(n.End()).Offset
	if a < base || b > len(text) || a > b {
		return ""
	}
	return text[a:b]
}
