package refcount

import (
	"flag"
	"testing"

	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

var update = flag.Bool("update", false, "rewrite zdocs.go and the golden files under testdata")

// TestDocs: zdocs.go documents every symbol and every method of the
// package's types: the session-bound funcs from this package's source,
// the rest from package refcount's.
func TestDocs(t *testing.T) {
	core := celldoc.MustLoad(t, "../../refcount")
	self := celldoc.MustLoad(t, ".")
	hk := celldoc.MustLoad(t, "../../session/hook")
	docs := map[string]hook.Doc{}
	syms := (&binding{}).symbols()
	for name := range syms {
		switch name {
		case "New", "SetOutput", "Transfer", "TransferContext":
			celldoc.Add(t, docs, func(n string) (hook.Doc, bool) { return self.AsFunc("binding."+n, "refcount") }, name)
		case "ErrInterrupted":
			celldoc.Add(t, docs, hk.Lookup, name)
		default:
			celldoc.Add(t, docs, core.Lookup, name)
		}
	}
	celldoc.Add(t, docs, core.Lookup, core.AllMethods()...)
	celldoc.Test(t, "refcount", *update, syms, docs)
}
