package session

import (
	"fmt"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// Names of cells that failed to compile.
//
// yaegi declares a cell's funcs and vars before it type-checks their
// bodies, and keeps them when the cell then fails to compile: a later
// cell can call such a func, which fails at run time with an unrelated
// message ("index out of range [0] with length 0"). The session cannot
// remove a name from yaegi's scope, so it remembers the names a failed
// cell declared for the first time, until a cell declares them
// successfully, and an error in a later cell that uses one of them says
// where it came from.

// declName is the name an entry key declares ("func f" → "f"), or "" for
// a method.
func declName(key string) string {
	kind, name, _ := strings.Cut(key, " ")
	if kind == "method" {
		return ""
	}
	return name
}

// noteFailed remembers the names news declare that the session has not
// declared before: the cell failed to compile.
func (c *cell) noteFailed(news []*entry) {
	st := c.s.st
	for _, e := range news {
		for _, k := range e.keys {
			if n := declName(k); n != "" && n != "_" && !st.decls.declaresName(n) {
				st.failed[n] = c.n
			}
		}
	}
}

// failedNotes returns a note for every name of a failed cell (not this
// one) that this cell's source uses.
func (c *cell) failedNotes() []string {
	st := c.s.st
	if len(st.failed) == 0 {
		return nil
	}
	used := map[string]bool{}
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(c.src)), []byte(c.src), nil, 0)
	prev := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.IDENT && prev != token.PERIOD {
			if n, ok := st.failed[lit]; ok && n != c.n {
				used[lit] = true
			}
		}
		prev = tok
	}
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	notes := make([]string, 0, len(names))
	for _, n := range names {
		notes = append(notes, fmt.Sprintf("note: %s comes from cell[%d], which failed to compile; it is not defined until that cell runs without errors", n, st.failed[n]))
	}
	return notes
}
