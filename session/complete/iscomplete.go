package complete

import (
	"go/parser"
	"go/token"
	"strings"

	"github.com/gilgo/gilgo/engine"
)

// Statuses of engine.Completeness.
const (
	StatusComplete   = "complete"
	StatusIncomplete = "incomplete"
	StatusInvalid    = "invalid"
)

// continues lists the tokens after which a line cannot end a statement.
var continues = map[token.Token]bool{
	token.ADD: true, token.SUB: true, token.MUL: true, token.QUO: true, token.REM: true,
	token.AND: true, token.OR: true, token.XOR: true, token.SHL: true, token.SHR: true, token.AND_NOT: true,
	token.LAND: true, token.LOR: true, token.ARROW: true,
	token.EQL: true, token.NEQ: true, token.LSS: true, token.LEQ: true, token.GTR: true, token.GEQ: true,
	token.ASSIGN: true, token.DEFINE: true, token.ADD_ASSIGN: true, token.SUB_ASSIGN: true,
	token.MUL_ASSIGN: true, token.QUO_ASSIGN: true, token.REM_ASSIGN: true, token.AND_ASSIGN: true,
	token.OR_ASSIGN: true, token.XOR_ASSIGN: true, token.SHL_ASSIGN: true, token.SHR_ASSIGN: true,
	token.AND_NOT_ASSIGN: true, token.COMMA: true, token.PERIOD: true, token.COLON: false,
}

var closer = map[token.Token]token.Token{token.RPAREN: token.LPAREN, token.RBRACK: token.LBRACK, token.RBRACE: token.LBRACE}

// IsComplete tells whether code is ready to run; see the package doc.
func IsComplete(code string) engine.Completeness {
	src, magic := stripMagics(code)
	if magic {
		return engine.Completeness{Status: StatusComplete}
	}
	s := scan(src)
	var stack []tok
	for _, t := range s.toks {
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			stack = append(stack, t)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) == 0 || stack[len(stack)-1].tok != closer[t.tok] {
				return engine.Completeness{Status: StatusInvalid}
			}
			stack = stack[:len(stack)-1]
		case token.ILLEGAL:
			return engine.Completeness{Status: StatusInvalid}
		}
	}
	for off, msg := range s.unterminated {
		if strings.HasPrefix(msg, "raw string") || strings.HasPrefix(msg, "comment") {
			return incomplete(src, off, s, len(stack) > 0)
		}
		return engine.Completeness{Status: StatusInvalid}
	}
	if len(s.errs) > 0 {
		return engine.Completeness{Status: StatusInvalid}
	}
	last := s.last()
	if last >= 0 && s.toks[last].tok == token.COMMENT {
		// a trailing line comment ends nothing; look at what precedes it
		for last >= 0 && (s.toks[last].tok == token.COMMENT || s.toks[last].autoSemi()) {
			last--
		}
	}
	if len(stack) > 0 || (last >= 0 && continues[s.toks[last].tok]) {
		return incomplete(src, -1, s, len(stack) > 0)
	}
	if !parses(src, s) {
		return engine.Completeness{Status: StatusInvalid}
	}
	return engine.Completeness{Status: StatusComplete}
}

// stripMagics empties lines starting with %; magic reports
// a cell magic (%% on the first non-blank line).
func stripMagics(code string) (string, bool) {
	lines := strings.Split(code, "\n")
	first := true
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if first && strings.HasPrefix(t, "%%") {
			return code, true
		}
		first = false
		if strings.HasPrefix(t, "%") {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n"), false
}

// incomplete computes the indent of the next line. openOff is the offset of
// an open raw string or comment (its content is kept as typed: no indent),
// -1 otherwise.
func incomplete(src string, openOff int, s scanned, open bool) engine.Completeness {
	if openOff >= 0 {
		return engine.Completeness{Status: StatusIncomplete, Indent: ""}
	}
	unit := "\t"
	for _, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(l, " ") {
			unit = "    "
			break
		}
	}
	lineStart := strings.LastIndexByte(strings.TrimRight(src, " \t\n"), '\n') + 1
	line := src[lineStart:]
	indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
	// brackets opened on the last line, after any it closed ("} else {")
	depth, minDepth := 0, 0
	var lastTok token.Token
	prevLineEndsOp := false
	for _, t := range s.toks {
		if t.autoSemi() || t.tok == token.COMMENT {
			continue
		}
		if t.off < lineStart {
			prevLineEndsOp = continues[t.tok] && t.tok != token.COMMA
			continue
		}
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
			minDepth = min(minDepth, depth)
		}
		lastTok = t.tok
	}
	net := depth - minDepth // brackets still open that the last line opened
	trimmed := strings.TrimSpace(line)
	switch {
	case net > 0:
		indent += unit
	case lastTok == token.COLON && (strings.HasPrefix(trimmed, "case") || strings.HasPrefix(trimmed, "default")):
		indent += unit // the body of a case clause
	case continues[lastTok] && lastTok != token.COMMA && !prevLineEndsOp && !open:
		indent += unit
	}
	return engine.Completeness{Status: StatusIncomplete, Indent: indent}
}

// parses reports whether a cell of only declarations, or only statements,
// parses. Mixed cells are left to the session, which splits them.
func parses(src string, s scanned) bool {
	decl, stmt := false, false
	depth := 0
	atStart := true
	for _, t := range s.toks {
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if t.tok == token.SEMICOLON {
			atStart = depth == 0
			continue
		}
		if t.tok == token.COMMENT {
			continue
		}
		if atStart && depth == 0 {
			switch t.tok {
			case token.PACKAGE, token.IMPORT, token.FUNC, token.TYPE:
				decl = true
			case token.VAR, token.CONST:
			default:
				stmt = true
			}
		}
		atStart = false
	}
	fset := token.NewFileSet()
	switch {
	case decl && stmt:
		return true
	case decl:
		text := src
		if !strings.HasPrefix(strings.TrimSpace(firstCode(s)), "package") {
			text = "package p;" + src
		}
		_, err := parser.ParseFile(fset, "", text, parser.SkipObjectResolution)
		return err == nil
	default:
		_, err := parser.ParseFile(fset, "", "package p; func _() {"+src+"\n}", parser.SkipObjectResolution)
		return err == nil
	}
}

func firstCode(s scanned) string {
	for _, t := range s.toks {
		if t.tok != token.COMMENT {
			return t.text()
		}
	}
	return ""
}
