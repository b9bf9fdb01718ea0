package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"log/slog"
	"path"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/builtinprint"
	"github.com/gilgo/gilgo/session/cellast"
	"github.com/gilgo/gilgo/session/fmtvalue"
	"github.com/gilgo/gilgo/session/hook"
	"github.com/gilgo/gilgo/session/stdlib"
	"github.com/gilgo/gilgo/session/typecheck"
)

// Options configures a Session.
type Options struct {
	// Logger receives diagnostics; nil means slog.Default().
	Logger *slog.Logger
	// GoPath is the GOPATH the interpreter loads source packages from.
	// Empty: Modules.GoPath(), when Modules is set.
	GoPath string
	// Modules, if set, resolves and builds the packages of Go modules
	// that cells import (package modules), and runs %go.
	Modules hook.Modules
	// Passes are extra AST rewrites, run after the built-in ones and
	// before the cell packages' and the scheduler's (see cellast.Pass).
	Passes []cellast.Pass
	// Scheduler, if set, puts the goroutines cells start under a lock
	// (see hook.Scheduler and package gilrt).
	Scheduler hook.Scheduler
	// CellMagics are extra %%name cell magics by name without %% (see
	// CellMagic), e.g. "compile". A //gilgo:NAME comment line before a
	// func declaration runs its cell through magic NAME too.
	CellMagics map[string]CellMagic
	// OnShutdown, if set, is called once by the first Shutdown, after the
	// running cell was stopped (e.g. to remove a work directory).
	OnShutdown func()
}

// Session is a Go session on yaegi. It implements engine.Interpreter.
type Session struct {
	comms comms // comm targets and open comms (comm.go)
	opts  Options
	log   *slog.Logger

	execMu sync.Mutex // serialises Execute and the interpreter swap
	it     *interp.Interpreter
	yv     yaegiView        // what frame.go and release.go reach inside it (yaegi)
	used   []interp.Exports // packages added with Use, replayed on reset
	pkgs   []hook.Package   // cell packages: display, then those added with Import
	sched  hook.Attachment  // what Options.Scheduler added

	router             *router
	stdout, stderr     *streamWriter
	osStdout, osStderr *StdStream
	stdin              *StdinReader

	cellMu     sync.Mutex // guards the fields of the running cell
	cancel     context.CancelFunc
	cellCtx    context.Context
	allowStdin bool
	wake       chan struct{} // closed by Interrupt to wake sleepers
	closed     bool

	spawned atomic.Int64 // goroutines started by cells, numbers them
	// userInit is set once a cell declared a func init (until %reset):
	// from then on a statement unit runs in a named func again, so that
	// a frame of init is the user's (see cell.initStmts).
	userInit atomic.Bool
	tiers    []tierNote // which tier ran the recent cells (tier.go); under cellMu

	kept   keeper   // values of vars declared by value (varvalue.go)
	st     *state   // declarations of this interpreter, reset by %reset
	frames frameLog // interpreted frames of the last panic
	files  cellFiles
	// cellFuncs are the generated funcs of the running cell, removed
	// from package main when it ends (releaseCompiled).
	cellFuncs []string
	// checker type-checks cells before yaegi sees them (nil: the Go
	// sources are missing, cells run unchecked).
	checker *typecheck.Checker
	// debug is the Jupyter debugger's state, made by its first request
	// (debug.go); nil: cells run as they always do.
	debug atomic.Pointer[debugger]
	// slowTrailing turns evalReading off; readings counts the trailing
	// expressions it ran (tests compare both paths).
	slowTrailing bool
	readings     int
}

// state is what the session knows about the cells run so far.
type state struct {
	plans    map[string]*cellPlan    // what cells of statements were, by source (plan.go)
	imports  map[string]bool         // "name path" of every import seen
	importSr []string                // import specs as source, for replay
	decls    entries                 // top-level declarations (entries.go)
	unit     int                     // counter for generated names
	types    map[reflect.Type]string // names of interpreted struct types
	// failed maps a name a cell declared for the first time to that
	// cell, when the cell failed to compile (failed.go).
	failed map[string]int
}

func newState() *state {
	return &state{imports: map[string]bool{}, types: map[reflect.Type]string{}, failed: map[string]int{}}
}

