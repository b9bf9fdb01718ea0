package gil

import (
	"flag"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/gilrt"
	"github.com/gilgo/gilgo/internal/celldoc"
	"github.com/gilgo/gilgo/session/hook"
)

var update = flag.Bool("update", false, "rewrite zdocs.go")

// TestDocs: zdocs.go documents every symbol: the lock's methods as funcs
// (from package gil), the scheduler's (gilrt), Process (Procs.Run of
// multiprocessing), and the types with their methods.
func TestDocs(t *testing.T) {
	lock := celldoc.MustLoad(t, "../../gil")
	sched := celldoc.MustLoad(t, "../../gilrt")
	mp := celldoc.MustLoad(t, "../multiprocessing")
	self := celldoc.MustLoad(t, ".")
	method := func(src *celldoc.Source, recv string, renames map[string]string) func(string) (hook.Doc, bool) {
		return func(n string) (hook.Doc, bool) {
			if r, ok := renames[n]; ok {
				n = r
			}
			return src.AsFunc(recv+"."+n, "")
		}
	}
	docs := map[string]hook.Doc{}
	syms := Package(gilrt.New(gilrt.Options{}), nil).Symbols
	for name := range syms {
		switch name {
		case "Enable", "SetRecursionLimit", "Trace":
			celldoc.Add(t, docs, method(sched, "Scheduler", nil), name)
		case "Process":
			celldoc.Add(t, docs, method(mp, "Procs", map[string]string{"Process": "Run"}), name)
		case "Without":
			celldoc.Add(t, docs, method(self, "scope", nil), name)
		case "ThreadStats":
			celldoc.Add(t, docs, lock.Lookup, name)
		case "TraceEvent":
			celldoc.Add(t, docs, func(string) (hook.Doc, bool) { return lock.Lookup("Event") }, name)
		default:
			celldoc.Add(t, docs, method(lock, "Lock", map[string]string{"Record": "Trace"}), name)
		}
	}
	for _, typ := range []string{"ThreadStats", "Event"} {
		for _, m := range lock.Methods(typ) {
			d, _ := lock.Lookup(m)
			docs[strings.Replace(m, "Event.", "TraceEvent.", 1)] = d
		}
	}
	celldoc.Test(t, "gil", *update, syms, docs)
}
