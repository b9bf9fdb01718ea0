package runtime

import (
	"context"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
	"unicode"

	"github.com/gilgo/gilgo/engine"
)

// This file holds minimal completion, inspection and is_complete; package
// runtime/complete will replace them through the Scope below.

var _ engine.Interpreter = (*Session)(nil)

// Names returns the top-level names declared by cells, with their kind
// ("type", "method", "func", "var", "const"), sorted. Safe to call only
// between Executes (like Complete).
func (s *Session) Names() map[string]string {
	s.execMu.Lock()
	defer s.execMu.Unlock()
	m := map[string]string{}
	for _, e := range s.st.entries {
		for _, k := range e.keys {
			kind, name, _ := strings.Cut(k, " ")
			m[name] = kind
		}
	}
	return m
}

var goKeywords = []string{"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map", "package",
	"range", "return", "select", "struct", "switch", "type", "var"}

// Complete offers names declared in cells, imported package names and
// keywords that start with the identifier before the cursor.
func (s *Session) Complete(ctx context.Context, code string, cursor int) (engine.Completion, error) {
	if cursor < 0 || cursor > len(code) {
		cursor = len(code)
	}
	start := cursor
	for start > 0 {
		r := rune(code[start-1])
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		start--
	}
	prefix := code[start:cursor]
	res := engine.Completion{CursorStart: start, CursorEnd: cursor, Matches: []string{}}
	if start > 0 && code[start-1] == '.' {
		return res, nil // members: left to runtime/complete
	}
	cands := map[string]string{}
	for n, k := range s.Names() {
		if k == "method" {
			continue
		}
		if k == "func" {
			k = "function"
		}
		if k == "const" {
			k = "constant"
		}
		if k == "var" {
			k = "variable"
		}
		cands[n] = k
	}
	s.execMu.Lock()
	for _, imp := range s.st.importSr {
		p := strings.Trim(imp[strings.LastIndex(imp, " ")+1:], `"`)
		name := p[strings.LastIndex(p, "/")+1:]
		if i := strings.Index(imp, " "); i > 0 {
			name = imp[:i]
		}
		cands[name] = "module"
	}
	s.execMu.Unlock()
	for _, k := range goKeywords {
		cands[k] = "keyword"
	}
	for n, k := range cands {
		if strings.HasPrefix(n, prefix) && !strings.HasPrefix(n, "__") {
			res.Matches = append(res.Matches, n)
			_ = k
		}
	}
	sort.Strings(res.Matches)
	for _, m := range res.Matches {
		res.Types = append(res.Types, engine.CompletionType{Start: start, End: cursor, Text: m, Type: cands[m]})
	}
	return res, nil
}

// Inspect shows the declaration of a cell name at the cursor.
func (s *Session) Inspect(ctx context.Context, code string, cursor, detail int) (engine.Inspection, error) {
	if cursor < 0 || cursor > len(code) {
		cursor = len(code)
	}
	a, b := cursor, cursor
	isID := func(c byte) bool { return c == '_' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) }
	for a > 0 && isID(code[a-1]) {
		a--
	}
	for b < len(code) && isID(code[b]) {
		b++
	}
	name := code[a:b]
	if name == "" {
		return engine.Inspection{}, nil
	}
	s.execMu.Lock()
	defer s.execMu.Unlock()
	for _, e := range s.st.entries {
		for _, k := range e.keys {
			if _, n, _ := strings.Cut(k, " "); n == name {
				src := e.src
				if i := strings.Index(src, "*/"); i >= 0 && strings.HasPrefix(src, "/*line") {
					src = src[i+2:]
				}
				src = strings.TrimPrefix(src, "var\n")
				return engine.Inspection{Found: true, Data: engine.MIMEBundle{"text/plain": src}, Metadata: map[string]any{}}, nil
			}
		}
	}
	return engine.Inspection{}, nil
}

// IsComplete tells from the Go scanner whether brackets and raw strings
// are closed.
func (s *Session) IsComplete(ctx context.Context, code string) (engine.Completeness, error) {
	if strings.HasPrefix(strings.TrimSpace(code), "%") {
		return engine.Completeness{Status: "complete"}, nil
	}
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(code))
	var sc scanner.Scanner
	unterminated := false
	invalid := false
	sc.Init(f, []byte(code), func(_ token.Position, msg string) {
		if strings.Contains(msg, "not terminated") {
			unterminated = true
		} else {
			invalid = true
		}
	}, 0)
	depth := 0
	for {
		_, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
	}
	switch {
	case unterminated:
		return engine.Completeness{Status: "incomplete", Indent: ""}, nil
	case invalid || depth < 0:
		return engine.Completeness{Status: "invalid"}, nil
	case depth > 0:
		return engine.Completeness{Status: "incomplete", Indent: strings.Repeat("\t", depth)}, nil
	}
	return engine.Completeness{Status: "complete"}, nil
}