// New starts a session with the standard library and package display;
// Import adds the other cell packages.
func New(opts Options) (*Session, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if opts.GoPath == "" && opts.Modules != nil {
		opts.GoPath = opts.Modules.GoPath()
	}
	s := &Session{opts: opts, log: log, router: newRouter(), wake: make(chan struct{})}
	s.stdout = &streamWriter{r: s.router, name: "stdout"}
	s.stderr = &streamWriter{r: s.router, name: "stderr"}
	s.osStdout = &StdStream{w: s.stdout, name: "/dev/stdout", fd: 1}
	s.osStderr = &StdStream{w: &panicFilter{s: s, w: s.stderr}, name: "/dev/stderr", fd: 2}
	s.stdin = &StdinReader{s: s}
	s.pkgs = []hook.Package{s.displayPackage()}
	if err := s.attach(); err != nil {
		return nil, fmt.Errorf("attach scheduler: %w", err)
	}
	it, err := s.newInterp()
	if err != nil {
		return nil, err
	}
	s.it, s.st = it, newState()
	if s.checker, err = typecheck.New(s.symbolsOf); err == nil && opts.GoPath != "" {
		s.checker.SetGoPath(opts.GoPath)
	}
	if err != nil {
		log.Info("cells run without a type check", "err", err)
	} else {
		go s.checker.Warm()
	}
	return s, nil
}

// prelude is compiled into every interpreter: the helpers rewrites call.
const prelude = `package main
import __rt "gilgo/rt"
type __ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}
func __min[T __ordered](a, b T) T { if b < a { return b }; return a }
func __max[T __ordered](a, b T) T { if b > a { return b }; return a }
type __integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}
func __zero2[T __integer](n T) (T, T) { return 0, n }
func __id[T any](v T) T { return v }
func __new[T any](v T) *T { return &v }
`

func (s *Session) newInterp() (*interp.Interpreter, error) {
	it := interp.New(interp.Options{
		GoPath:       s.opts.GoPath,
		Stdin:        blockingReader{s: s, r: s.stdin},
		Stdout:       s.stdout,
		Stderr:       &panicFilter{s: s, w: s.stderr},
		Unrestricted: true,
	})
	if err := stdlib.Load(it); err != nil {
		return nil, err
	}
	var all []interp.Exports
	for _, p := range s.pkgs {
		all = append(all, p.Exports())
	}
	all = append(all, s.overrides())
	for _, e := range s.sched.Exports {
		all = append(all, e)
	}
	all = append(all, s.used...)
	for _, e := range all {
		if err := it.Use(e); err != nil {
			return nil, fmt.Errorf("use symbols: %w", err)
		}
	}
	if _, err := it.Eval(prelude); err != nil {
		return nil, fmt.Errorf("compile prelude: %w", err)
	}
	if s.sched.Prelude != "" {
		if _, err := it.Eval(s.sched.Prelude); err != nil {
			return nil, fmt.Errorf("compile scheduler prelude: %w", err)
		}
	}
	return it, nil
}

// overrides replaces the symbols cells must not reach directly: the
// standard streams, time.Sleep (interruptible), and adds the helpers the
// rewrites call (gilgo/rt).
func (s *Session) overrides() interp.Exports {
	return interp.Exports{
		"os/os": {
			"Stdout": reflect.ValueOf(&s.osStdout).Elem(),
			"Stderr": reflect.ValueOf(&s.osStderr).Elem(),
			"Stdin":  reflect.ValueOf(&s.stdin).Elem(),
		},
		"time/time": {"Sleep": reflect.ValueOf(s.sleep)},
		"gilgo/rt/rt": {
			"Go":          reflect.ValueOf(s.spawn),
			"Clear":       reflect.ValueOf(clearValue),
			"Keep":        reflect.ValueOf(s.kept.keep),
			"Ret":         reflect.ValueOf(s.kept.ret),
			"Ret1":        reflect.ValueOf(s.kept.ret1),
			"Sprint":      reflect.ValueOf(fmt.Sprint),
			"IsInterrupt": reflect.ValueOf(isInterrupt),
			"Recovered":   reflect.ValueOf(recovered),
			// The callbacks pass (cellast.passCallbacks).
			"CallSite": reflect.ValueOf((*CallSite)(nil)),
			"Here":     reflect.ValueOf(s.here),
			"Callback": reflect.ValueOf(s.callback),
			// The fmt pass (cellast.passFmtArgs).
			"Show":       reflect.ValueOf(fmtvalue.Show),
			"TypeName":   reflect.ValueOf(fmtvalue.TypeName),
			"ErrorChain": reflect.ValueOf(fmtvalue.ErrorChain),
			"Type":       reflect.ValueOf((*fmtvalue.Type)(nil)),
			"Field":      reflect.ValueOf((*fmtvalue.Field)(nil)),
			"Print": reflect.ValueOf(func(args ...any) {
				builtinprint.Print(s.stderr, false, args)
			}),
			"Println": reflect.ValueOf(func(args ...any) {
				builtinprint.Print(s.stderr, true, args)
			}),
		},
	}
}

