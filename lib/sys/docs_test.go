package sys

import (
	"flag"
	"testing"

	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

var update = flag.Bool("update", false, "rewrite zdocs.go and the golden files under testdata")

// TestDocs: zdocs.go documents every symbol, from the doc comments of the
// package's binding.
func TestDocs(t *testing.T) {
	self := celldoc.MustLoad(t, ".")
	docs := map[string]hook.Doc{}
	syms := Package(nil, nil).Symbols
	for name := range syms {
		celldoc.Add(t, docs, func(n string) (hook.Doc, bool) { return self.AsFunc("binding."+n, "") }, name)
	}
	celldoc.Test(t, "sys", *update, syms, docs)
}
