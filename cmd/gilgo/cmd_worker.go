package main

import (
	"flag"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/gilgo/gilgo/tiers"
	"github.com/gilgo/gilgo/worker"
)

func workerCommand() command {
	return command{
		name:     "worker",
		synopsis: "[--log-level LEVEL]",
		summary:  "run the interpreter process (started by 'gilgo kernel', not by hand)",
		details: fmt.Sprintf("The worker reads requests on fd %d and writes events on fd %d, pipes\n"+
			"set up by the kernel; its stdout and stderr are the cells' output.", worker.RequestFD, worker.EventFD),
		setup: func(fs *flag.FlagSet) func(env, []string) int {
			level := addLevelFlag(fs)
			return func(e env, args []string) int {
				if !noArgs(e, fs, args) {
					return exitUsage
				}
				// Never e.stderr: the worker's stderr is the cells'.
				log := newLogger(worker.LogWriter(), level, "worker")
				slog.SetDefault(log)
				sess, err := tiers.New(tiers.Options{Logger: log})
				if err != nil {
					fmt.Fprintf(e.stderr, "gilgo worker: %v\n", err)
					return exitFail
				}
				// The session is built: return the garbage of building it
				// and the start-up's mappings of the binary (see trimText).
				debug.FreeOSMemory()
				trimText(log)
				if err := worker.ServeProcess(e.ctx, sess); err != nil {
					fmt.Fprintf(e.stderr, "gilgo worker: %v\n", err)
					return exitFail
				}
				return exitOK
			}
		},
	}
}
