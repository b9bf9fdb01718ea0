package tiers

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	stdlog "log"
	"log/slog"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/compiled/rt"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/gilrt"
	"github.com/gilgo/gilgo/lib/coroutine"
	"github.com/gilgo/gilgo/lib/experiment"
	"github.com/gilgo/gilgo/lib/gil"
	"github.com/gilgo/gilgo/lib/inspect"
	"github.com/gilgo/gilgo/lib/multiprocessing"
	"github.com/gilgo/gilgo/lib/refcount"
	"github.com/gilgo/gilgo/lib/sys"
	"github.com/gilgo/gilgo/lib/widgets"
	"github.com/gilgo/gilgo/modules"
	"github.com/gilgo/gilgo/session"
	"github.com/gilgo/gilgo/session/hook"
)

// Options configure New.
type Options struct {
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// WorkerCommand is the argv of a process that serves a session of
	// its own (gil.Process, multiprocessing pools); nil means this
	// executable with the argument "worker", as `gilgo worker` is.
	WorkerCommand []string
	// Modules configures the loader of Go modules' packages (package
	// modules); its Logger defaults to Logger.
	Modules modules.Options
	// NoAutoCompile turns the auto-compiler off: funcs that run long in
	// plain cells stay interpreted (as with $GILGO_AUTOCOMPILE=off).
	NoAutoCompile bool
	// AutoCompileAfter is how long a plain cell must run for the funcs it
	// reached to be compiled in the background; 0 means
	// DefaultAutoCompileAfter.
	AutoCompileAfter time.Duration
}

// New assembles the session a worker serves: the interpreted tier
// (session) with its goroutines under the GIL (gilrt), the cell packages
// (lib/...), and the compiled tier (%%compile: plugins under the same
// GIL).
func New(opts Options) (*session.Session, error) {
	sess, _, err := newTiers(opts)
	return sess, err
}

// newTiers is New, also returning the auto-compiler (nil when
// Options.NoAutoCompile) for tests to wait on.
func newTiers(opts Options) (*session.Session, *autoCompile, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The scheduler's recursion sampler also asks compiled check points to
	// sample their depth (compiled/rt.MaxDepth).
	sched := gilrt.New(gilrt.Options{Logger: log, OnSample: rt.RequestSample})
	rt.SetLock(sched.Lock()) // compiled cells check and release this lock
	tier := &compileMagic{log: log}
	var scheduler hook.Scheduler = sched
	if !opts.NoAutoCompile {
		tier.auto = newAutoCompile(tier, log, opts.AutoCompileAfter)
		scheduler = timedScheduler{Scheduler: sched, a: tier.auto}
	}
	var procs *multiprocessing.Procs // made once the session exists (its Host)
	if opts.Modules.Logger == nil {
		opts.Modules.Logger = log
	}
	mods, err := modules.New(opts.Modules)
	if err != nil {
		return nil, nil, err
	}
	sess, err := session.New(session.Options{
		Logger:     log,
		Scheduler:  scheduler,
		CellMagics: map[string]session.CellMagic{"compile": tier.magic()},
		Modules:    mods,
		OnShutdown: func() {
			if tier.auto != nil {
				tier.auto.close() // its builds use the compiler's work dir
			}
			tier.close()
			if err := mods.Close(); err != nil {
				log.Warn("modules: remove temporary directories", "err", err)
			}
			if procs != nil {
				// The pools' worker processes end with the session.
				if err := procs.Close(); err != nil {
					log.Warn("multiprocessing: close pools", "err", err)
				}
			}
		},
	})
	if err != nil {
		mods.Close()
		return nil, nil, err
	}
	if tier.auto != nil {
		tier.auto.sess = sess
	}
	// What compiled code prints goes to the cell like interpreted output;
	// what yaegi logs about itself goes to the worker's log, never there.
	rt.SetOutput(sess.Stdout(), sess.Stderr())
	stdlog.SetOutput(interpreterLog{log: log, cell: os.Stderr})
	procs = multiprocessing.New(multiprocessing.Options{Host: sess, Command: opts.WorkerCommand, Logger: log})
	// A notebook is the program: runtime/debug.ReadBuildInfo lists the
	// modules its cells loaded, not the kernel's.
	readBuildInfo := func() (*debug.BuildInfo, bool) { return mods.BuildInfo(), true }
	if err := sess.Use(interp.Exports{"runtime/debug/debug": {"ReadBuildInfo": reflect.ValueOf(readBuildInfo)}}); err != nil {
		return nil, nil, fmt.Errorf("runtime/debug: %w", err)
	}
	cmds := &commands{interrupted: sess.Interrupted}
	if err := sess.Use(cmds.exports()); err != nil {
		return nil, nil, fmt.Errorf("os/exec: %w", err)
	}
	err = sess.Import(
		gil.Package(sched, procs),
		sys.Package(sched, sess),
		coroutine.Package(),
		inspect.Package(),
		refcount.Package(sess),
		procs.Package(),
		widgets.Package(widgets.NewManager(sess)),
		experiment.Package(sess, sched.Lock()),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("cell packages: %w", err)
	}
	return sess, tier.auto, nil
}

