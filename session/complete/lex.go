package complete

import (
	"go/scanner"
	"go/token"
	"strings"
	"unicode"
	"unicode/utf8"
)

// clampCursor moves cursor into [0, len(code)] and onto a rune start.
func clampCursor(code string, cursor int) int {
	if cursor < 0 {
		return 0
	}
	if cursor > len(code) {
		return len(code)
	}
	for cursor > 0 && cursor < len(code) && !utf8.RuneStart(code[cursor]) {
		cursor--
	}
	return cursor
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// identStart returns the start of the identifier characters ending at p.
func identStart(code string, p int) int {
	for p > 0 {
		r, n := utf8.DecodeLastRuneInString(code[:p])
		if !isIdentRune(r) {
			break
		}
		p -= n
	}
	return p
}

// identEnd returns the end of the identifier characters starting at p.
func identEnd(code string, p int) int {
	for p < len(code) {
		r, n := utf8.DecodeRuneInString(code[p:])
		if !isIdentRune(r) {
			break
		}
		p += n
	}
	return p
}

// isIdent reports whether s is a Go identifier (not a number).
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

// selectorChain returns the identifiers of "a.b." ending at p (the start of
// the word being completed): nil when code[:p] does not end with a period,
// ok false when what precedes the period is not a plain selector chain
// (a call, an index, a literal).
func selectorChain(code string, p int) (chain []string, ok bool) {
	for depth := 0; depth < 16; depth++ {
		if p == 0 || code[p-1] != '.' {
			return chain, true
		}
		end := p - 1
		start := identStart(code, end)
		word := code[start:end]
		if !isIdent(word) || token.IsKeyword(word) {
			return nil, false
		}
		chain = append([]string{word}, chain...)
		p = start
	}
	return nil, false
}

// tok is a scanned token with its byte offset.
type tok struct {
	off int
	tok token.Token
	lit string
}

func (t tok) text() string {
	if t.lit != "" {
		return t.lit
	}
	return t.tok.String()
}

func (t tok) end() int { return t.off + len(t.text()) }

// autoSemi reports an automatically inserted semicolon.
func (t tok) autoSemi() bool { return t.tok == token.SEMICOLON && t.lit == "\n" }

// scanned is code split into tokens, comments included.
type scanned struct {
	toks []tok
	// unterminated holds the offsets of strings, runes and comments that
	// are not closed.
	unterminated map[int]string
	// errs holds the other scanner errors by offset.
	errs map[int]string
}

func scan(code string) scanned {
	sc := scanned{unterminated: map[int]string{}, errs: map[int]string{}}
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), func(pos token.Position, msg string) {
		if strings.Contains(msg, "not terminated") {
			sc.unterminated[pos.Offset] = msg
			return
		}
		sc.errs[pos.Offset] = msg
	}, scanner.ScanComments)
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		sc.toks = append(sc.toks, tok{off: file.Offset(pos), tok: t, lit: lit})
	}
	return sc
}

// last returns the index of the last token that is not an automatic
// semicolon, or -1.
func (s scanned) last() int {
	for i := len(s.toks) - 1; i >= 0; i-- {
		if !s.toks[i].autoSemi() {
			return i
		}
	}
	return -1
}
