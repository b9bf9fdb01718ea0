package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/notebook"
	"github.com/gilgo/gilgo/worker"
)

// seedEnv names the environment variable that passes --seed to the worker:
// the runtime fixes the GIL's deterministic schedule from it.
const seedEnv = "GILGO_SEED"

// runShutdownTimeout bounds the worker's shutdown after a notebook.
const runShutdownTimeout = 5 * time.Second

// seedFlag is --seed: an int64 that remembers whether it was given.
type seedFlag struct {
	set  bool
	seed int64
}

func (s *seedFlag) String() string {
	if !s.set {
		return ""
	}
	return strconv.FormatInt(s.seed, 10)
}

func (s *seedFlag) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("got %q, want an integer", v)
	}
	s.seed, s.set = n, true
	return nil
}

func runCommand() command {
	return command{
		name:     "run",
		synopsis: "NOTEBOOK... [--output DIR] [--timeout D] [--seed N] [-p NAME=VALUE]...",
		summary:  "execute notebooks headless and write them back with their outputs",
		details: "Each notebook runs in a fresh worker process, started in the notebook's\n" +
			"directory, its code cells in order, like jupyter nbconvert --execute.\n" +
			"The notebook is written back with its outputs (in place, or into DIR).\n" +
			"The run stops at the first failing cell, unless the cell is tagged\n" +
			"raises-exception, and exits 1 printing NOTEBOOK: cell N: ename: evalue,\n" +
			"where N is the cell's execution count (In [N]). Stdin is not available.\n" +
			"--seed fixes the GIL's deterministic schedule (the worker gets " + seedEnv + ").\n" +
			"-p NAME=VALUE, as papermill: a cell tagged injected-parameters that sets\n" +
			"NAME follows the cell tagged parameters (VALUE in Go syntax for NAME's type\n" +
			"there: strings need no quotes). metadata.gilgo records gilgo's and Go's\n" +
			"versions, the seed, the parameters and the module versions loaded.",
		setup: func(fs *flag.FlagSet) func(env, []string) int {
			output := fs.String("output", "", "write executed notebooks into `DIR` instead of in place")
			timeout := fs.Duration("timeout", 10*time.Minute, "interrupt and fail a cell that runs longer than `D` (0: no limit)")
			seed := &seedFlag{}
			fs.Var(seed, "seed", "fix the GIL's deterministic schedule with seed `N`")
			level := addLevelFlag(fs)
			var params []notebook.Param
			fs.Func("p", "set parameter `NAME=VALUE` (repeatable)", func(s string) error {
				p, err := notebook.ParseParam(s)
				if err == nil {
					params = append(params, p)
				}
				return err
			})
			return func(e env, args []string) int {
				paths, err := interleaved(fs, args)
				if err != nil {
					return usageError(e, fs, "%v", err)
				}
				if len(paths) == 0 {
					return usageError(e, fs, "missing NOTEBOOK")
				}
				if *timeout < 0 {
					return usageError(e, fs, "invalid --timeout %s: want 0 or more", *timeout)
				}
				ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
				defer stop()
				r := &runner{
					e:       e,
					log:     newLogger(e.stderr, level, "run"),
					output:  *output,
					timeout: *timeout,
					seed:    seed,
					level:   level,
					params:  params,
				}
				for _, p := range paths {
					if err := r.runOne(ctx, p); err != nil {
						fmt.Fprintf(e.stderr, "%s: %v\n", p, err)
						return exitFail
					}
				}
				return exitOK
			}
		},
	}
}

// interleaved parses flags that may come before, between or after the
// positional arguments and returns the positional ones.
func interleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		if strings.HasPrefix(args[0], "-") && args[0] != "-" {
			if err := fs.Parse(args); err != nil {
				return nil, err
			}
			args = fs.Args()
			continue
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return pos, nil
}

type runner struct {
	e       env
	log     *slog.Logger
	output  string
	timeout time.Duration
	seed    *seedFlag
	level   *levelFlag // the worker logs at debug when this does
	params  []notebook.Param
}