// compileMagic is %%compile: the cell's declarations built into a Go
// plugin (package compiled) and bound into the session. The compiler and
// its temporary work dir are made on first use and removed at Shutdown
// (the plugins stay mapped until the worker exits, which %reset asks
// for when any are loaded).
type compileMagic struct {
	log  *slog.Logger
	auto *autoCompile // the auto-compiler (auto.go); nil when off

	once sync.Once
	c    *compiled.Compiler
	cErr error

	mu       sync.Mutex
	progress *engine.Progress // the note of the %%compile cell being built
	loaded   int              // plugins loaded into this process
	size     int64            // their total .so size
}

// compiler returns the session's compiler, made once.
func (m *compileMagic) compiler() (*compiled.Compiler, error) {
	m.once.Do(func() {
		m.c, m.cErr = compiled.New(compiled.Options{Logger: m.log, Progress: m.showProgress})
		if m.cErr == nil {
			m.cErr = m.c.Available()
		}
	})
	return m.c, m.cErr
}

// noteLoaded counts a plugin loaded into this process, for %reset.
func (m *compileMagic) noteLoaded(size int64) {
	m.mu.Lock()
	m.loaded++
	m.size += size
	m.mu.Unlock()
}

// close removes the work dir, if the compiler was made.
func (m *compileMagic) close() {
	m.once.Do(func() {}) // no compiler after this
	if m.c != nil {
		if err := m.c.Close(); err != nil {
			m.log.Warn("compiled tier: remove work dir", "err", err)
		}
	}
}

// showProgress puts the line the compiler gives a slow build in the
// progress note of the %%compile cell being built.
func (m *compileMagic) showProgress(line string) {
	m.mu.Lock()
	pr := m.progress
	m.mu.Unlock()
	if pr != nil {
		pr.Set(line)
	}
}

func (m *compileMagic) magic() session.CellMagic {
	return session.CellMagic{
		Help:   "%%compile: build the cell's declarations (funcs, types, vars) with go build into a plugin that runs natively under the GIL; also //gilgo:compile before a func",
		Run:    m.run,
		Frames: compiled.Frames,
		// A whole program (package main, func main) runs compiled when it
		// can: the Go compiler is the reference for what go run prints.
		// The auto-compiler (auto.go) sees every other plain cell here
		// and takes those that bind or call its native funcs.
		Claim: func(src string) bool {
			if !isProgram(src) {
				return m.auto != nil && m.auto.claim(src)
			}
			if _, f, err := parseProgram(src); err == nil && comparesGenericTypes(f) {
				return false // the interpreted tier names instances as go run does
			}
			_, err := m.compiler()
			return err == nil
		},
		// Go cannot unload a plugin: a non-empty note makes %reset ask
		// for a fresh worker process (engine.ExecuteResult.Restart),
		// which worker.Client starts before the reply, freeing them.
		ResetNote: func() string {
			m.mu.Lock()
			defer m.mu.Unlock()
			if m.loaded == 0 {
				return ""
			}
			return fmt.Sprintf("%%reset: %d compiled cell(s) (%.1f MB of plugins) freed by starting a fresh worker process",
				m.loaded, float64(m.size)/(1<<20))
		},
	}
}

