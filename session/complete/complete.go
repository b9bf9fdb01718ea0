package complete

import (
	"go/token"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/gilgo/gilgo/engine"
)

// builtins yaegi v0.16.1 knows (it lacks min, max and clear).
var (
	builtinTypes = []string{"any", "bool", "byte", "comparable", "complex128", "complex64", "error",
		"float32", "float64", "int", "int16", "int32", "int64", "int8", "rune", "string",
		"uint", "uint16", "uint32", "uint64", "uint8", "uintptr"}
	builtinConsts = []string{"false", "iota", "nil", "true"}
	builtinFuncs  = []string{"append", "cap", "close", "complex", "copy", "delete", "imag", "len",
		"make", "new", "panic", "print", "println", "real", "recover"}
)

// candidate is one possible completion before filtering.
type candidate struct {
	text, typ, sig string
}

// Complete returns the completions for code at byte offset cursor.
func Complete(code string, cursor int, sc Scope) (res engine.Completion) {
	cursor = clampCursor(code, cursor)
	res = engine.Completion{Matches: []string{}, CursorStart: cursor, CursorEnd: cursor}
	defer func() {
		// API boundary: a Scope or a reflect corner case must not take the
		// session down with it; no completions is a fine answer.
		if r := recover(); r != nil {
			res = engine.Completion{Matches: []string{}, CursorStart: cursor, CursorEnd: cursor}
		}
	}()
	s := scan(code[:cursor])
	if i := s.last(); i >= 0 {
		t := s.toks[i]
		if t.end() >= cursor {
			switch t.tok {
			case token.COMMENT:
				if _, open := s.unterminated[t.off]; open || strings.HasPrefix(t.lit, "//") {
					return res
				}
			case token.STRING, token.CHAR:
				if _, open := s.unterminated[t.off]; open {
					if t.tok == token.STRING && inImport(s.toks[:i]) {
						return importPaths(code, t.off+1, cursor, sc)
					}
					return res
				}
			}
		}
	}
	start := identStart(code, cursor)
	end := identEnd(code, cursor)
	prefix := code[start:cursor]
	if prefix != "" && !isIdent(prefix) {
		return res // a number
	}
	chain, ok := selectorChain(code, start)
	if !ok {
		return res
	}
	var cands []candidate
	if len(chain) == 0 {
		cands = identCandidates(code, sc)
	} else {
		cands = memberCandidates(chain, sc)
	}
	return finish(cands, prefix, start, end)
}

// inImport reports whether a string token following toks is an import path.
func inImport(toks []tok) bool {
	i := len(toks) - 1
	for i >= 0 && toks[i].tok == token.COMMENT {
		i--
	}
	// an optional name: import f "fmt", import . "fmt", import _ "fmt"
	if i >= 0 && (toks[i].tok == token.IDENT || toks[i].tok == token.PERIOD) {
		i--
	}
	if i >= 0 && toks[i].tok == token.IMPORT {
		return true
	}
	for ; i >= 0; i-- {
		switch toks[i].tok {
		case token.STRING, token.SEMICOLON, token.IDENT, token.PERIOD, token.COMMENT:
			continue
		case token.LPAREN:
			return i > 0 && toks[i-1].tok == token.IMPORT
		}
		return false
	}
	return false
}

func importPaths(code string, start, cursor int, sc Scope) engine.Completion {
	end := cursor
	for end < len(code) && strings.IndexByte("\"`\n \t", code[end]) < 0 {
		end++
	}
	partial := code[start:cursor]
	var cands []candidate
	for p := range sc.Packages() {
		if strings.HasPrefix(p, partial) || (!strings.Contains(partial, "/") && strings.HasPrefix(path.Base(p), partial)) {
			cands = append(cands, candidate{text: p, typ: "module"})
		}
	}
	return finish(cands, "", start, end)
}

