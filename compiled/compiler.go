package compiled

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"plugin"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/compiled/rt"
	"github.com/gilgo/gilgo/internal/gocmd"
	"github.com/gilgo/gilgo/internal/piddir"
)

// Options configure a Compiler. The zero value is usable.
type Options struct {
	// ModuleRoot is the gilgo checkout the running binary was built from.
	// Empty: $GILGO_SRC, else the source directory recorded in the binary.
	ModuleRoot string
	// WorkDir holds the cell modules and plugins. Empty: a new temporary
	// directory that Close removes.
	WorkDir string
	// GoBin is the go command. Empty: "go" from PATH.
	GoBin string
	// Logger receives build commands and timings; nil discards them.
	Logger *slog.Logger
	// Progress, if set, receives one line when a build takes more than a
	// second (the first build warms the Go cache: 9.3 s on an empty cache on
	// 2026-12-04, docs/compiled.md).
	Progress func(string)
}

// Compiler builds cells into plugins and loads them into this process.
type Compiler struct {
	opts    Options
	log     *slog.Logger
	root    string
	rootErr error
	host    hostBuild
	hostErr error
	tmp     bool // WorkDir was created by New

	availOnce sync.Once
	availErr  error

	linkOnce sync.Once
	ldflags  string // -ldflags of every build (linkFlags)

	// noCheckpoints leaves out the check points (benchmarks only).
	noCheckpoints bool

	mu    sync.Mutex // serialises Compile
	mod   string     // module directory inside WorkDir, with go.mod and go.work
	token string
	seq   int
}

// Result is a loaded compiled cell.
type Result struct {
	// Package is the import path and name cells use: "gilgo_c0001".
	Package string
	// Exports is the yaegi package to Use: key Package+"/"+Package with
	// X__<func> (func values), V__<var> (pointers to the plugin's vars)
	// and each type under its own name.
	Exports interp.Exports
	// Names are the funcs Bindings defines, in source order.
	Names []string
	// Vars and Types are the other exported symbols.
	Vars, Types []string
	// Skipped lists declarations not bound, with the reason.
	Skipped []string
	// Bindings is interpreted Go source to run after Use(Exports): the
	// imports its signatures need, an import of Package, an alias per type
	// (type Point = gilgo_c0001.Point) and one thin wrapper per func, e.g.
	//	func fib(p0 int) int { return gilgo_c0001.X__fib(p0) }
	// so later cells call fib by name and a later definition replaces it.
	Bindings string
	// Main is interpreted Go source that runs a program's main once (to
	// run after Use(Exports), without Bindings), for CompileProgram.
	Main string
	// BuildTime is the wall time of go build; PluginSize the .so's size.
	BuildTime  time.Duration
	PluginSize int64
	// Plugin is the path of the .so.
	Plugin string
}

