package experiment

import (
	"flag"
	"testing"

	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

var update = flag.Bool("update", false, "rewrite zdocs.go")

// TestDocs: zdocs.go documents every symbol and every method of the
// package's types, from this package's source (the funcs bound to a
// session are binding's methods).
func TestDocs(t *testing.T) {
	self := celldoc.MustLoad(t, ".")
	bound := map[string]bool{}
	for _, m := range self.Methods("binding") {
		bound[m[len("binding."):]] = true
	}
	docs := map[string]hook.Doc{}
	syms := (&binding{}).symbols()
	for name := range syms {
		if bound[name] {
			celldoc.Add(t, docs, func(n string) (hook.Doc, bool) { return self.AsFunc("binding."+n, "experiment") }, name)
			continue
		}
		celldoc.Add(t, docs, self.Lookup, name)
	}
	for _, typ := range []string{"Run", "Stepper", "Timeline", "Pair", "MachineInfo"} {
		celldoc.Add(t, docs, self.Lookup, self.Methods(typ)...)
	}
	celldoc.Test(t, "experiment", *update, syms, docs)
}