// Import makes the cell packages pkgs importable by cells compiled
// afterwards and adds their passes to the pipeline; they survive %reset.
// Not safe for concurrent use with Execute.
func (s *Session) Import(pkgs ...hook.Package) error {
	s.execMu.Lock()
	defer s.execMu.Unlock()
	for _, p := range pkgs {
		if err := s.it.Use(p.Exports()); err != nil {
			return fmt.Errorf("import %s: %w", p.Path, err)
		}
		s.pkgs = append(s.pkgs, p)
	}
	return nil
}

// packageSymbols is p's own symbol table, under "path/name".
func packageSymbols(p hook.Package) interp.Exports {
	return interp.Exports{p.Path + "/" + path.Base(p.Path): p.Symbols}
}

// passes is the session's part of the pipeline: Options.Passes, the cell
// packages', then the scheduler's.
func (s *Session) passes() []cellast.Pass {
	all := append([]cellast.Pass(nil), s.opts.Passes...)
	for _, p := range s.pkgs {
		all = append(all, p.Passes...)
	}
	return append(all, s.sched.Passes...)
}

// Use registers a package for cells, e.g. interp.Exports{"gil/gil": ...}.
// It takes effect for cells compiled afterwards and survives %reset.
func (s *Session) Use(exports interp.Exports) error {
	s.execMu.Lock()
	defer s.execMu.Unlock()
	return s.useLocked(exports)
}

// useLocked is Use for a caller that holds execMu (a running cell).
func (s *Session) useLocked(exports interp.Exports) error {
	if err := s.it.Use(exports); err != nil {
		return fmt.Errorf("use: %w", err)
	}
	s.used = append(s.used, exports)
	return nil
}

// sleep is time.Sleep for cells: Interrupt wakes it.
func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	s.cellMu.Lock()
	wake := s.wake
	s.cellMu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	s.Blocking(func() {
		select {
		case <-t.C:
		case <-wake:
		}
	})
}

// spawn runs f in a new goroutine that belongs to the caller's cell; a
// panic in f is reported to that cell's stderr instead of killing the
// process. The rewrite of go statements calls it.
func (s *Session) spawn(f func()) {
	o := s.router.lookup()
	n := s.spawned.Add(1)
	s.files.started(o.cell)
	s.goUnder(o.cell, func() {
		defer s.files.ended(o.cell)
		id := goid()
		s.router.register(id, o)
		defer s.router.unregister(id)
		defer func() {
			if r := recover(); r != nil && !isInterrupt(r) {
				s.reportGoroutinePanic(o, n, id, r)
			}
		}()
		f()
	})
}

// clearValue is the clear builtin for maps and slices.
func clearValue(v any) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice:
		rv.Clear()
	}
}

// Interrupt stops the running cell and the goroutines cells started.
// Safe for concurrent use.
func (s *Session) Interrupt() {
	if s.opts.Scheduler != nil {
		s.opts.Scheduler.Interrupt()
	}
	s.cellMu.Lock()
	defer s.cellMu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
	close(s.wake)
	s.wake = make(chan struct{})
}

// Shutdown stops the running cell. Safe for concurrent use.
func (s *Session) Shutdown(ctx context.Context, restart bool) error {
	s.Interrupt()
	s.cellMu.Lock()
	first := !s.closed
	s.closed = true
	s.cellMu.Unlock()
	if first && s.opts.OnShutdown != nil {
		s.opts.OnShutdown()
	}
	return nil
}