// finish filters candidates by prefix (case-sensitive first, else
// case-insensitive), removes duplicates and sorts.
func finish(cands []candidate, prefix string, start, end int) engine.Completion {
	pick := func(match func(string) bool) []candidate {
		seen := map[string]bool{}
		var out []candidate
		for _, c := range cands {
			if c.text == "" || seen[c.text] || !match(c.text) {
				continue
			}
			seen[c.text] = true
			out = append(out, c)
		}
		return out
	}
	got := pick(func(s string) bool { return strings.HasPrefix(s, prefix) })
	if len(got) == 0 && prefix != "" {
		lp := strings.ToLower(prefix)
		got = pick(func(s string) bool { return strings.HasPrefix(strings.ToLower(s), lp) })
	}
	sort.SliceStable(got, func(i, j int) bool { return got[i].text < got[j].text })
	res := engine.Completion{Matches: make([]string, 0, len(got)), CursorStart: start, CursorEnd: end}
	for _, c := range got {
		res.Matches = append(res.Matches, c.text)
		res.Types = append(res.Types, engine.CompletionType{Start: start, End: end, Text: c.text, Type: c.typ, Signature: c.sig})
	}
	return res
}

func declType(kind string) string {
	switch kind {
	case KindVar:
		return "variable"
	case KindConst:
		return "constant"
	case KindFunc:
		return "function"
	case KindType:
		return "type"
	case KindPackage:
		return "package"
	case KindMethod:
		return "method"
	}
	return "variable"
}

func identCandidates(code string, sc Scope) []candidate {
	var cands []candidate
	for _, d := range sc.Decls() {
		if d.Kind == KindMethod {
			continue
		}
		sig := d.Signature
		if sig == "" {
			sig = d.Type
		}
		cands = append(cands, candidate{d.Name, declType(d.Kind), sig})
	}
	cands = append(cands, cellLocals(code)...)
	imports := sc.Imports()
	for _, name := range sortedKeys(imports) {
		cands = append(cands, candidate{name, "package", imports[name]})
	}
	pkgs := sc.Packages()
	for _, p := range sortedKeys(pkgs) {
		name := pkgs[p]
		if _, done := imports[name]; !done && isIdent(name) {
			cands = append(cands, candidate{name, "package", p})
		}
	}
	for _, k := range keywords() {
		cands = append(cands, candidate{k, "keyword", ""})
	}
	for _, t := range builtinTypes {
		cands = append(cands, candidate{t, "type", ""})
	}
	for _, c := range builtinConsts {
		cands = append(cands, candidate{c, "constant", ""})
	}
	for _, f := range builtinFuncs {
		sig := ""
		if pd := stdPackage("builtin"); pd != nil {
			sig = pd.entries[f].sig
		}
		cands = append(cands, candidate{f, "function", sig})
	}
	return cands
}

func keywords() []string {
	var out []string
	for t := token.BREAK; t <= token.VAR; t++ {
		if t.IsKeyword() {
			out = append(out, t.String())
		}
	}
	return out
}

// cellLocals finds names the cell itself declares: x, y := ..., var x,
// const x, type T, func f.
func cellLocals(code string) []candidate {
	s := scan(code)
	var out []candidate
	toks := s.toks
	for i, t := range toks {
		switch t.tok {
		case token.DEFINE:
			for j := i - 1; j >= 0 && toks[j].tok == token.IDENT; j -= 2 {
				out = append(out, candidate{toks[j].lit, "variable", ""})
				if j == 0 || toks[j-1].tok != token.COMMA {
					break
				}
			}
		case token.VAR, token.CONST, token.TYPE, token.FUNC:
			if i+1 < len(toks) && toks[i+1].tok == token.IDENT {
				typ := map[token.Token]string{token.VAR: "variable", token.CONST: "constant", token.TYPE: "type", token.FUNC: "function"}[t.tok]
				out = append(out, candidate{toks[i+1].lit, typ, ""})
			}
		}
	}
	return out
}

