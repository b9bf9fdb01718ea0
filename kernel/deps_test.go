package kernel

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports guards the package's dependency edges: never yaegi, the
// runtime or the worker; zmq4 only in the transport file (and its test).
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case strings.Contains(path, "yaegi"),
				path == "github.com/gilgo/gilgo/session", strings.HasPrefix(path, "github.com/gilgo/gilgo/session/"),
				path == "github.com/gilgo/gilgo/worker", strings.HasPrefix(path, "github.com/gilgo/gilgo/worker/"),
				path == "runtime" && !strings.HasSuffix(name, "_test.go"):
				t.Errorf("%s imports %s", name, path)
			case strings.HasPrefix(path, "github.com/go-zeromq/"):
				if name != "transport_zmq.go" && name != "transport_zmq_test.go" {
					t.Errorf("%s imports %s; only transport_zmq.go may", name, path)
				}
			}
		}
	}
}
