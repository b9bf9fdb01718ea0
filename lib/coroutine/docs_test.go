package coroutine

import (
	"flag"
	"testing"

	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

var update = flag.Bool("update", false, "rewrite zdocs.go and the golden files under testdata")

// TestDocs: zdocs.go documents every symbol and every method of the
// package's types, from the source of package coroutine.
func TestDocs(t *testing.T) {
	src := celldoc.MustLoad(t, "../../coroutine")
	docs := map[string]hook.Doc{}
	syms := symbols()
	for name := range syms {
		celldoc.Add(t, docs, src.Lookup, name)
	}
	celldoc.Add(t, docs, src.Lookup, src.AllMethods()...)
	celldoc.Test(t, "coroutine", *update, syms, docs)
}
