package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"reflect"
	"strings"
)

// Globals returns the package-level variables of the session's current
// interpreter (all cells), for cell packages such as sys.GetRefCount. It is
// meant to be called by code running in a cell: it does not take the
// session's execution lock, which that cell holds.
func (s *Session) Globals() map[string]reflect.Value {
	return s.it.Globals()
}

// Interrupted returns a channel that the next Interrupt closes, so that
// compiled helpers blocked on behalf of a cell (a deadlocked
// refcount.Transfer, say) can give up. Safe for concurrent use.
func (s *Session) Interrupted() <-chan struct{} {
	s.cellMu.Lock()
	defer s.cellMu.Unlock()
	return s.wake
}

// Declarations returns the session's imports and top-level declarations as
// compilable source, in the order cells made them (the source a fresh
// interpreter replays), so that another process can rebuild the session's
// functions (lib/multiprocessing). Like Globals, it is meant for code running
// in a cell and does not take the execution lock.
func (s *Session) Declarations() string {
	var b strings.Builder
	for _, imp := range s.st.importSr {
		fmt.Fprintf(&b, "import %s\n", imp)
	}
	for _, e := range s.st.entries {
		b.WriteString(e.current())
		b.WriteByte('\n')
	}
	return b.String()
}

// current is the entry's source with the vars a later cell declared
// again blanked (var r, err = f() becomes var r, _   = f() once a later
// cell declares err), so that the entries together compile.
func (e *entry) current() string {
	if !e.isVar {
		return e.src
	}
	live := map[string]bool{}
	for _, k := range e.keys {
		live[k] = true
	}
	const prefix = "package main\n"
	f, err := parser.ParseFile(token.NewFileSet(), "", prefix+e.src, parser.SkipObjectResolution)
	if err != nil {
		return e.src
	}
	src := []byte(e.src)
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, sp := range g.Specs {
			for _, n := range sp.(*ast.ValueSpec).Names {
				if n.Name == "_" || live["var "+n.Name] {
					continue
				}
				off := int(n.Pos()) - 1 - len(prefix) // file base 1
				copy(src[off:], "_"+strings.Repeat(" ", len(n.Name)-1))
			}
		}
	}
	return string(src)
}

// Stdout and Stderr are the streams interpreted cells see as os.Stdout and
// os.Stderr: what is written goes to the running cell's output (or the
// cell that started the writing goroutine), in order with the cell's
// other output. Compiled code is given them (compiled/rt.SetOutput).
// Safe for concurrent use.
func (s *Session) Stdout() io.Writer { return s.osStdout }

// Stderr: see Stdout.
func (s *Session) Stderr() io.Writer { return s.osStderr }