// Execute runs one cell. Not safe for concurrent use with itself.
func (s *Session) Execute(ctx context.Context, req engine.ExecuteRequest, out engine.Output) (res engine.ExecuteResult) {
	s.execMu.Lock()
	defer s.execMu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.cellMu.Lock()
	if s.closed {
		s.cellMu.Unlock()
		return engine.ExecuteResult{Error: &engine.Error{Name: engine.ErrShutDown, Value: "the session is shut down"}}
	}
	s.cancel, s.cellCtx, s.allowStdin = cancel, ctx, req.AllowStdin
	s.cellMu.Unlock()
	defer func() {
		s.cellMu.Lock()
		s.cancel, s.cellCtx = nil, nil
		s.cellMu.Unlock()
	}()
	// Let the node graphs and FileSet files of finished cells be
	// collected (see release.go).
	it, base, n := s.it, s.it.FileSet().Base(), req.ExecutionCount
	defer func() {
		if y := s.yaegi(); y.inOK {
			releaseCompiled(y.in, s.cellFuncs)
		}
		s.cellFuncs = s.cellFuncs[:0]
		s.files.release(it, base, n)
	}()
	s.stdin.reset()
	s.router.setCurrent(owner{out: out, cell: req.ExecutionCount})
	c := &cell{s: s, n: req.ExecutionCount, src: req.Code, out: out, ctx: ctx}
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("execute: recovered panic", "panic", r)
			res.Error = engine.Recovered(r)
		}
	}()
	end := s.beginCell(req.ExecutionCount)
	defer func() { end(res.Error != nil) }()
	if handled, err := c.schedMagic(); handled || err != nil {
		if err != nil {
			res.Error = c.toError(err)
		}
		return res
	}
	err := c.run()
	res.Restart = c.restart
	res.Metadata = s.noteTier(c)
	if err != nil {
		if res.Error = schedError(err); res.Error == nil {
			res.Error = c.toError(err)
		}
		if res.Error.Name == "Exit" && res.Error.Value == "exit status 0" {
			res.Error = nil // os.Exit(0): the program ended well, as go run says
		} else {
			c.noteInterpreterGap(res.Error)
			return res
		}
	}
	if len(req.UserExpressions) > 0 {
		res.UserExpressions = s.userExpressions(ctx, req)
	}
	return res
}

// userExpressions evaluates the request's user_expressions.
func (s *Session) userExpressions(ctx context.Context, req engine.ExecuteRequest) map[string]any {
	m := make(map[string]any, len(req.UserExpressions))
	for name, expr := range req.UserExpressions {
		rec := &captureOutput{}
		c := &cell{s: s, n: req.ExecutionCount, src: expr, out: rec, ctx: ctx}
		vals, shown, err := c.evalExpr(cellast.Item{Kind: cellast.Stmt, Text: expr, Line: 1, Col: 1})
		if err != nil {
			e := c.toError(err)
			m[name] = map[string]any{"status": "error", "ename": e.Name, "evalue": e.Value, "traceback": e.Traceback}
			continue
		}
		data := engine.MIMEBundle{"text/plain": ""}
		if shown {
			if d, _, ok := resultBundle(s.st.types, vals); ok {
				data = d
			}
		}
		m[name] = map[string]any{"status": "ok", "data": data, "metadata": map[string]any{}}
	}
	return m
}

// captureOutput is an engine.Output that drops everything (user
// expressions must not print).
type captureOutput struct{}

func (captureOutput) Stream(string, string)                                   {}
func (captureOutput) Result(engine.MIMEBundle, map[string]any)                {}
func (captureOutput) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (captureOutput) ClearOutput(bool)                                        {}
func (captureOutput) Input(context.Context, string, bool) (string, error) {
	return "", errStdinNotAllowed
}

