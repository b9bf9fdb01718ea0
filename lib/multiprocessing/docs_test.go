package multiprocessing

import (
	"flag"
	"testing"

	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

var update = flag.Bool("update", false, "rewrite zdocs.go")

// TestDocs: zdocs.go documents every symbol and every method of the
// package's types, from this package's source (the funcs bound to a
// session are Procs' methods) and ErrInterrupted from package hook's.
func TestDocs(t *testing.T) {
	self := celldoc.MustLoad(t, ".")
	hk := celldoc.MustLoad(t, "../../session/hook")
	docs := map[string]hook.Doc{}
	syms := (&Procs{}).Package().Symbols
	for name := range syms {
		switch name {
		case "NewPool", "Run", "Map", "CPUCount":
			celldoc.Add(t, docs, func(n string) (hook.Doc, bool) { return self.AsFunc("Procs."+n, "multiprocessing") }, name)
		case "ErrInterrupted":
			celldoc.Add(t, docs, hk.Lookup, name)
		default:
			celldoc.Add(t, docs, self.Lookup, name)
		}
	}
	for _, typ := range []string{"Pool", "ProcessError"} {
		celldoc.Add(t, docs, self.Lookup, self.Methods(typ)...)
	}
	celldoc.Test(t, "multiprocessing", *update, syms, docs)
}
