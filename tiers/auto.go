package tiers

// auto.go: native speed without asking (issue 19). A plain cell that runs
// long has the funcs it reached built by the compiled tier in the
// background; a later plain cell binds them, as %%compile's bindings do.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/session"
	"github.com/gilgo/gilgo/session/hook"
)

// AutoCompileEnv names the environment variable that turns the
// auto-compiler off when it is "off", "0", "false" or "no" (in a notebook:
// %env GILGO_AUTOCOMPILE=off). It is read when a cell ran long and when a
// build is about to be bound.
const AutoCompileEnv = "GILGO_AUTOCOMPILE"

// DefaultAutoCompileAfter is how long a plain cell must run for the funcs
// it reached to be compiled: a warm build costs ~0.3 s of one core
// (docs/compiled.md), paid back by one more such cell.
const DefaultAutoCompileAfter = 100 * time.Millisecond

// autoCompile watches plain cells. Its fields without a lock belong to the
// session's goroutine: Claim, run and the end of a cell (cellEnded) are
// called there, one cell at a time.
type autoCompile struct {
	m     *compileMagic // its compiler, shared with %%compile
	log   *slog.Logger
	after time.Duration
	sess  *session.Session // for Declarations; set once New made it

	src     string    // the plain cell running now; "" for any other
	start   time.Time // when it started
	native  map[string]nativeFunc
	claimed bool            // Claim took the cell: run is the watcher's
	early   *time.Timer     // fires while a long cell still runs (claim)
	names   map[string]bool // funcs the cells seen so far declare
	gen     int             // bumped by a cell that declares a func
	snap    string          // Declarations() when gen was snapGen
	snapGen int

	ctx    context.Context // ends at close: cancels the builds
	cancel context.CancelFunc
	wg     sync.WaitGroup
	nReady atomic.Int32 // len(ready), read by Claim without the lock
	off    atomic.Bool  // the compiled tier is unavailable

	mu     sync.Mutex
	ready  []autoBuild     // built and loaded, waiting for a cell to bind them
	tried  map[string]bool // entries (autoFunc.key) built or being built
	closed bool
}

// autoBuild is a loaded plugin of one func.
type autoBuild struct {
	fn      autoFunc
	res     compiled.Result
	trigger int           // the cell that ran long
	took    time.Duration // how long it ran
}

// nativeFunc is a func whose binding to native code is in effect.
type nativeFunc struct {
	since   int // the cell that bound it
	trigger int
	took    time.Duration
}

func newAutoCompile(m *compileMagic, log *slog.Logger, after time.Duration) *autoCompile {
	if after <= 0 {
		after = DefaultAutoCompileAfter
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &autoCompile{m: m, log: log, after: after, tried: map[string]bool{},
		native: map[string]nativeFunc{}, ctx: ctx, cancel: cancel}
}

// autoOff reports whether $GILGO_AUTOCOMPILE turns the watcher off.
func autoOff() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(AutoCompileEnv))) {
	case "off", "0", "false", "no":
		return true
	}
	return false
}

// claim is asked about every plain cell before it runs (through
// %%compile's Claim): it notes the cell's source and start, and takes the
// cell when builds wait to be bound or the cell names a native func.
//
// A cell that calls a func of an earlier cell is also watched while it
// runs: if it is still running after a.after, the funcs it reached are
// built from then on (see startEarly), so that they are ready sooner
// than at the cell's end.
func (a *autoCompile) claim(src string) bool {
	a.src, a.start = src, time.Now()
	a.startEarly(src)
	for i, m := range funcDeclRE.FindAllStringSubmatch(src, -1) {
		if a.names == nil {
			a.names = map[string]bool{}
		}
		a.names[m[1]] = true
		if i == 0 {
			a.gen++
		}
	}
	if a.nReady.Load() > 0 {
		a.claimed = true
		return true
	}
	for name := range a.native {
		if strings.Contains(src, name) {
			a.claimed = true
			return true
		}
	}
	return false
}

// run runs a claimed cell: it binds the builds that are ready, then runs
// the cell as any plain cell, its tier naming the native funcs it calls.
func (a *autoCompile) run(mc *session.MagicCell) error {
	a.claimed = false
	if a.nReady.Load() > 0 {
		a.bind(mc)
	}
	a.redefined(mc.Body) // the cell's own definitions replace the bindings
	ids := cellIdents(mc.Body)
	var names []string
	for name := range a.native {
		if ids[name] {
			names = append(names, name)
		}
	}
	if len(names) > 0 {
		slices.Sort(names)
		var parts []string
		for _, name := range names {
			nf := a.native[name]
			parts = append(parts, fmt.Sprintf("%s (native since cell[%d]; cell[%d] ran %s interpreted)",
				name, nf.since, nf.trigger, nf.took.Round(time.Millisecond)))
		}
		mc.Tier("interpreted", "auto-compiled: "+strings.Join(parts, ", "))
	}
	return mc.Run(mc.Body)
}