// run compiles a %%compile cell, or runs it interpreted when the compiled
// tier is unavailable. A whole program the magic claimed (mc.Claimed) is
// compiled with its main, which then runs once; nothing is said of the
// tier on the cell's streams, which are the program's.
func (m *compileMagic) run(mc *session.MagicCell) error {
	if m.auto != nil {
		if m.auto.claimed {
			return m.auto.run(mc)
		}
		m.auto.redefined(mc.Body)
	}
	out := mc.Output()
	c, err := m.compiler()
	if err != nil {
		if !mc.Claimed {
			engine.Note(out, fmt.Sprintf("compiled tier unavailable: %v; running interpreted", err))
		}
		mc.Tier("interpreted", "the compiled tier is unavailable: "+err.Error())
		return mc.Run(mc.Body)
	}
	// A program's build says nothing: its cell's outputs are the
	// program's.
	var pr *engine.Progress
	if !mc.Claimed {
		pr = engine.StartProgress(out, fmt.Sprintf("compiling cell[%d] with go build", mc.Cell))
		m.mu.Lock()
		m.progress = pr
		m.mu.Unlock()
	}
	if mc.Claimed {
		if fset, f, err := parseProgram(mc.Body); err == nil {
			if pos, what := readsOwnNames(fset, f); what != "" {
				mc.Tier("compiled", "a whole program that reads its own names: not run")
				return mc.CompileError([]string{ownNamesError(pos, what, mc.Cell)})
			}
		}
	}
	var res compiled.Result
	pkgs := mc.Packages()
	compile := c.Compile
	if mc.Claimed {
		compile = c.CompileProgram
	}
	mc.Blocking(func() { res, err = compile(mc.Context(), mc.Body, mc.Cell, pkgs) })
	if pr != nil {
		m.mu.Lock()
		m.progress = nil
		m.mu.Unlock()
		outcome := "compiled"
		if err != nil {
			outcome = "could not compile"
		}
		pr.Finish(fmt.Sprintf("%s cell[%d] with go build", outcome, mc.Cell))
	}
	var be *compiled.BuildError
	switch {
	case errors.As(err, &be):
		lines := be.Lines
		for _, l := range lines {
			if strings.Contains(l, "expected declaration") {
				lines = append(lines[:len(lines):len(lines)], "a %%compile cell holds declarations only (imports, funcs, types, vars, consts): run statements in another cell")
				break
			}
		}
		return mc.CompileError(lines)
	case err != nil && mc.Context().Err() != nil:
		return mc.Context().Err()
	case err != nil:
		if !mc.Claimed {
			engine.Note(out, fmt.Sprintf("compiled tier failed: %v; running interpreted", err))
		}
		mc.Tier("interpreted", "the compiled tier failed: "+err.Error())
		return mc.Run(mc.Body)
	}
	switch {
	case mc.Claimed:
		mc.Tier("compiled", "a whole program: the Go compiler builds it, as go run does")
	case mc.Directive:
		mc.Tier("compiled", "//gilgo:compile")
	default:
		mc.Tier("compiled", "%%compile")
	}
	m.noteLoaded(res.PluginSize)
	if len(res.Skipped) > 0 && !mc.Claimed {
		engine.Note(out, "compiled but not callable from other cells: "+strings.Join(res.Skipped, ", "))
	}
	if err := mc.Use(res.Exports); err != nil {
		return fmt.Errorf("compiled cell: %w", err)
	}
	if mc.Claimed {
		// A program, as go run runs it: main runs once, and none of its
		// declarations joins the session (they may share names with
		// the session's own).
		return mc.RunGenerated(res.Main)
	}
	return mc.RunGenerated(res.Bindings)
}

// isProgram reports whether src is a whole program: a package main clause
// (after comments) and a func main.
func isProgram(src string) bool {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(src)), []byte(src), nil, 0)
	if _, tok, _ := sc.Scan(); tok != token.PACKAGE {
		return false
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil || f.Name.Name != "main" {
		return false
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}