// cell is one Execute in progress.
type cell struct {
	s   *Session
	n   int
	src string
	out engine.Output
	ctx context.Context

	unknownRanges []*ast.RangeStmt        // range statements of unknown operand type (rangeprobe.go)
	types         *types.Info             // the type check's facts about the cell's files (typecheck.go)
	defines       map[*ast.ValueSpec]bool // the var specs of top-level := (parseUnit)
	imports       []string                // the cell's import specs as source (parseUnit)
	tier, tierWhy string                  // set by MagicCell.Tier; "" is interpreted
	// The trailing expression's number of values and whether it is a
	// print-like call, when the type check knew them (arityFromTypes).
	arityN                int
	printLike, arityKnown bool
	// reading: the trailing expression only reads and has a basic type
	// (readingTrailing), so evalExpr runs it alone.
	reading   bool
	generated bool // running generated source (MagicCell.RunGenerated)
	// initStmts runs statement units and the trailing expression as the
	// body of a func init, which yaegi runs when it executes the file:
	// one compile (see runGo).
	initStmts bool
	restart   bool // %reset asks for a fresh process (ExecuteResult.Restart)
	// The trailing expression parsed as the type check's file
	// (isTrailing; the typed passes rewrite it), nil when it was not
	// parsed so.
	trailing     *ast.File
	trailingFset *token.FileSet // the FileSet trailing is of
}

// directive is the line comment that makes positions read cell[N]:L:C.
// The file is named cell[N]/_.go: yaegi finds a file's imports under the
// base name of an identifier's position, which must stay _.go (the name of
// the file the imports were compiled in); cellPos shortens it for users.
func (c *cell) directive(line, col int) string {
	if c.generated {
		// Generated source (MagicCell.RunGenerated): its positions name
		// no cell, and tracebacks leave its frames out.
		return "/*line _.go:" + strconv.Itoa(line) + ":" + strconv.Itoa(col) + "*/"
	}
	return "/*line cell[" + strconv.Itoa(c.n) + "]/_.go:" + strconv.Itoa(line) + ":" + strconv.Itoa(col) + "*/"
}

// run executes the cell's code: magics first, then Go.
func (c *cell) run() error {
	if m, ok := parseMagic(c.src); ok {
		if handled, err := c.runCellMagic(m, false); handled {
			return err
		}
		return c.runMagic(m)
	}
	if m, ok := c.directiveMagic(); ok {
		if handled, err := c.runCellMagic(m, true); handled {
			return err
		}
	}
	if m, ok := c.claimedMagic(); ok && !c.generated {
		if handled, err := c.runCellMagic(m, true); handled {
			return err
		}
	}
	return c.runGo(c.src)
}

// unit is a run of items compiled together.
type unit struct {
	kind  cellast.Kind // cellast.Decl (decls and defines) or cellast.Stmt
	items []cellast.Item
	last  bool // the trailing expression
}

// runGo splits, rewrites, compiles and runs Go source.
//
// A statement unit (and the trailing expression) compiles as the body of
// a func init, which yaegi runs when it executes the file, instead of a
// func __cellN_K called by a statement compiled on its own: one compile.
// yaegi declares no init, so the unit takes no slot in its global frame
// either. Its panic frames name main.init, which the session shows as
// the cell's (panicFilter); so it does only while no cell declared a func
// init of its own (userInit; a cell whose declarations mention init runs
// the old way too), and while the debugger was never asked for, whose
// stepping sees the named func and its call.
func (c *cell) runGo(src string) error {
	c.initStmts = c.s.debug.Load() == nil && !c.s.userInit.Load()
	key := c.planKey()
	if p := c.s.st.plans[src]; p != nil && p.key == key && !c.generated {
		return c.runPlan(p)
	}
	items := cellast.HoistImports(cellast.Split(src))
	for _, it := range items {
		if it.Kind != cellast.Stmt && strings.Contains(it.Text, "init") {
			c.initStmts = false
		}
	}
	var units []unit
	program := false
	for i, it := range items {
		switch it.Kind {
		case cellast.Package:
			program = true
			continue
		case cellast.Define:
			it.Kind = cellast.Decl
		}
		if i == len(items)-1 && it.Kind == cellast.Stmt && c.isTrailing(it) {
			units = append(units, unit{kind: cellast.Stmt, items: []cellast.Item{it}, last: true})
			break
		}
		if n := len(units); n > 0 && units[n-1].kind == it.Kind {
			units[n-1].items = append(units[n-1].items, it)
			continue
		}
		units = append(units, unit{kind: it.Kind, items: []cellast.Item{it}})
	}
	// Parse everything first: a syntax error anywhere runs nothing.
	files := make([]*ast.File, len(units))
	for i, u := range units {
		if u.last {
			continue
		}
		f, err := c.parseUnit(u)
		if err != nil {
			return err
		}
		files[i] = f
	}
	// Then the imports and the types: an error anywhere runs nothing
	// either.
	if err := c.checkImports(files); err != nil {
		return err
	}
	if err := c.typeCheck(units, files); err != nil {
		return err
	}
	if !program {
		c.keepPlan(src, key, units, files)
	}
	return c.runUnits(units, files, program)
}