// bind binds the ready builds whose funcs are still as they were built
// (a redefinition since wins), as %%compile does: Use, then the wrapper.
// Nothing reaches the cell's streams; a failure leaves the interpreted
// func in place.
func (a *autoCompile) bind(mc *session.MagicCell) {
	a.mu.Lock()
	ready := a.ready
	a.ready = nil
	a.nReady.Store(0)
	a.mu.Unlock()
	if autoOff() {
		return
	}
	scan, err := parseDecls(a.sess.Declarations())
	if err != nil {
		a.log.Debug("auto-compile: not bound", "err", err)
		return
	}
	for _, b := range ready {
		fd := scan.funcs[b.fn.name]
		if fd == nil || scan.entryText(fd) != b.fn.key {
			a.log.Debug("auto-compile: redefined since its build, not bound", "func", b.fn.name)
			continue
		}
		if err := mc.Use(b.res.Exports); err != nil {
			a.log.Warn("auto-compile: use", "func", b.fn.name, "err", err)
			continue
		}
		if err := mc.RunGenerated(b.res.Bindings); err != nil {
			a.log.Warn("auto-compile: bind", "func", b.fn.name, "err", err)
			continue
		}
		a.native[b.fn.name] = nativeFunc{since: mc.Cell, trigger: b.trigger, took: b.took}
		a.log.Info("auto-compile: bound", "func", b.fn.name, "cell", mc.Cell, "build", b.res.BuildTime)
	}
}

// funcDeclRE finds the funcs a cell declares (func name( at a line's start).
var funcDeclRE = regexp.MustCompile(`(?m)^\s*func\s+(\w+)\s*[(\[]`)

// redefined forgets the native funcs src declares again (a %%compile
// cell, or a plain one): the user's definition replaced the binding.
func (a *autoCompile) redefined(src string) {
	if len(a.native) == 0 {
		return
	}
	for _, m := range funcDeclRE.FindAllStringSubmatch(src, -1) {
		delete(a.native, m[1])
	}
}

// startEarly arms the timer that builds, while a cell still runs, the
// funcs of earlier cells it reached. The declarations are read now, on the
// session's goroutine before the cell runs (they may not be read while it
// runs), and only when the cell names a func an earlier cell declared;
// they are read again only after a cell declared a func, so that cells
// that call funcs do not each pay for the session's length.
func (a *autoCompile) startEarly(src string) {
	if a.early != nil {
		a.early.Stop()
		a.early = nil
	}
	if len(a.names) == 0 || a.off.Load() || autoOff() {
		return
	}
	ids := cellIdents(src)
	calls := false
	for name := range a.names {
		calls = calls || ids[name]
	}
	if !calls {
		return
	}
	if a.snapGen != a.gen || a.snap == "" {
		a.snap, a.snapGen = a.sess.Declarations(), a.gen
	}
	decls := a.snap
	trigger := a.sess.CurrentCell()
	a.early = time.AfterFunc(a.after, func() {
		scan, err := parseDecls(decls)
		if err != nil {
			return
		}
		a.buildReached(scan, ids, trigger, a.after)
	})
}

// buildReached builds the candidates among the funcs ids reach, those not
// tried before. Safe for concurrent use.
func (a *autoCompile) buildReached(scan *autoScan, ids map[string]bool, trigger int, took time.Duration) {
	for _, f := range scan.reachable(ids) {
		a.mu.Lock()
		tried := a.tried[f.key]
		a.tried[f.key] = true
		a.mu.Unlock()
		if !tried {
			a.build(f, trigger, took)
		}
	}
}

// cellEnded is called at the end of every cell: a plain cell that ran
// longer than a.after has the funcs it reached built, those the compiled
// tier can build alone (autoScan.candidate) and not tried before.
func (a *autoCompile) cellEnded(n int) {
	src := a.src
	a.src = ""
	if a.early != nil {
		a.early.Stop()
		a.early = nil
	}
	if src == "" {
		return
	}
	a.redefined(src)
	took := time.Since(a.start)
	if took < a.after || a.off.Load() || autoOff() {
		return
	}
	scan, err := parseDecls(a.sess.Declarations())
	if err != nil {
		a.log.Debug("auto-compile: skipped", "err", err)
		return
	}
	a.buildReached(scan, cellIdents(src), n, took)
}

// build compiles f on a goroutine of its own, which holds no lock of the
// session's, and queues the loaded plugin for a later cell to bind.
func (a *autoCompile) build(f autoFunc, trigger int, took time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		c, err := a.m.compiler()
		if err != nil || c == nil {
			a.off.Store(true) // no toolchain: nothing changes
			return
		}
		res, err := c.Compile(compiled.Background(a.ctx), f.src, f.cell, nil)
		if err != nil {
			a.log.Debug("auto-compile: build failed", "func", f.name, "err", err)
			return
		}
		a.m.noteLoaded(res.PluginSize)
		if !slices.Contains(res.Names, f.name) {
			a.log.Debug("auto-compile: not bindable", "func", f.name, "skipped", res.Skipped)
			return
		}
		a.log.Info("auto-compile: built", "func", f.name, "cell", f.cell, "build", res.BuildTime)
		a.mu.Lock()
		a.ready = append(a.ready, autoBuild{fn: f, res: res, trigger: trigger, took: took})
		a.nReady.Store(int32(len(a.ready)))
		a.mu.Unlock()
	}()
}

// wait waits for the builds started so far (tests, benchmarks).
func (a *autoCompile) wait() { a.wg.Wait() }

// close cancels the builds and waits for them, before the compiler's work
// dir goes.
func (a *autoCompile) close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.cancel()
	a.wg.Wait()
}

// timedScheduler tells the watcher when each cell ends.
type timedScheduler struct {
	hook.Scheduler
	a *autoCompile
}

func (s timedScheduler) BeginCell(n int) func(failed bool) {
	end := s.Scheduler.BeginCell(n)
	return func(failed bool) {
		end(failed)
		s.a.cellEnded(n)
	}
}
