package display

import (
	"testing"

	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

// TestDocs: zdocs.go documents every symbol and every method of the
// package's types, from this package's source (the funcs bound to a sink
// are Env's methods).
func TestDocs(t *testing.T) {
	self := celldoc.MustLoad(t, ".")
	envMethods := map[string]bool{}
	for _, m := range self.Methods("Env") {
		envMethods[m[len("Env."):]] = true
	}
	docs := map[string]hook.Doc{}
	syms := Package(nil).Symbols
	for name := range syms {
		if name[0] == '_' {
			continue // yaegi's interface wrapper
		}
		if envMethods[name] {
			celldoc.Add(t, docs, func(n string) (hook.Doc, bool) { return self.AsFunc("Env."+n, "display") }, name)
			continue
		}
		celldoc.Add(t, docs, self.Lookup, name)
	}
	for _, typ := range []string{"Data", "Handle", "Chart", "Series", "MIMEBundler"} {
		celldoc.Add(t, docs, self.Lookup, self.Methods(typ)...)
	}
	delete(syms, "_MIMEBundler")
	celldoc.Test(t, "display", *update, syms, docs)
}
