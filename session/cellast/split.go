package cellast

import (
	"go/scanner"
	"go/token"
	"strings"
)

// Kind classifies a top-level piece of a cell.
type Kind int

const (
	Stmt    Kind = iota // a statement, run inside a generated func
	Decl                // import, type, func, method, var or const
	Define              // top-level x := e, turned into a package var
	Package             // a package clause, dropped
)

// Item is one top-level piece of a cell's source.
type Item struct {
	Kind      Kind
	Text      string
	DefineAt  int // for Define: offset of := in Text
	Line, Col int // 1-based position of Text in the cell
}

// Split cuts a cell into top-level items at the semicolons (explicit or
// automatic) that are outside brackets. It never fails: source the scanner
// rejects stays in one Item so the parser reports the error.
func Split(src string) []Item {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var sc scanner.Scanner
	bad := false
	sc.Init(file, []byte(src), func(token.Position, string) { bad = true }, 0)
	var items []Item
	depth := 0
	header := false // inside the header of a for, if or switch
	start, end := -1, -1
	var first, second token.Token
	identList, defineAt := true, -1
	flush := func() {
		if start < 0 {
			return
		}
		end = min(max(end, start), len(src))
		p := file.Position(file.Pos(start))
		it := Item{Text: src[start:end], Line: p.Line, Col: p.Column}
		switch first {
		case token.IMPORT, token.TYPE, token.VAR, token.CONST:
			it.Kind = Decl
		case token.FUNC:
			if second == token.IDENT || second == token.LPAREN && !isFuncLitStmt(it.Text) {
				it.Kind = Decl
			}
		case token.PACKAGE:
			it.Kind = Package
		case token.IDENT:
			if defineAt >= 0 {
				it.Kind, it.DefineAt = Define, defineAt-start
			}
		}
		items = append(items, it)
		start, end = -1, -1
		first, second = token.ILLEGAL, token.ILLEGAL
		identList, defineAt = true, -1
	}
	n := 0
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		switch {
		case depth <= 0 && (tok == token.FOR || tok == token.IF || tok == token.SWITCH):
			header = true // its clauses are separated by semicolons
		case tok == token.LBRACE && depth == 1:
			header = false
		}
		if tok == token.SEMICOLON && depth <= 0 && !(header && lit == ";") {
			flush()
			n, header = 0, false
			continue
		}
		if start < 0 {
			start = off
		}
		if identList && depth == 0 {
			switch {
			case tok == token.DEFINE && n > 0:
				defineAt, identList = off, false
			case n%2 == 0 && tok == token.IDENT, n%2 == 1 && tok == token.COMMA:
			default:
				identList = false
			}
		}
		switch n {
		case 0:
			first = tok
		case 1:
			second = tok
		}
		n++
		l := len(lit)
		if l == 0 {
			l = len(tok.String())
		}
		end = off + l
	}
	flush()
	if bad {
		// Keep broken source whole so the parser names the error.
		t := strings.TrimSpace(src)
		if t == "" {
			return nil
		}
		off := strings.Index(src, t)
		p := file.Position(file.Pos(off))
		return []Item{{Kind: Stmt, Text: t, Line: p.Line, Col: p.Column}}
	}
	return items
}

// isFuncLitStmt reports whether a statement starting with "func (" is a
// function literal (called or not) rather than a method declaration.
func isFuncLitStmt(text string) bool {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(text))
	sc.Init(f, []byte(text), nil, 0)
	sc.Scan() // func
	depth := 0
	for {
		_, tok, _ := sc.Scan()
		switch tok {
		case token.EOF:
			return false
		case token.LPAREN:
			depth++
		case token.RPAREN:
			depth--
			if depth == 0 {
				_, next, _ := sc.Scan()
				if next != token.IDENT {
					return true
				}
				// method: func (r T) Name(...; literal: func (x int) int {...
				_, after, _ := sc.Scan()
				return after != token.LPAREN && after != token.LBRACK
			}
		}
	}
}

// HoistImports moves the import declarations of a cell to its front, in
// their order, so that a cell whose imports come after statements or
// declarations (code moved around in a notebook) runs instead of failing
// with "imports must appear before other declarations". Each Item keeps
// its position, so errors still name the line it is on.
func HoistImports(items []Item) []Item {
	var imports, rest []Item
	for _, it := range items {
		if it.Kind == Decl && isImport(it.Text) {
			imports = append(imports, it)
		} else {
			rest = append(rest, it)
		}
	}
	if len(imports) == 0 || len(rest) == 0 {
		return items
	}
	return append(imports, rest...)
}

// isImport reports whether a declaration Item is an import.
func isImport(text string) bool {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(text))
	sc.Init(f, []byte(text), nil, 0)
	_, tok, _ := sc.Scan()
	return tok == token.IMPORT
}