// runUnits runs the parsed and checked units of a cell (files: their
// files, nil for the trailing expression).
func (c *cell) runUnits(units []unit, files []*ast.File, program bool) error {
	for i, u := range units {
		if err := c.ctx.Err(); err != nil {
			return err
		}
		if u.last {
			vals, shown, err := c.evalExpr(u.items[0])
			if err != nil {
				return err
			}
			if shown {
				if data, md, ok := resultBundle(c.s.st.types, vals); ok {
					c.out.Result(data, md)
				}
			}
			continue
		}
		var err error
		if u.kind == cellast.Decl {
			before := c.s.it
			err = c.runDecls(files[i], u)
			if err == nil && c.s.it != before {
				err = c.reparse(units[i+1:], files[i+1:])
			}
		} else {
			err = c.runStmts(files[i])
		}
		if err != nil {
			return err
		}
	}
	if program && declaresMain(files) {
		// A whole program: run main once, like go run.
		if _, err := c.call("__main()"); err != nil {
			return err
		}
	}
	return nil
}

// reparse parses units again into files, after a redefinition replaced
// the interpreter (and with it the FileSet its positions belong to: yaegi
// finds a file's imports by the file name of its position, so a unit
// parsed before was "undefined: __gil"), and checks them against the new
// declarations. The trailing expression is left alone: the first check
// rewrote its text already, and it is parsed when it runs.
func (c *cell) reparse(units []unit, files []*ast.File) error {
	var us []unit
	var fs []*ast.File
	for i, u := range units {
		if u.last {
			continue
		}
		f, err := c.parseUnit(u)
		if err != nil {
			return err
		}
		files[i] = f
		us, fs = append(us, u), append(fs, f)
	}
	c.types = nil
	if len(fs) == 0 {
		return nil
	}
	return c.typeCheck(us, fs)
}

// declaresMain reports whether the files declare func main (renamed).
func declaresMain(files []*ast.File) bool {
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && (fd.Name.Name == "__main" || fd.Name.Name == "main") {
				return true
			}
		}
	}
	return false
}

// isTrailing reports whether the last item of a cell is an expression or
// a list of them (isExprList). It parses the item once as the type
// check's trailing file, in the interpreter's FileSet: c.trailing, which
// the check and evalExpr use.
func (c *cell) isTrailing(it cellast.Item) bool {
	// What parses as the arguments of a call (without "...") parses as
	// the elements of a composite literal too, and what does not is no
	// list of expressions: isExprList holds exactly when the parse does.
	switch err := c.parseTrailing(it); {
	case err == nil:
		return true
	case errors.Is(err, typecheck.ErrNotList):
		return isExprList(it.Text)
	}
	return false
}

// parseTrailing parses item it as the type check's trailing file
// (typecheck.ParseTrailing), in the interpreter's FileSet, and keeps it
// as c.trailing.
func (c *cell) parseTrailing(it cellast.Item) error {
	f, err := typecheck.ParseTrailing(c.s.it.FileSet(), c.directive(it.Line, it.Col)+it.Text)
	if err == nil {
		c.trailing, c.trailingFset = f, c.s.it.FileSet()
	}
	return err
}

// isExprList reports whether src is an expression or a list of them.
func isExprList(src string) bool {
	_, err := parser.ParseExpr("[]any{" + src + ",\n}")
	if err != nil {
		return false
	}
	_, err = parser.ParseExpr(src)
	if err == nil {
		return true
	}
	// a, b: a list of expressions, but not a statement like x = 1.
	_, err = parser.ParseExpr("f(" + src + ",\n)")
	return err == nil
}