// runOne executes the notebook at path in a fresh worker and writes it.
func (r *runner) runOne(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	nb, err := notebook.Read(f)
	f.Close()
	if err != nil {
		return err
	}
	injected, warnings, err := notebook.InjectParameters(nb, r.params)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(r.e.stderr, "%s: %s\n", path, w)
	}
	dst := path
	if r.output != "" {
		if err := os.MkdirAll(r.output, 0o755); err != nil {
			return fmt.Errorf("create output directory: %w", err)
		}
		dst = filepath.Join(r.output, filepath.Base(path))
	}
	exe, err := executable()
	if err != nil {
		return err
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("notebook directory: %w", err)
	}
	wenv := os.Environ()
	if r.seed.set {
		wenv = append(wenv, seedEnv+"="+r.seed.String())
	}
	w, err := worker.Start(ctx, worker.Options{
		Command: []string{exe, "worker", "--log-level", workerLevel(r.level)},
		Env:     wenv,
		Dir:     dir,
		Logger:  r.log.With("part", "worker-client"),
	})
	if err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	runErr := notebook.Run(ctx, nb, w, notebook.RunOptions{
		Setup:     r.setup(ctx, w),
		Timeout:   r.timeout,
		GoVersion: goVersion,
		Logger:    r.log,
	})
	var seed *int64
	if r.seed.set {
		seed = &r.seed.seed
	}
	var loaded map[string]string
	if ce := (*notebook.CellError)(nil); runErr == nil || errors.As(runErr, &ce) && ce.Timeout == 0 {
		loaded = r.loaded(ctx, w) // not after a timeout: the cell may still hold the worker
	}
	notebook.SetRunMetadata(nb, versions().Gilgo, goVersion, seed, injected, loaded)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), runShutdownTimeout)
	defer cancel()
	if err := w.Shutdown(sctx, false); err != nil {
		r.log.Warn("worker shutdown", "err", err)
	}
	// Write even a failed run: its outputs show what went wrong.
	if err := writeNotebook(dst, nb); err != nil {
		if runErr != nil {
			return errors.Join(runErr, err)
		}
		return err
	}
	if runErr != nil {
		return runErr
	}
	cells := 0
	for _, c := range nb.Cells {
		if c.ExecutionCount > 0 {
			cells++
		}
	}
	fmt.Fprintf(r.e.stdout, "%s: ok, %d cells run, wrote %s\n", path, cells, dst)
	return nil
}

// seedEvery is the check-point count between switches of the
// deterministic schedule that --seed turns on.
const seedEvery = 1000

// setup returns the hidden cells that fix the GIL's schedule for --seed:
// gil.SetDeterministic if the session has the cell package "gil", else
// none (the worker still gets GILGO_SEED in its environment).
func (r *runner) setup(ctx context.Context, interp engine.Interpreter) []string {
	if !r.seed.set {
		return nil
	}
	probe := interp.Execute(ctx, engine.ExecuteRequest{Code: `import "gil"`, Silent: true}, discardOutput{})
	if probe.Error != nil {
		r.log.Warn("--seed: the session has no gil package; passing "+seedEnv+" only", "err", probe.Error)
		return nil
	}
	return []string{fmt.Sprintf("gil.SetDeterministic(%d, %d)", r.seed.seed, seedEvery)}
}

// loaded asks the worker which module packages the run loaded (%go
// loaded), as path → module@version; nil when none or when the session
// has no modules.
func (r *runner) loaded(ctx context.Context, interp engine.Interpreter) map[string]string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var out captureOutput
	res := interp.Execute(ctx, engine.ExecuteRequest{Code: "%go loaded", Silent: true}, &out)
	if res.Error != nil {
		r.log.Debug("%go loaded", "err", res.Error.Value)
		return nil
	}
	m := map[string]string{}
	for _, line := range strings.Split(out.stdout.String(), "\n") {
		if p, v, ok := strings.Cut(line, " "); ok {
			m[p] = v
		}
	}
	return m
}

// captureOutput keeps a probe cell's stdout.
type captureOutput struct {
	discardOutput
	mu     sync.Mutex
	stdout strings.Builder
}

func (c *captureOutput) Stream(name, text string) {
	if name == "stdout" {
		c.mu.Lock()
		c.stdout.WriteString(text)
		c.mu.Unlock()
	}
}

// discardOutput drops a probe cell's output.
type discardOutput struct{}

func (discardOutput) Stream(string, string)                                   {}
func (discardOutput) Result(engine.MIMEBundle, map[string]any)                {}
func (discardOutput) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (discardOutput) ClearOutput(bool)                                        {}
func (discardOutput) Input(context.Context, string, bool) (string, error) {
	return "", notebook.ErrNoStdin
}

// writeNotebook replaces path atomically.
func writeNotebook(path string, nb *notebook.Notebook) error {
	b, err := notebook.Marshal(nb)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gilgo-run-*.ipynb")
	if err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write notebook: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	return nil
}
