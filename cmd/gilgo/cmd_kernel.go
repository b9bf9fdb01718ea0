package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/gilgo/gilgo/kernel"
	"github.com/gilgo/gilgo/worker"
)

// workerShutdownTimeout bounds the worker's shutdown when the kernel could
// not be started.
const workerShutdownTimeout = 5 * time.Second

func kernelCommand() command {
	return command{
		name:     "kernel",
		synopsis: "-f CONNECTION_FILE [--log-level LEVEL]",
		summary:  "serve the Jupyter protocol (Jupyter starts this from kernel.json)",
		details: "SIGINT interrupts the running cell; SIGTERM shuts the kernel down, and so\n" +
			"does the exit of its parent when --parent-pid or JPY_PARENT_PID names one.\n" +
			"Logs go to stderr, the worker process's too (never to a cell's output); the\n" +
			"worker logs only errors, or everything at --log-level debug.",
		setup: func(fs *flag.FlagSet) func(env, []string) int {
			connFile := fs.String("f", "", "Jupyter connection `FILE`")
			parent := fs.Int("parent-pid", 0, "shut down when the process `PID` exits (default: $JPY_PARENT_PID, as Jupyter sets it)")
			level := addLevelFlag(fs)
			return func(e env, args []string) int {
				if !noArgs(e, fs, args) {
					return exitUsage
				}
				if *connFile == "" {
					return usageError(e, fs, "missing -f CONNECTION_FILE")
				}
				log := newLogger(e.stderr, level, "kernel")
				if *parent == 0 {
					*parent, _ = strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
				}
				if err := serveKernel(e.ctx, *connFile, *parent, level, log); err != nil {
					log.Error("kernel stopped", "err", err)
					fmt.Fprintf(e.stderr, "gilgo kernel: %v\n", err)
					return exitFail
				}
				return exitOK
			}
		},
	}
}

// workerLevel is the worker's log level. The worker's stderr is shown in
// the cells, so it logs only errors, unless the kernel runs at debug level.
func workerLevel(l *levelFlag) string {
	if l.level <= slog.LevelDebug {
		return "debug"
	}
	return "error"
}

// serveKernel runs a kernel on the connection file's sockets with a worker
// process as its interpreter, until a shutdown_request or SIGTERM.
func serveKernel(ctx context.Context, connFile string, parent int, level *levelFlag, log *slog.Logger) error {
	info, err := kernel.ReadConnectionFile(connFile)
	if err != nil {
		return err
	}
	exe, err := executable()
	if err != nil {
		return err
	}
	// Subscribe before anything is started so that no signal is lost.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	// The worker comes up in the background: kernel_info is answered as
	// soon as the sockets are bound, and the first cell waits for it.
	w, err := worker.StartAsync(worker.Options{
		Command: []string{exe, "worker", "--log-level", workerLevel(level)},
		Logger:  log.With("part", "worker-client"),
	})
	if err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	v := versions()
	k, err := kernel.New(info, w, kernel.Options{
		Logger:                log,
		Banner:                v.banner(),
		ImplementationVersion: v.Gilgo,
		LanguageVersion:       v.Go,
	})
	if err != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workerShutdownTimeout)
		defer cancel()
		if serr := w.Shutdown(sctx, false); serr != nil {
			log.Warn("worker shutdown", "err", serr)
		}
		return err
	}

	// One P and GOGC 25 (the worker keeps the defaults). Every process of
	// this binary runs the package inits of the interpreter's symbol
	// tables (runtime/stdlib, yaegi), whose garbage sets the first heap
	// goal: returning it now keeps the kernel's resident heap small.
	kernel.TuneRuntime()
	debug.FreeOSMemory()
	trimText(log)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	worker.HeapProfileOnSignal(runCtx, os.Getenv(worker.HeapProfileEnv), "kernel", log)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == os.Interrupt {
					log.Info("SIGINT: interrupting the running cell")
					k.Interrupt()
					continue
				}
				log.Info("SIGTERM: shutting down")
				stop()
			case <-done:
				return
			}
		}
	}()
	if parent > 0 {
		go watchParent(runCtx, parent, parentPoll, func() {
			log.Info("parent process exited: shutting down", "parent_pid", parent)
			stop()
		})
	}
	log.Info("kernel started", "version", v.Gilgo, "transport", info.Transport, "ip", info.IP, "shell_port", info.ShellPort)
	if err := k.Run(runCtx); err != nil {
		return fmt.Errorf("run kernel: %w", err)
	}
	log.Info("kernel stopped")
	return nil
}

// parentPoll is how often the kernel checks that its parent lives: it
// exits within about this long, plus its shutdown, of the parent's death.
const parentPoll = 250 * time.Millisecond

// watchParent calls gone once when the process pid has exited or this
// process has been handed to another parent (an orphan is reparented to
// init or a subreaper), checking every poll until ctx ends. Like
// ipykernel's parent poller, it keeps a kernel from outliving the client
// that started it.
func watchParent(ctx context.Context, pid int, poll time.Duration, gone func()) {
	ppid := os.Getppid()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != ppid || syscall.Kill(pid, 0) == syscall.ESRCH {
				gone()
				return
			}
		}
	}
}
