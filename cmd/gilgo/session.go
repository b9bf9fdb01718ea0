package main

import (
	"fmt"
	"go/ast"
	"log/slog"

	gort "github.com/gilgo/gilgo/runtime"
	"github.com/gilgo/gilgo/runtime/gilrt"
	"github.com/gilgo/gilgo/runtime/pylib"
)

// newSession assembles the session a worker serves: the Go session on
// yaegi, its goroutines under the GIL (gilrt), and the cell packages for
// coroutines, reference counts and sys.GetRefCount (pylib). The runtime
// cannot import gilrt (gilrt imports it), so the pieces meet here.
func newSession(log *slog.Logger) (*gort.Session, error) {
	sess, err := gort.New(gort.Options{
		Logger:    log,
		Scheduler: gilrt.New(gilrt.Options{Logger: log}),
		Passes: []gort.Pass{{
			Name: "emptyslices",
			Apply: func(_ gort.PassEnv, f *ast.File) error {
				return pylib.RewriteEmptySlices(f)
			},
		}},
	})
	if err != nil {
		return nil, err
	}
	if err := sess.Use(pylib.Exports(sess)); err != nil {
		return nil, fmt.Errorf("cell packages: %w", err)
	}
	return sess, nil
}