// parseUnit parses a unit into a file of the interpreter's FileSet:
// declarations as they are, statements in a generated func.
func (c *cell) parseUnit(u unit) (*ast.File, error) {
	var b strings.Builder
	b.WriteString("package main\n")
	if u.kind == cellast.Stmt {
		name := "init"
		if !c.initStmts {
			name = c.funcName()
		}
		fmt.Fprintf(&b, "func %s() {\n", name)
	}
	for _, it := range u.items {
		text := it.Text
		if it.DefineAt > 0 {
			b.WriteString("var\n")
			text = text[:it.DefineAt] + "= " + text[it.DefineAt+2:]
		}
		b.WriteString(c.directive(it.Line, it.Col))
		b.WriteString(text)
		b.WriteString("\n")
	}
	if u.kind == cellast.Stmt {
		b.WriteString("}\n")
	}
	src := b.String()
	f, err := parser.ParseFile(c.s.it.FileSet(), "_.go", src, parser.SkipObjectResolution)
	if err == nil {
		for _, is := range f.Imports {
			c.imports = append(c.imports, importSource(is))
		}
	}
	if err == nil && u.kind == cellast.Decl {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
				c.s.userInit.Store(true)
			}
		}
	}
	if err == nil && u.kind == cellast.Decl && len(f.Decls) == len(u.items) {
		for i, it := range u.items {
			if g, ok := f.Decls[i].(*ast.GenDecl); ok && it.DefineAt > 0 {
				for _, sp := range g.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						if c.defines == nil {
							c.defines = map[*ast.ValueSpec]bool{}
						}
						c.defines[vs] = true
					}
				}
			}
		}
	}
	if err != nil {
		if u.kind == cellast.Stmt {
			// Report the errors of the cell's source alone.
			_, err = parser.ParseFile(token.NewFileSet(), "_.go", b.String(), parser.SkipObjectResolution)
		}
		return nil, &compileError{err: err, syntax: true}
	}
	return f, nil
}

// funcName returns a new name for a generated func of the cell
// (__cellN_K), which is removed from the interpreter's package main when
// the cell ends.
func (c *cell) funcName() string {
	c.s.st.unit++
	name := fmt.Sprintf("__cell%d_%d", c.n, c.s.st.unit)
	c.s.cellFuncs = append(c.s.cellFuncs, name)
	return name
}

// compileError is a failure to parse or compile a cell.
type compileError struct {
	err    error
	syntax bool
}

func (e *compileError) Error() string { return e.err.Error() }
func (e *compileError) Unwrap() error { return e.err }

// interpreterError is a panic inside yaegi itself.
type interpreterError struct {
	construct string
	value     any
}

func (e *interpreterError) Error() string {
	if e.construct != "" {
		return e.construct + " is not supported"
	}
	return fmt.Sprintf("the interpreter failed: %v", e.value)
}

// compile compiles n, turning a yaegi panic into an interpreterError.
func (c *cell) compile(n ast.Node) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			c.s.log.Debug("compile: yaegi panic", "panic", r)
			err = yaegiPanicError(n, r)
		}
	}()
	prog, err = c.compileOnce(n)
	if err != nil && c.unknownRanges != nil {
		prog, err = c.retryRanges(n, err)
	}
	if err != nil {
		var p interp.Panic
		if errors.As(err, &p) {
			return nil, yaegiPanicError(n, p.Value)
		}
		return nil, &compileError{err: err}
	}
	return prog, nil
}

// execute runs a compiled program; ctx cancels it.
func (c *cell) execute(prog *interp.Program) (reflect.Value, error) {
	c.s.yaegi().growFrame() // before yaegi copies the frame to grow it (frame.go)
	if d := c.s.debug.Load(); d != nil {
		if v, ok, err := d.execute(c, prog); ok {
			return v, err
		}
	}
	return c.s.it.ExecuteWithContext(c.ctx, prog)
}

