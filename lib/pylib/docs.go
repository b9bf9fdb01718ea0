package pylib

import "github.com/gilgo/gilgo/session/hook"

// Doc is the documentation of one symbol of a cell package.
type Doc = hook.Doc

// Docs returns the documentation of the cell package with import path
// path ("coroutine", "inspect", "refcount", "sys"), keyed by symbol name
// and, for methods, "Type.Method". It is nil for other paths. The map is
// generated from the Go source of packages coroutine, refcount and this
// one (zdocs.go; go test -update regenerates it). The session's
// inspect_request looks cell packages up here before go/doc. Safe for
// concurrent use; the caller gets a copy.
//
//	d := pylib.Docs("coroutine")["Generator.Send"]
//	fmt.Println(d.Decl) // func (g *Generator) Send(v any) (any, error)
func Docs(path string) map[string]Doc {
	src, ok := generatedDocs[path]
	if !ok {
		return nil
	}
	m := make(map[string]Doc, len(src))
	for k, v := range src {
		m[k] = v
	}
	return m
}