// New returns a Compiler. It fails only when WorkDir cannot be created;
// whether compiling can work at all is Available's answer.
func New(opts Options) (*Compiler, error) {
	c := &Compiler{opts: opts, log: opts.Logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.opts.WorkDir == "" {
		if err := piddir.Sweep(workDirPrefix); err != nil {
			c.log.Warn("remove stale work directories", "err", err)
		}
		d, err := piddir.Make(workDirPrefix)
		if err != nil {
			return nil, fmt.Errorf("compiled: work dir: %w", err)
		}
		c.opts.WorkDir, c.tmp = d, true
	} else if err := os.MkdirAll(c.opts.WorkDir, 0o755); err != nil {
		return nil, fmt.Errorf("compiled: work dir: %w", err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("compiled: random module name: %w", err)
	}
	c.token = hex.EncodeToString(b[:])
	c.root, c.rootErr = findModuleRoot(opts.ModuleRoot)
	c.host, c.hostErr = readHost()
	return c, nil
}

// workDirPrefix starts the name of the work directory New makes, followed
// by the process id: gilgo-compiled-pid1234-… (piddir). New first removes
// those of processes that have ended without Close (a killed or crashed
// worker left its plugins behind, a few MB each).
const workDirPrefix = "gilgo-compiled-pid"

// Close removes the work directory if New created it. Loaded plugins stay
// mapped (Go cannot unload them).
func (c *Compiler) Close() error {
	if c.tmp {
		return os.RemoveAll(c.opts.WorkDir)
	}
	return nil
}

// ModuleRoot returns the checkout plugins are built against ("" if unknown).
func (c *Compiler) ModuleRoot() string { return c.root }

// Check returns nil if cells can be compiled in this process, else a
// one-line reason: Available of a Compiler made with default Options.
func Check() error {
	c, err := New(Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Available()
}

// Available returns nil if cells can be compiled, else a one-line reason.
// The answer is computed once.
func (c *Compiler) Available() error {
	c.availOnce.Do(func() { c.availErr = c.available() })
	return c.availErr
}

func (c *Compiler) available() error {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" {
		return fmt.Errorf("Go plugins are not supported on %s", runtime.GOOS)
	}
	if c.hostErr != nil {
		return c.hostErr
	}
	if !c.host.cgo {
		return errors.New("this worker was built without plugin support (CGO_ENABLED=0)")
	}
	if err := checkToolchain(c.opts.GoBin, c.host); err != nil {
		return err
	}
	if c.rootErr != nil {
		return c.rootErr
	}
	return nil
}

// Compile builds the declarations of cell src (funcs, types, vars, consts,
// imports; no statements) into a plugin, opens it and returns its
// symbols. A build error is a *BuildError with cell[N]:LINE:COL lines.
//
// pkgs are the session's packages as given to yaegi (nil: none): a cell
// package among them ("gil", "sys", "display", ...) that the cell imports
// is bound to the same values in the plugin (see cellpkg.go), so that
// compiled code reaches the worker's own instances. Compile calls are
// serialised.
func (c *Compiler) Compile(ctx context.Context, src string, cell int, pkgs interp.Exports) (Result, error) {
	return c.compile(ctx, src, cell, pkgs, false)
}

// CompileProgram is Compile for a whole program's cell: func main is
// bound too (as main, among Names), for the session to call once.
func (c *Compiler) CompileProgram(ctx context.Context, src string, cell int, pkgs interp.Exports) (Result, error) {
	return c.compile(ctx, src, cell, pkgs, true)
}

func (c *Compiler) compile(ctx context.Context, src string, cell int, pkgs interp.Exports, program bool) (Result, error) {
	if err := c.Available(); err != nil {
		return Result{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ensureModule(); err != nil {
		return Result{}, err
	}
	cellPkgs := cellPackages(pkgs)
	shim := func(path string) (string, bool, error) {
		syms, ok := cellPkgs[path]
		if !ok {
			return "", false, nil
		}
		to, err := c.shim(path, syms)
		return to, err == nil, err
	}
	g, err := generate(src, cell, genOptions{noCheckpoints: c.noCheckpoints, program: program, shim: shim})
	if err != nil {
		return Result{}, err
	}
	c.seq++
	pkg := fmt.Sprintf("gilgo_c%04d", c.seq)
	dir := filepath.Join(c.mod, fmt.Sprintf("%s%04d", cellDirPf, c.seq))
	so := dir + ".so"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("compiled: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(g.src), 0o644); err != nil {
		return Result{}, fmt.Errorf("compiled: %w", err)
	}
	start := time.Now()
	if err := c.build(ctx, dir, so, cell); err != nil {
		return Result{}, err
	}
	res := Result{Package: pkg, BuildTime: time.Since(start), Plugin: so, Skipped: g.decls.skipped}
	if st, err := os.Stat(so); err == nil {
		res.PluginSize = st.Size()
	}
	c.log.Info("compiled cell", "cell", cell, "package", pkg, "build", res.BuildTime, "size", res.PluginSize)
	defer rt.SetPackages(cellPkgs)() // the shims bind their symbols when the plugin opens
	if err := c.load(g, &res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// ensureModule writes the cell module and its go.work once.
func (c *Compiler) ensureModule() error {
	if c.mod != "" {
		return nil
	}
	mod := filepath.Join(c.opts.WorkDir, "g"+c.token)
	if err := os.MkdirAll(mod, 0o755); err != nil {
		return fmt.Errorf("compiled: %w", err)
	}
	v := strings.TrimPrefix(c.host.goVersion, "go")
	if i := strings.IndexFunc(v, func(r rune) bool { return r != '.' && (r < '0' || r > '9') }); i >= 0 {
		v = v[:i]
	}
	gomod := fmt.Sprintf("module %s\n\ngo %s\n", c.modPath(), v)
	gowork := fmt.Sprintf("go %s\n\nuse (\n\t.\n\t%s\n)\n", v, c.root)
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		return fmt.Errorf("compiled: %w", err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.work"), []byte(gowork), 0o644); err != nil {
		return fmt.Errorf("compiled: %w", err)
	}
	c.mod = mod
	return nil
}

// modPath is the module path of the cell module.
func (c *Compiler) modPath() string { return "gilgo_g" + c.token }

// buildEnv is the environment of go build: the host's target settings,
// cgo on, this module's go.work, no GOFLAGS from the user (-mod=mod is
// refused in workspace mode) and no toolchain switch.
func (c *Compiler) buildEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOFLAGS", "GOWORK", "CGO_ENABLED", "GOTOOLCHAIN", "GOOS", "GOARCH", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOPPC64", "GORISCV64", "GOEXPERIMENT":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GOFLAGS=-buildvcs=false", "GOWORK="+filepath.Join(c.mod, "go.work"), "CGO_ENABLED=1", "GOTOOLCHAIN=local")
	return append(env, c.host.env...)
}

// backgroundKey marks a context whose builds run in the background
// (Background).
type backgroundKey struct{}

// Background returns ctx for a Compile nobody waits on (the session's
// auto-compiler), which must not get in the way of the cell that happens
// to run meanwhile: its build tells Options.Progress nothing, and where
// this process has one core (GOMAXPROCS 1) its go command runs at the
// lowest CPU priority (gocmd.Lower), taking the core only when the cells
// leave it idle. With more cores it runs as usual, so that the native code
// is ready for the next cell.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// build runs go build -buildmode=plugin in dir.
func (c *Compiler) build(ctx context.Context, dir, so string, cell int) error {
	gobin := c.opts.GoBin
	if gobin == "" {
		gobin = "go"
	}
	args := append([]string{"build", "-buildmode=plugin"}, c.host.flags...)
	args = append(args, "-ldflags="+c.linkFlags(gobin), "-o", so, ".")
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Dir = dir
	cmd.Env = c.buildEnv()
	gocmd.Group(cmd)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	background := ctx.Value(backgroundKey{}) != nil
	c.log.Debug("go build", "dir", dir, "args", args)
	if c.opts.Progress != nil && !background {
		msg := fmt.Sprintf("compiling cell[%d] with go build", cell)
		if c.seq == 1 {
			msg += " (the first build warms the Go cache and can take 30 s)"
		}
		t := time.AfterFunc(time.Second, func() { c.opts.Progress(msg) })
		defer t.Stop()
	}
	err := cmd.Start()
	if err == nil {
		if background && runtime.GOMAXPROCS(0) == 1 {
			if lerr := gocmd.Lower(cmd); lerr != nil {
				c.log.Debug("go build at normal priority", "err", lerr)
			}
		}
		err = cmd.Wait()
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("compiled: build cancelled: %w", ctx.Err())
		}
		return buildError(cell, out.String(), err)
	}
	return nil
}

// linkFlags returns the -ldflags of every build, chosen once (see
// ldflags).
func (c *Compiler) linkFlags(gobin string) string {
	c.linkOnce.Do(func() {
		c.ldflags = ldflags(gobin, c.buildEnv())
		c.log.Debug("link flags", "ldflags", c.ldflags)
	})
	return c.ldflags
}

// load opens the plugin and collects its symbols and the bindings.
func (c *Compiler) load(g *generated, res *Result) error {
	p, err := openPlugin(res.Plugin)
	if err != nil {
		return openError(err, c.root)
	}
	syms := map[string]reflect.Value{}
	look := func(name string) (plugin.Symbol, error) {
		s, err := p.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("compiled: look up %s: %w", name, err)
		}
		return s, nil
	}
	types := map[string]bool{}
	for _, t := range g.decls.types {
		s, err := look(typePfx + t)
		if err != nil {
			return err
		}
		syms[t] = reflect.Zero(reflect.TypeOf(s).Elem()) // a nil *T
		types[t] = true
		res.Types = append(res.Types, t)
	}
	for _, v := range g.decls.vars {
		s, err := look(varPfx + v)
		if err != nil {
			return err
		}
		syms[varPfx+v] = reflect.ValueOf(s).Elem() // the *T the plugin var points at
		res.Vars = append(res.Vars, v)
	}
	var b strings.Builder
	used := map[string]bool{} // import names the signatures use
	var wrappers []string
	for _, fd := range g.decls.funcs {
		s, err := look(funcPfx + fd.Name.Name)
		if err != nil {
			return err
		}
		syms[funcPfx+fd.Name.Name] = reflect.ValueOf(s).Elem()
		w, err := wrapper(g.fset, fd, res.Package, types, used)
		if err != nil {
			res.Skipped = append(res.Skipped, fd.Name.Name+" ("+err.Error()+")")
			continue
		}
		wrappers = append(wrappers, w)
		res.Names = append(res.Names, fd.Name.Name)
	}
	for _, name := range g.decls.constUses {
		used[name] = true
	}
	names := make([]string, 0, len(used))
	for name := range used {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if p, ok := g.decls.imports[name]; ok {
			fmt.Fprintf(&b, "import %s %q\n", name, p)
		}
	}
	fmt.Fprintf(&b, "import %s %q\n", res.Package, res.Package)
	for _, t := range res.Types {
		fmt.Fprintf(&b, "type %s = %s.%s\n", t, res.Package, t)
	}
	// Consts are values, not storage: the bindings repeat them as written.
	for _, c := range g.decls.consts {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	for _, w := range wrappers {
		b.WriteString(w)
		b.WriteByte('\n')
	}
	res.Bindings = b.String()
	if _, ok := syms[funcPfx+"main"]; ok && g.program {
		res.Main = fmt.Sprintf("import %s %q\n%s.%smain()\n", res.Package, res.Package, res.Package, funcPfx)
	}
	res.Exports = interp.Exports{res.Package + "/" + res.Package: syms}
	return nil
}

// openPlugin is plugin.Open with a panic of the plugin's initialisation
// (a shim whose symbol is missing) as an error.
func openPlugin(path string) (p *plugin.Plugin, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plugin.Open(%q): initialisation panicked: %v", path, r)
		}
	}()
	return plugin.Open(path)
}

// wrapper prints `func name(p0 T0, p1 ...T1) R { return pkg.X__name(p0, p1...) }`
// with the cell's own types qualified by pkg.
func wrapper(fset *token.FileSet, fd *ast.FuncDecl, pkg string, types, used map[string]bool) (string, error) {
	var params, args []string
	variadic := false
	for _, f := range fd.Type.Params.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			p := fmt.Sprintf("p%d", len(args))
			t := f.Type
			if e, ok := t.(*ast.Ellipsis); ok {
				variadic = true
				t = e.Elt
				ts, err := typeString(fset, t, pkg, types, used)
				if err != nil {
					return "", err
				}
				params = append(params, p+" ..."+ts)
			} else {
				ts, err := typeString(fset, t, pkg, types, used)
				if err != nil {
					return "", err
				}
				params = append(params, p+" "+ts)
			}
			args = append(args, p)
		}
	}
	var results []string
	if fd.Type.Results != nil {
		for _, f := range fd.Type.Results.List {
			ts, err := typeString(fset, f.Type, pkg, types, used)
			if err != nil {
				return "", err
			}
			n := max(len(f.Names), 1)
			for range n {
				results = append(results, ts)
			}
		}
	}
	call := pkg + "." + funcPfx + fd.Name.Name + "(" + strings.Join(args, ", ")
	if variadic {
		call += "..."
	}
	call += ")"
	res := ""
	switch len(results) {
	case 0:
	case 1:
		res = " " + results[0]
		call = "return " + call
	default:
		res = " (" + strings.Join(results, ", ") + ")"
		call = "return " + call
	}
	return fmt.Sprintf("func %s(%s)%s { %s }", fd.Name.Name, strings.Join(params, ", "), res, call), nil
}