// findDecl returns the last non-method declaration of name.
func findDecl(sc Scope, name string) (Decl, bool) {
	decls := sc.Decls()
	for i := len(decls) - 1; i >= 0; i-- {
		if decls[i].Name == name && decls[i].Kind != KindMethod {
			return decls[i], true
		}
	}
	return Decl{}, false
}

// packagePath resolves a package name: imported first, then any importable
// package of that name.
func packagePath(sc Scope, name string) (string, bool) {
	if p, ok := sc.Imports()[name]; ok {
		return p, true
	}
	pkgs := sc.Packages()
	for _, p := range sortedKeys(pkgs) {
		if pkgs[p] == name {
			return p, true
		}
	}
	return "", false
}

// resolved is what a selector chain names.
type resolved struct {
	pkg    string       // import path when the chain is a package
	typ    reflect.Type // type of the value, when known
	decl   *Decl        // the cell declaration of the head, when len(chain)==1
	member string       // last name of the chain
}

// resolveChain follows a chain of identifiers: a package or a global, then
// members and fields.
func resolveChain(chain []string, sc Scope) (resolved, bool) {
	head := chain[0]
	var r resolved
	rest := chain[1:]
	if d, ok := findDecl(sc, head); ok && (d.Kind == KindVar || d.Kind == KindConst) {
		r.decl = &d
		r.typ = sc.VarType(head)
	} else if p, ok := packagePath(sc, head); ok {
		if len(rest) == 0 {
			return resolved{pkg: p}, true
		}
		v, ok := sc.Members(p)[rest[0]]
		if !ok || memberKind(v) != "variable" || !v.IsValid() {
			return resolved{}, false
		}
		r.typ = v.Type()
		rest = rest[1:]
	} else if t := sc.VarType(head); t != nil {
		r.typ = t
	} else {
		return resolved{}, false
	}
	for _, name := range rest {
		r.decl = nil
		r.typ = fieldOrMethodType(r.typ, name)
		if r.typ == nil {
			return resolved{}, false
		}
	}
	return r, true
}

func memberCandidates(chain []string, sc Scope) []candidate {
	r, ok := resolveChain(chain, sc)
	if !ok {
		return nil
	}
	var cands []candidate
	if r.pkg != "" {
		pd := stdPackage(r.pkg)
		mem := sc.Members(r.pkg)
		for _, name := range sortedKeys(mem) {
			if !token.IsExported(name) {
				continue
			}
			kind := memberKind(mem[name])
			sig := memberSignature(mem[name])
			if e, ok := pd.entry(name); ok && e.sig != "" {
				sig = e.sig
			}
			cands = append(cands, candidate{name, kind, sig})
		}
		return cands
	}
	if r.decl != nil {
		recv := strings.TrimPrefix(r.decl.Type, "*")
		for _, d := range sc.Decls() {
			if d.Kind == KindMethod && strings.TrimPrefix(d.Recv, "*") == recv && recv != "" {
				cands = append(cands, candidate{d.Name, "method", d.Signature})
			}
		}
	}
	var pd *pkgDoc
	named := r.typ
	if named != nil && named.Kind() == reflect.Pointer {
		named = named.Elem()
	}
	if named != nil && named.PkgPath() != "" && named.PkgPath() != "main" {
		pd = stdPackage(named.PkgPath())
	}
	for _, m := range membersOf(r.typ) {
		sig := m.sig
		if e, ok := pd.entry(named.Name() + "." + m.name); ok && e.sig != "" {
			sig = e.sig
		}
		cands = append(cands, candidate{m.name, m.kind, sig})
	}
	return cands
}

// entry looks up a name; safe on a nil pkgDoc.
func (pd *pkgDoc) entry(name string) (docEntry, bool) {
	if pd == nil {
		return docEntry{}, false
	}
	e, ok := pd.entries[name]
	return e, ok
}
