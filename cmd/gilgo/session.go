package main

import (
	"fmt"
	"go/ast"
	"log/slog"

	"github.com/gilgo/gilgo/engine"
	gort "github.com/gilgo/gilgo/runtime"
	"github.com/gilgo/gilgo/runtime/gilrt"
	"github.com/gilgo/gilgo/runtime/procpool"
	"github.com/gilgo/gilgo/runtime/pylib"
)

// newSession assembles the session a worker serves: the Go session on
// yaegi, its goroutines under the GIL (gilrt), the cell packages for
// coroutines, reference counts and sys.GetRefCount (pylib), and
// multiprocessing (procpool: child workers, each with its own GIL). The
// runtime cannot import gilrt or procpool (they import it or need its
// declarations), so the pieces meet here.
func newSession(log *slog.Logger) (*gort.Session, error) {
	sched := gilrt.New(gilrt.Options{Logger: log})
	var sess *gort.Session
	procs := procpool.New(procpool.Options{Logger: log, Env: procpool.EnvFuncs{
		DeclarationsFunc: func() string { return sess.Declarations() },
		OutputFunc:       func() engine.Output { return sess.CurrentOutput() },
		InterruptedFunc:  func() <-chan struct{} { return sess.Interrupted() },
		BlockingFunc:     sched.Blocking,
	}})
	sess, err := gort.New(gort.Options{
		Logger:    log,
		Scheduler: sched,
		Passes: []gort.Pass{
			{Name: "emptyslices", Apply: func(_ gort.PassEnv, f *ast.File) error { return pylib.RewriteEmptySlices(f) }},
			procs.Pass(),
		},
	})
	if err != nil {
		return nil, err
	}
	if err := sess.Use(pylib.Exports(sess)); err != nil {
		return nil, fmt.Errorf("cell packages: %w", err)
	}
	if err := sess.Use(procs.Exports()); err != nil {
		return nil, fmt.Errorf("multiprocessing: %w", err)
	}
	return sess, nil
}
