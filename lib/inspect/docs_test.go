package inspect

import (
	"flag"
	"testing"

	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

var update = flag.Bool("update", false, "rewrite zdocs.go")

// TestDocs: zdocs.go documents every symbol, from the source of package
// coroutine.
func TestDocs(t *testing.T) {
	src := celldoc.MustLoad(t, "../../coroutine")
	docs := map[string]hook.Doc{}
	syms := Package().Symbols
	for name := range syms {
		celldoc.Add(t, docs, src.Lookup, name)
	}
	celldoc.Test(t, "inspect", *update, syms, docs)
}
