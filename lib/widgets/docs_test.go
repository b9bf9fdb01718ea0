package widgets

import (
	"flag"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

var update = flag.Bool("update", false, "rewrite zdocs.go")

// TestDocs: zdocs.go documents every symbol, from this package's source
// (the constructors are the Manager's methods).
func TestDocs(t *testing.T) {
	src := celldoc.MustLoad(t, ".")
	docs := map[string]hook.Doc{}
	syms := Package(NewManager(&fakeHost{})).Symbols
	lookup := func(name string) (hook.Doc, bool) {
		if d, ok := src.Lookup(name); ok {
			return d, true
		}
		d, ok := src.Lookup("Manager." + name)
		// Cells call the constructors as functions of the package.
		d.Decl = strings.Replace(d.Decl, "func (m *Manager) ", "func ", 1)
		return d, ok
	}
	for name := range syms {
		celldoc.Add(t, docs, lookup, name)
	}
	celldoc.Test(t, "widgets", *update, syms, docs)
}
