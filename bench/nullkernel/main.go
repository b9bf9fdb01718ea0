// Command nullkernel is gilgo's Jupyter protocol layer (package kernel) on
// an interpreter that runs nothing: every execute_request succeeds at once,
// with no output and no worker process. bench/compare.py times it with the
// minimal client next to gilgo and ipykernel, so that the report shows how
// much of a round trip the protocol and the client take before any cell
// runs: the floor under gilgo's own round trip.
//
//	nullkernel -f CONNECTION_FILE
//
// It is a measuring tool, not a kernel for users; `make bench` builds it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/kernel"
)

// null is an engine.Interpreter that runs nothing.
type null struct{}

func (null) Execute(context.Context, engine.ExecuteRequest, engine.Output) engine.ExecuteResult {
	return engine.ExecuteResult{}
}

func (null) Complete(context.Context, string, int) (engine.Completion, error) {
	return engine.Completion{}, nil
}

func (null) Inspect(context.Context, string, int, int) (engine.Inspection, error) {
	return engine.Inspection{}, nil
}

func (null) IsComplete(context.Context, string) (engine.Completeness, error) {
	return engine.Completeness{Status: "complete"}, nil
}

func (null) Interrupt() {}

func (null) Shutdown(context.Context, bool) error { return nil }

func main() {
	connFile := flag.String("f", "", "Jupyter connection `FILE`")
	flag.Parse()
	if err := run(*connFile); err != nil {
		fmt.Fprintf(os.Stderr, "nullkernel: %v\n", err)
		os.Exit(1)
	}
}

func run(connFile string) error {
	if connFile == "" {
		return fmt.Errorf("missing -f CONNECTION_FILE")
	}
	info, err := kernel.ReadConnectionFile(connFile)
	if err != nil {
		return err
	}
	kernel.TuneRuntime() // as `gilgo kernel` runs its process
	k, err := kernel.New(info, null{}, kernel.Options{})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return k.Run(ctx)
}