// runDecls dedupes imports, handles redefinitions, then compiles and runs
// a declaration unit.
func (c *cell) runDecls(f *ast.File, u unit) error {
	st := c.s.st
	var decls []ast.Decl
	var newImports []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			decls = append(decls, d)
			continue
		}
		var specs []ast.Spec
		for _, sp := range g.Specs {
			is := sp.(*ast.ImportSpec)
			key := importKey(is)
			if st.imports[key] {
				continue
			}
			specs = append(specs, is)
			newImports = append(newImports, importSource(is))
		}
		if len(specs) > 0 {
			g.Specs = specs
			decls = append(decls, g)
		}
	}
	f.Decls = decls
	if len(decls) == 0 {
		return nil
	}
	newEntries := c.entriesOf(u)
	if c.needsReplay(newEntries) {
		return c.replay(f, newEntries, newImports)
	}
	byValue := initCallsGeneric(c.types, f) // asked before the passes change f
	if err := rewriteFile(c, f); err != nil {
		return err
	}
	c.s.files.keep(c.s.it.FileSet().File(f.Pos()))
	if byValue {
		return c.runDeclsByValue(f, newEntries, newImports)
	}
	prog, err := c.compile(f)
	if isDefinitionLoop(err) {
		return c.runDeclsByValue(f, newEntries, newImports)
	}
	if isConstLoop(err) {
		if u := c.undefinedIn(f); u != nil {
			c.noteFailed(newEntries)
			return u
		}
		// yaegi also says so of a package var initialised by a call of
		// an instantiated generic func (var p = G[int](1)): by value,
		// the initializer runs in a func, where the call works.
		return c.runDeclsByValue(f, newEntries, newImports)
	}
	if err != nil {
		c.noteFailed(newEntries)
		return err
	}
	for _, src := range newImports {
		st.imports[src] = true
		st.importSr = append(st.importSr, src)
	}
	c.record(newEntries)
	if _, err := c.execute(prog); err != nil {
		if isDefinitionLoop(err) {
			return c.runDeclsByValue(f, newEntries, nil)
		}
		return err
	}
	c.registerTypes(f)
	return nil
}

// runStmts compiles the generated func of a statement unit and calls it
// (runs it: an init, see runGo).
func (c *cell) runStmts(f *ast.File) error {
	here := c.initStmts && c.s.debug.Load() == nil && endsAtOnce(f) // asked before the passes add calls
	if err := rewriteFile(c, f); err != nil {
		return err
	}
	prog, err := c.compile(f)
	if err != nil {
		return err
	}
	if here {
		err = c.executeHere(prog)
	} else {
		_, err = c.execute(prog)
	}
	if err != nil {
		return err
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "__cell") {
			return c.runFunc(fd.Name.Name)
		}
	}
	return nil
}

// runFunc calls the generated func name (no parameters, no results) from
// a statement compiled on its own. A call from a package var initializer
// (var _ = name()) would take slots in yaegi's global frame, which never
// shrinks and is copied whole whenever a compile adds to it: this call
// takes none, so a cell of statements adds nothing the session keeps.
func (c *cell) runFunc(name string) error {
	e, err := parser.ParseExprFrom(c.s.it.FileSet(), "_.go", "/*line _.go:1:1*/"+name+"()", parser.SkipObjectResolution)
	if err != nil {
		return &compileError{err: err}
	}
	prog, err := c.compile(&ast.ExprStmt{X: e})
	if err != nil {
		return err
	}
	_, err = c.execute(prog)
	return err
}

// call evaluates a generated call expression with the cell's context.
func (c *cell) call(expr string) (v reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &interpreterError{value: r}
		}
	}()
	return c.s.it.EvalWithContext(c.ctx, expr)
}

func importKey(is *ast.ImportSpec) string {
	return importSource(is)
}

// importSource is an import spec as source, without a name that is the
// package's own (fmt "fmt" is "fmt"): yaegi refuses a second import of a
// package under the same name ("fmt/_.go redeclared"), so the two forms
// must count as one import (the compiled tier's bindings name theirs).
func importSource(is *ast.ImportSpec) string {
	if is.Name != nil && !isDefaultName(is.Name.Name, is.Path.Value) {
		return is.Name.Name + " " + is.Path.Value
	}
	return is.Path.Value
}

// isDefaultName reports whether name is the package name of the quoted
// import path quoted: its last element, or the standard library's name
// for it (rand for math/rand/v2).
func isDefaultName(name, quoted string) bool {
	p, err := strconv.Unquote(quoted)
	if err != nil || name == "_" || name == "." {
		return false
	}
	if name == path.Base(p) {
		return true
	}
	_, ok := stdlib.Symbols[p+"/"+name]
	return ok
}

// discard is an io.Writer for output nobody must see.
var _ io.Writer = (*streamWriter)(nil)