// typeString prints a type expression with the cell's types qualified.
func typeString(fset *token.FileSet, t ast.Expr, pkg string, types, used map[string]bool) (string, error) {
	var bad error
	t = qualify(t, pkg, types, used, &bad)
	if bad != nil {
		return "", bad
	}
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, t); err != nil {
		return "", fmt.Errorf("print type: %w", err)
	}
	return b.String(), nil
}

// qualify returns a copy of type expression t with idents naming the
// cell's types replaced by pkg.T, recording the import names used.
func qualify(t ast.Expr, pkg string, types, used map[string]bool, bad *error) ast.Expr {
	q := func(x ast.Expr) ast.Expr { return qualify(x, pkg, types, used, bad) }
	fields := func(l *ast.FieldList) *ast.FieldList {
		if l == nil {
			return nil
		}
		out := &ast.FieldList{}
		for _, f := range l.List {
			out.List = append(out.List, &ast.Field{Names: f.Names, Type: q(f.Type), Tag: f.Tag})
		}
		return out
	}
	switch t := t.(type) {
	case *ast.Ident:
		if types[t.Name] {
			return &ast.SelectorExpr{X: ast.NewIdent(pkg), Sel: ast.NewIdent(t.Name)}
		}
		return t
	case *ast.SelectorExpr:
		if x, ok := t.X.(*ast.Ident); ok {
			used[x.Name] = true
		}
		return t
	case *ast.StarExpr:
		return &ast.StarExpr{X: q(t.X)}
	case *ast.ParenExpr:
		return q(t.X)
	case *ast.ArrayType:
		return &ast.ArrayType{Len: t.Len, Elt: q(t.Elt)}
	case *ast.MapType:
		return &ast.MapType{Key: q(t.Key), Value: q(t.Value)}
	case *ast.ChanType:
		return &ast.ChanType{Dir: t.Dir, Value: q(t.Value)}
	case *ast.Ellipsis:
		return &ast.Ellipsis{Elt: q(t.Elt)}
	case *ast.FuncType:
		return &ast.FuncType{Params: fields(t.Params), Results: fields(t.Results)}
	case *ast.StructType:
		return &ast.StructType{Fields: fields(t.Fields)}
	case *ast.InterfaceType:
		if t.Methods != nil && len(t.Methods.List) > 0 {
			*bad = errors.New("interface type with methods in its signature")
		}
		return t
	default:
		*bad = fmt.Errorf("unsupported type %T in its signature", t)
		return t
	}
}
