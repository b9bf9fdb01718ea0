package modules

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"log/slog"
	"os"
	"path/filepath"
	"plugin"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/semver"
	"golang.org/x/tools/go/gcexportdata"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/piddir"
	"github.com/gilgo/gilgo/session/hook"
)

// Options configure a Loader. The zero value is usable.
type Options struct {
	// Dir is where the search for a go.mod starts: the kernel's working
	// directory, which is the notebook's. Empty: the working directory.
	Dir string
	// CacheDir holds the session's own module (used when no go.mod is
	// found) and the plugins built, shared by every kernel of the user.
	// Empty: $GILGO_CACHE, else os.UserCacheDir()/gilgo.
	CacheDir string
	// SharedCacheDirs are read-only caches of plugins, searched before
	// CacheDir (a course's, built once for every student: see
	// deploy/jupyterhub/README.md). Nil: the directories listed in
	// $GILGO_SHARED_CACHE, separated by the OS's list separator.
	SharedCacheDirs []string
	// GoBin is the go command. Empty: go from PATH.
	GoBin string
	// Env, if set, replaces this process's environment for the go
	// commands (GOPROXY, GOFLAGS, GONOSUMDB... are the user's otherwise).
	Env []string
	// Logger receives the go commands run; nil discards them.
	Logger *slog.Logger
}

// CacheEnv names the environment variable that overrides the cache
// directory; SharedCacheEnv the one that lists shared read-only caches.
const (
	CacheEnv       = "GILGO_CACHE"
	SharedCacheEnv = "GILGO_SHARED_CACHE"
)

// ownModulePath is the module path of the session's own module.
const ownModulePath = "notebook"

// gilgoModule is gilgo's own module: a go.mod declaring it (the bundled
// notebooks sit in gilgo's checkout) is not a notebook's.
const gilgoModule = "github.com/gilgo/gilgo"

// The name prefixes of a Loader's temporary directories (internal/piddir):
// gilgo-gopath-pid1234-… and gilgo-modules-pid1234-….
const (
	gopathPrefix = "gilgo-gopath-pid"
	workPrefix   = "gilgo-modules-pid"
)

// Loader makes the packages of Go modules importable in one session.
type Loader struct {
	opts Options
	log  *slog.Logger
	// gopath is the GOPATH yaegi reads source packages from (GoPath):
	// named by New, made by the first link (ensureGoPath).
	gopath string

	// The module in effect, found by New: a go.mod in Dir or a parent,
	// else the session's own module under CacheDir (own).
	modDir, modPath string
	own             bool

	mu sync.Mutex // one Import or Command at a time
	// work is the build workspace (go.mod, go.work, one dir per plugin),
	// "" until ensureWork makes it; written holding mu and dirs.
	work      string
	modReady  bool                                // the session's own go.mod is there (ensureModule)
	workReady bool                                // go.mod and go.work written
	binary    map[string]map[string]reflect.Value // path → symbol table, of loaded plugins
	keys      map[string]string                   // path → its key in Exports ("path/name")
	loadedAt  map[string]string                   // path → the module version it was loaded at
	source    map[string]string                   // path → version, of packages linked under gopath
	mods      map[string]*listedModule            // module path → module, of everything loaded

	builds int // plugins built (not found in the cache)

	recipeOnce      sync.Once
	flags, buildEnv []string
	recipeErr       error

	// dirs guards which temporary directories exist, for Close, which
	// takes only this lock and so never waits for an Import.
	dirs struct {
		sync.Mutex
		gopath bool // the GOPATH directory is made
		swept  bool // the stale directories of ended processes are removed
		closed bool // Close ran: no directory is made any more
	}
}

// New returns a Loader for the module in effect at opts.Dir. It runs no
// go command and makes no directory; it fails only when opts.Dir is empty
// and the working directory cannot be read.
func New(opts Options) (*Loader, error) {
	l := &Loader{opts: opts, log: opts.Logger,
		binary: map[string]map[string]reflect.Value{}, keys: map[string]string{},
		loadedAt: map[string]string{}, source: map[string]string{}, mods: map[string]*listedModule{}}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.opts.Dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("modules: working directory: %w", err)
		}
		l.opts.Dir = wd
	}
	if l.opts.CacheDir == "" {
		l.opts.CacheDir = os.Getenv(CacheEnv)
	}
	if l.opts.CacheDir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			d = os.TempDir()
		}
		l.opts.CacheDir = filepath.Join(d, "gilgo")
	}
	if l.opts.SharedCacheDirs == nil {
		l.opts.SharedCacheDirs = filepath.SplitList(os.Getenv(SharedCacheEnv))
	}
	l.modDir, l.modPath = findModule(l.opts.Dir)
	if l.modDir == "" {
		l.modDir, l.modPath, l.own = filepath.Join(l.opts.CacheDir, "module"), ownModulePath, true
	}
	l.gopath = piddir.Name(gopathPrefix)
	return l, nil
}

// Close removes the temporary directories the Loader made; an Import
// after Close fails. Loaded plugins stay mapped until the process exits.
func (l *Loader) Close() error {
	l.dirs.Lock()
	defer l.dirs.Unlock()
	l.dirs.closed = true
	var errs []error
	if l.dirs.gopath {
		errs = append(errs, os.RemoveAll(l.gopath))
	}
	if l.work != "" {
		errs = append(errs, os.RemoveAll(l.work))
	}
	return errors.Join(errs...)
}

// GoPath implements hook.Modules: the same path on every call, which the
// session hands its interpreter and type check when it starts. The
// directory is made by the first import of a package interpreted from
// source; until then it does not exist, which both read as an empty
// GOPATH.
func (l *Loader) GoPath() string { return l.gopath }

// ensureGoPath makes the directory GoPath names. Callers hold mu.
func (l *Loader) ensureGoPath() error {
	l.dirs.Lock()
	defer l.dirs.Unlock()
	if l.dirs.gopath {
		return nil
	}
	if err := l.beforeMakeLocked(); err != nil {
		return err
	}
	// Mkdir, not MkdirAll: the session reads packages from this path
	// before it is made, so its name is one nobody can guess
	// (piddir.Name), and a directory of that name made by someone else
	// is refused, not used.
	if err := os.Mkdir(l.gopath, 0o700); err != nil {
		return fmt.Errorf("modules: gopath: %w", err)
	}
	l.dirs.gopath = true
	return nil
}

// ensureWorkDir makes the build workspace's directory. Callers hold mu.
func (l *Loader) ensureWorkDir() error {
	if l.work != "" {
		return nil
	}
	l.dirs.Lock()
	defer l.dirs.Unlock()
	if err := l.beforeMakeLocked(); err != nil {
		return err
	}
	d, err := piddir.Make(workPrefix)
	if err != nil {
		return fmt.Errorf("modules: work directory: %w", err)
	}
	l.work = d
	return nil
}

// beforeMakeLocked runs, holding dirs, before the Loader makes a temporary
// directory: it fails after Close, and the first time it removes the
// directories of both kinds that processes ended without Close left (a
// killed worker).
func (l *Loader) beforeMakeLocked() error {
	if l.dirs.closed {
		return errors.New("modules: the loader is closed")
	}
	if !l.dirs.swept {
		l.dirs.swept = true
		if err := piddir.Sweep(gopathPrefix, workPrefix); err != nil {
			l.log.Warn("remove stale temporary directories", "err", err)
		}
	}
	return nil
}

// ModFile returns the path of the go.mod in effect (which may not exist
// yet, for the session's own module).
func (l *Loader) ModFile() string { return filepath.Join(l.modDir, "go.mod") }

// Wants implements hook.Modules: a path whose first element has a dot
// (a module's, not the standard library's), or one under the module in
// effect.
func (l *Loader) Wants(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	if strings.Contains(first, ".") {
		return true
	}
	return !l.own && (path == l.modPath || strings.HasPrefix(path, l.modPath+"/"))
}

// findModule returns the directory and module path of the go.mod in dir
// or the nearest parent, or "" when there is none (or it is gilgo's own).
func findModule(dir string) (string, string) {
	for d := filepath.Clean(dir); ; {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			p := modulePath(data)
			if p == "" || p == gilgoModule {
				return "", ""
			}
			return d, p
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", ""
		}
		d = parent
	}
}

// modulePath returns the path of a go.mod's module line.
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], "\"`")
		}
	}
	return ""
}

// Import implements hook.Modules.
func (l *Loader) Import(ctx context.Context, paths []string, out engine.Output) (hook.Exports, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	pr := engine.StartProgress(out, "importing "+strings.Join(paths, ", "))
	ex, err := l.importLocked(ctx, paths, pr)
	if err != nil {
		pr.Finish("import " + strings.Join(paths, ", ") + ": failed")
		return nil, err
	}
	pr.Finish("imported " + strings.Join(paths, ", "))
	return ex, nil
}

func (l *Loader) importLocked(ctx context.Context, paths []string, pr *engine.Progress) (hook.Exports, error) {
	if err := l.ensureWork(); err != nil {
		return nil, err
	}
	pr.Set("resolving " + strings.Join(paths, ", "))
	pkgs, _, err := l.list(ctx, false, paths...)
	if err != nil {
		return nil, l.wrapErr(paths[0], err)
	}
	// A package whose module the go.mod in effect does not require
	// itself (only through another module) is refused by go build.
	gomod, _ := os.ReadFile(l.ModFile())
	var missing []string
	for _, p := range paths {
		lp := pkgs[p]
		if lp == nil || lp.Standard {
			continue
		}
		if lp.Error != nil && notProvided(lp.Error.Err) ||
			lp.Error == nil && lp.Module != nil && lp.Module.Path != l.modPath && !requires(gomod, lp.Module.Path) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		if !l.own {
			return nil, &Error{Path: missing[0], Cause: "no module required by " + l.ModFile() + " provides it",
				Fix: "add it with %go get " + missing[0] + " (or a require line), then run the cell again"}
		}
		pr.Set("downloading " + strings.Join(missing, ", ") + " (go get)")
		if out, err := l.run(ctx, l.modDir, []string{"GOWORK=off"}, append([]string{"get", "--"}, missing...)...); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, l.classify(missing[0], string(out))
		}
		if pkgs, _, err = l.list(ctx, false, paths...); err != nil {
			return nil, l.wrapErr(paths[0], err)
		}
	}
	for _, p := range paths {
		lp := pkgs[p]
		switch {
		case lp == nil:
			return nil, &Error{Path: p, Cause: "go list did not describe it", Fix: "check the import path"}
		case lp.Error != nil:
			return nil, l.classify(p, lp.Error.Err)
		case len(lp.DepsErrors) > 0:
			return nil, l.classify(p, lp.DepsErrors[0].Err)
		case lp.Standard:
			return nil, &Error{Path: p, Cause: "it is a standard-library package this kernel does not offer", Fix: "see docs/stdlib.md for what is missing"}
		case lp.Name == "main":
			return nil, &Error{Path: p, Cause: "it is a command (package main), not a package", Fix: "import one of its module's packages"}
		}
	}
	bin, src, err := l.plan(paths, pkgs)
	if err != nil {
		return nil, err
	}
	raise, err := l.checkFixed(pkgs)
	if err != nil {
		return nil, err
	}
	if len(raise) > 0 {
		pr.Set("go get " + strings.Join(raise, " ") + " (the kernel's versions)")
		if out, err := l.run(ctx, l.modDir, []string{"GOWORK=off"}, append([]string{"get", "--"}, raise...)...); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, l.classify(paths[0], string(out))
		}
		if pkgs, _, err = l.list(ctx, false, paths...); err != nil {
			return nil, l.wrapErr(paths[0], err)
		}
		if _, err := l.checkFixed(pkgs); err != nil {
			return nil, err
		}
	}
	var todo []string
	for _, p := range bin {
		if _, ok := l.binary[p]; !ok {
			todo = append(todo, p)
		}
	}
	if len(todo) > 0 {
		if err := l.loadPlugin(ctx, todo, pkgs, pr); err != nil {
			return nil, err
		}
	}
	for _, p := range src {
		if err := l.link(pkgs[p]); err != nil {
			return nil, err
		}
	}
	ex := hook.Exports{}
	for _, p := range bin {
		ex[l.keys[p]] = l.binary[p]
	}
	return ex, nil
}

// requires reports whether go.mod text gomod has a require line for
// module path.
func requires(gomod []byte, path string) bool {
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require"))
		if len(f) >= 2 && f[0] == path {
			return true
		}
	}
	return false
}

// notProvided reports whether a go list error says that no module in the
// build list provides the package (go get would add one).
func notProvided(msg string) bool {
	return strings.Contains(msg, "no required module provides package") ||
		strings.Contains(msg, "cannot find module providing package") ||
		strings.Contains(msg, "from implicitly required module") ||
		strings.Contains(msg, "is not in std")
}

// ensureModule creates the session's own module on first use (a
// notebook's go.mod is never written). Callers hold mu.
func (l *Loader) ensureModule() error {
	if !l.own || l.modReady {
		return nil
	}
	if _, err := os.Stat(l.ModFile()); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(l.modDir, 0o755); err != nil {
			return fmt.Errorf("modules: session module: %w", err)
		}
		gomod := fmt.Sprintf("// The module of gilgo notebooks that have no go.mod of their own:\n// %%go get changes it. Delete it to start afresh.\nmodule %s\n\ngo %s\n", ownModulePath, goVersion())
		if err := writeAtomic(l.ModFile(), []byte(gomod)); err != nil {
			return fmt.Errorf("modules: session module: %w", err)
		}
	}
	l.modReady = true
	return nil
}

// ensureWork writes the build workspace, made on first use: a module of
// its own for the plugins' main packages and a go.work that uses it and
// the module in effect, whose requirements (and replacements) then decide
// every version. Callers hold mu.
func (l *Loader) ensureWork() error {
	if l.workReady {
		return nil
	}
	if err := l.ensureModule(); err != nil {
		return err
	}
	if err := l.ensureWorkDir(); err != nil {
		return err
	}
	v := goVersion()
	gomod := fmt.Sprintf("module gilgo.local/plugins\n\ngo %s\n", v)
	gowork := fmt.Sprintf("go %s\n\nuse (\n\t%s\n\t.\n)\n", v, strings.ReplaceAll(l.modDir, `\`, `/`))
	if err := os.WriteFile(filepath.Join(l.work, "go.mod"), []byte(gomod), 0o644); err != nil {
		return fmt.Errorf("modules: %w", err)
	}
	if err := os.WriteFile(filepath.Join(l.work, "go.work"), []byte(gowork), 0o644); err != nil {
		return fmt.Errorf("modules: %w", err)
	}
	l.workReady = true
	return nil
}

// goVersion is the toolchain's version as a go line writes it (1.26.8).
func goVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	if i := strings.IndexFunc(v, func(r rune) bool { return r != '.' && (r < '0' || r > '9') }); i >= 0 {
		v = v[:i]
	}
	return v
}

// plan decides how each package a cell imports runs: compiled into a
// plugin (bin), or interpreted from source (src) when its API is generic
// (yaegi instantiates generics only from source). A source package's
// imports are planned too: its internal packages and generic ones from
// source, the rest compiled.
func (l *Loader) plan(paths []string, pkgs map[string]*listed) (bin, src []string, err error) {
	seen := map[string]bool{}
	var visit func(p string, fromSource bool) error
	visit = func(p string, fromSource bool) error {
		lp := pkgs[p]
		if seen[p] || lp == nil || lp.Standard || p == "C" || p == "unsafe" {
			return nil
		}
		seen[p] = true
		generic, err := genericAPI(lp)
		if err != nil {
			return &Error{Path: p, Cause: err.Error(), Fix: "check the package's source"}
		}
		if !generic && !(fromSource && !importable(p)) {
			bin = append(bin, p)
			return nil
		}
		if len(lp.CgoFiles) > 0 {
			return &Error{Path: p, Cause: "it uses cgo and has generic functions or types, which only interpreted source provides, and the interpreter cannot run cgo",
				Fix: "use a package without cgo, or wrap the calls you need in a %%compile cell"}
		}
		src = append(src, p)
		for _, imp := range lp.Imports {
			if err := visit(imp, true); err != nil {
				return err
			}
		}
		return nil
	}
	for _, p := range paths {
		if err := visit(p, false); err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(bin)
	return bin, src, nil
}

// genericAPI reports whether a package exports a generic func or type or
// a constraint,
// read from its source (no type check needed).
func genericAPI(lp *listed) (bool, error) {
	fset := token.NewFileSet()
	for _, name := range append(append([]string{}, lp.GoFiles...), lp.CgoFiles...) {
		f, err := parser.ParseFile(fset, filepath.Join(lp.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return false, fmt.Errorf("parse: %w", err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() && d.Type.TypeParams != nil {
					return true, nil
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.IsExported() && (ts.TypeParams != nil || isConstraint(ts.Type)) {
						return true, nil
					}
				}
			}
		}
	}
	return false, nil
}

// isConstraint reports whether t is an interface with a type set
// (~int | ~float64...), which only generic code can use.
func isConstraint(t ast.Expr) bool {
	it, ok := t.(*ast.InterfaceType)
	if !ok {
		return false
	}
	for _, f := range it.Methods.List {
		if len(f.Names) == 0 {
			switch f.Type.(type) {
			case *ast.BinaryExpr, *ast.UnaryExpr:
				return true
			}
		}
	}
	return false
}

// checkFixed compares the module versions the build would compile with
// those this process already holds: the kernel's own modules and those of
// plugins loaded before. One process cannot load two versions of a
// package, so a plugin built with another version would not open. An
// older version in the session's own module is raised to the one held
// (raise lists module@version for go get, as MVS allows); a newer one, or
// an older one in a notebook's go.mod (which gilgo does not edit on its
// own), is an Error naming the fix.
func (l *Loader) checkFixed(pkgs map[string]*listed) (raise []string, err error) {
	seen := map[string]bool{}
	for _, p := range sortedKeys(pkgs) {
		m := pkgs[p].Module
		if m == nil || pkgs[p].Standard || seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		v := m.built().Version
		held, by := l.held(m.Path)
		if held == "" || held == v {
			continue
		}
		if l.own && semver.Compare(v, held) < 0 {
			raise = append(raise, m.Path+"@"+held)
			continue
		}
		cause := fmt.Sprintf("it needs %s %s, but %s %s, and one process cannot load two versions of a package", m.Path, v, by, held)
		fix := fmt.Sprintf("require %s %s in %s (%%go get %s@%s)", m.Path, held, l.ModFile(), m.Path, held)
		if semver.Compare(v, held) > 0 {
			fix = fmt.Sprintf("pick versions that need at most %s %s", m.Path, held)
			if by == "the kernel is built with" {
				fix += fmt.Sprintf(", or rebuild gilgo with go get %s@%s", m.Path, v)
			} else {
				fix += ", or restart the kernel (it then loads the new version)"
			}
		}
		return nil, &Error{Path: p, Cause: cause, Fix: fix}
	}
	return raise, nil
}

// processModules holds the module versions of every plugin this process
// has opened, by module path, and the plugins' tables by key. It is the
// process's, as Go's own table of loaded plugins is (a plugin cannot be
// unloaded, so there is nothing to reset): every Loader of the process
// must see it.
var processModules = struct {
	sync.Mutex
	m       map[string]string
	plugins map[string]map[string]map[string]reflect.Value
}{m: map[string]string{}, plugins: map[string]map[string]map[string]reflect.Value{}}

// held returns the version of module path this process holds, and who
// holds it, or "" if it holds none.
func (l *Loader) held(path string) (version, by string) {
	processModules.Lock()
	v, ok := processModules.m[path]
	processModules.Unlock()
	if ok {
		return v, "this kernel has loaded"
	}
	if v, ok := hostModules()[path]; ok {
		return v, "the kernel is built with"
	}
	return "", ""
}

// hostModules are the module versions linked into this binary (its
// build information, read once: it never changes).
var hostModules = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Replace != nil {
				m[d.Path] = d.Replace.Version
			} else {
				m[d.Path] = d.Version
			}
		}
	}
	return m
})

// recipe returns the flags and environment of a plugin build, computed once.
func (l *Loader) recipe() ([]string, []string, error) {
	l.recipeOnce.Do(func() {
		l.flags, l.buildEnv, l.recipeErr = compiled.PluginRecipe(l.opts.GoBin)
	})
	return l.flags, l.buildEnv, l.recipeErr
}

// loadPlugin builds (or finds in the cache) the plugin holding the symbol
// tables of pkgs and opens it.
func (l *Loader) loadPlugin(ctx context.Context, paths []string, pkgs map[string]*listed, pr *engine.Progress) error {
	flags, _, err := l.recipe()
	if err != nil {
		return &Error{Path: paths[0], Cause: "modules are compiled into a plugin, and this kernel cannot build one: " + err.Error(),
			Fix: "install the Go toolchain gilgo was built with (" + runtime.Version() + ") and a C compiler (cgo), then restart the kernel"}
	}
	key, err := l.key(paths, pkgs, flags)
	if err != nil {
		return err
	}
	so := l.cachedPlugin(key)
	processModules.Lock()
	tables, opened := processModules.plugins[key]
	processModules.Unlock()
	if _, err := os.Stat(so); err != nil && !opened {
		pr.Set("building " + strings.Join(paths, ", "))
		if err := l.build(ctx, paths, key, so); err != nil {
			return err
		}
		l.builds++
	}
	pr.Set("loading " + strings.Join(paths, ", "))
	if !opened {
		tables, err = openSymbols(so)
	}
	if err != nil {
		fix := "delete " + so + " and run the cell again; if it persists, rebuild gilgo"
		if strings.Contains(err.Error(), "different version of package") {
			fix = "restart the kernel: it holds another version of that package"
		}
		return &Error{Path: paths[0], Cause: err.Error(), Fix: fix}
	}
	processModules.Lock()
	processModules.plugins[key] = tables // a plugin path opens once per process
	processModules.Unlock()
	processModules.Lock()
	for _, lp := range pkgs {
		m := lp.Module
		if m == nil || lp.Standard {
			continue
		}
		if m.Path != l.modPath {
			l.mods[m.Path] = m
		}
		if v := m.built().Version; v != "" {
			processModules.m[m.Path] = v
		}
	}
	processModules.Unlock()
	for _, p := range paths {
		for k, t := range tables {
			if filepath.ToSlash(filepath.Dir(k)) == p {
				l.binary[p], l.keys[p] = t, k
				l.loadedAt[p] = pkgs[p].Module.version()
			}
		}
		if l.binary[p] == nil {
			return &Error{Path: p, Cause: "the plugin " + so + " holds no table for it", Fix: "delete " + so + " and run the cell again"}
		}
	}
	return nil
}

// cachedPlugin returns the path of the plugin named key: in a shared
// cache if one has it, else in CacheDir (where a build writes it).
func (l *Loader) cachedPlugin(key string) string {
	for _, d := range l.opts.SharedCacheDirs {
		if d == "" {
			continue
		}
		so := filepath.Join(d, "plugins", key+".so")
		if _, err := os.Stat(so); err == nil {
			return so
		}
	}
	return filepath.Join(l.opts.CacheDir, "plugins", key+".so")
}

// keyVersion changes when the generated code does, so that plugins of an
// older generator are not reused.
const keyVersion = "gilgo-modules-1"

// key names the plugin of paths: the packages, the versions of every
// module the build reads (the contents of local ones), the toolchain, the
// flags and the kernel's own build (std and shared modules must match).
func (l *Loader) key(paths []string, pkgs map[string]*listed, flags []string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, keyVersion, runtime.Version(), strings.Join(flags, " "))
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintln(h, bi.String())
	}
	for _, p := range paths {
		fmt.Fprintln(h, "pkg", p)
	}
	for _, p := range sortedKeys(pkgs) {
		lp := pkgs[p]
		if lp.Standard {
			continue
		}
		v := lp.Module.version()
		fmt.Fprintln(h, p, v)
		if lp.Module == nil || strings.Contains(v, " => /") || strings.Contains(v, " => .") || !strings.Contains(v, "@") {
			// A local module: its files are its version.
			for _, f := range append(append([]string{}, lp.GoFiles...), lp.CgoFiles...) {
				data, err := os.ReadFile(filepath.Join(lp.Dir, f))
				if err != nil {
					return "", fmt.Errorf("modules: %w", err)
				}
				fmt.Fprintln(h, f, len(data))
				h.Write(data)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// build writes the plugin's main package and runs go build into so.
func (l *Loader) build(ctx context.Context, paths []string, key, so string) error {
	epkgs, _, err := l.list(ctx, true, paths...)
	if err != nil {
		return l.wrapErr(paths[0], err)
	}
	fset := token.NewFileSet()
	imports := map[string]*types.Package{}
	var tps []*types.Package
	for _, p := range paths {
		lp := epkgs[p]
		if lp == nil || lp.Export == "" {
			msg := "no export data"
			if lp != nil && lp.Error != nil {
				msg = lp.Error.Err
			}
			return l.classify(p, msg)
		}
		tp, err := readExport(fset, imports, p, lp.Export)
		if err != nil {
			return &Error{Path: p, Cause: err.Error(), Fix: "run the cell again; if it persists, clear the Go build cache (go clean -cache)"}
		}
		tps = append(tps, tp)
	}
	src, err := generate(tps)
	if err != nil {
		return fmt.Errorf("modules: %w", err)
	}
	dir := filepath.Join(l.work, "p"+key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("modules: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
		return fmt.Errorf("modules: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(so), 0o755); err != nil {
		return fmt.Errorf("modules: plugin cache: %w", err)
	}
	tmp := fmt.Sprintf("%s.tmp%d", so, os.Getpid())
	flags, env, _ := l.recipe()
	args := append(append([]string{"build"}, flags...), "-o", tmp, ".")
	out, err := l.run(ctx, dir, append(env, l.workEnv()...), args...)
	if err != nil {
		os.Remove(tmp)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return l.classify(paths[0], string(out))
	}
	if err := os.Rename(tmp, so); err != nil {
		return fmt.Errorf("modules: plugin cache: %w", err)
	}
	return nil
}

// readExport reads the export data go list -export wrote for path.
func readExport(fset *token.FileSet, imports map[string]*types.Package, path, file string) (*types.Package, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("export data of %s: %w", path, err)
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("export data of %s: %w", path, err)
	}
	p, err := gcexportdata.Read(r, fset, imports, path)
	if err != nil {
		return nil, fmt.Errorf("export data of %s: %w", path, err)
	}
	return p, nil
}

// openSymbols opens a plugin and returns its symbol tables.
func openSymbols(so string) (tables map[string]map[string]reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("open %s: initialisation panicked: %v", so, r)
		}
	}()
	p, err := plugin.Open(so)
	if err != nil {
		return nil, fmt.Errorf("open plugin: %w", err)
	}
	s, err := p.Lookup(symbolsVar)
	if err != nil {
		return nil, fmt.Errorf("open plugin: %w", err)
	}
	t, ok := s.(*map[string]map[string]reflect.Value)
	if !ok {
		return nil, fmt.Errorf("open plugin %s: %s is a %T", so, symbolsVar, s)
	}
	return *t, nil
}

// link places the Go files of a source package under the GOPATH yaegi
// reads (symlinks to the files go build would compile, so build
// constraints are already applied).
func (l *Loader) link(lp *listed) error {
	v := lp.Module.version()
	if old, ok := l.source[lp.ImportPath]; ok {
		if old != v {
			l.log.Info("source package stays at its first version", "path", lp.ImportPath, "loaded", old, "now", v)
		}
		return nil
	}
	if err := l.ensureGoPath(); err != nil {
		return err
	}
	dir := filepath.Join(l.gopath, "src", filepath.FromSlash(lp.ImportPath))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("modules: %w", err)
	}
	for _, f := range lp.GoFiles {
		if err := os.Symlink(filepath.Join(lp.Dir, f), filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("modules: %w", err)
		}
	}
	l.source[lp.ImportPath] = v
	if m := lp.Module; m != nil && m.Path != l.modPath {
		l.mods[m.Path] = m
	}
	return nil
}

// BuildInfo is what runtime/debug.ReadBuildInfo returns in a cell: the
// notebook is the program, so Main is the module in effect and Deps the
// modules of the packages loaded so far (as go version -m lists a
// binary's), with the kernel's Go version and target settings.
func (l *Loader) BuildInfo() *debug.BuildInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	bi := &debug.BuildInfo{GoVersion: runtime.Version(), Path: l.modPath,
		Main: debug.Module{Path: l.modPath, Version: "(devel)"}}
	if host, ok := debug.ReadBuildInfo(); ok {
		for _, st := range host.Settings {
			switch st.Key {
			case "GOOS", "GOARCH", "GOAMD64", "CGO_ENABLED", "-compiler":
				bi.Settings = append(bi.Settings, st)
			}
		}
	}
	for _, p := range sortedKeys(l.mods) {
		m := l.mods[p]
		d := &debug.Module{Path: m.Path, Version: m.Version}
		if r := m.Replace; r != nil {
			d.Replace = &debug.Module{Path: r.Path, Version: r.Version}
			if r.Version == "" {
				d.Replace.Path = r.Dir
			}
		}
		bi.Deps = append(bi.Deps, d)
	}
	return bi
}

// Versions returns the module versions of the packages loaded so far,
// by import path.
func (l *Loader) Versions() map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.versionsLocked()
}

func (l *Loader) versionsLocked() map[string]string {
	m := map[string]string{}
	for p, v := range l.loadedAt {
		m[p] = v
	}
	for p, v := range l.source {
		m[p] = v
	}
	return m
}

// baseEnv is the environment of every go command: the user's (GOPROXY,
// GONOSUMDB, GOPRIVATE, GOFLAGS...), without a go.work or toolchain
// switch of theirs, and without -mod in GOFLAGS (refused in workspace
// mode).
func (l *Loader) baseEnv() []string {
	src := l.opts.Env
	if src == nil {
		src = os.Environ()
	}
	var env []string
	for _, kv := range src {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "GOWORK", "GOTOOLCHAIN":
			continue
		case "GOFLAGS":
			var keep []string
			for _, f := range strings.Fields(v) {
				if !strings.HasPrefix(f, "-mod=") {
					keep = append(keep, f)
				}
			}
			kv = "GOFLAGS=" + strings.Join(keep, " ")
		}
		env = append(env, kv)
	}
	return append(env, "GOTOOLCHAIN=local")
}

// workEnv selects the build workspace.
func (l *Loader) workEnv() []string {
	return []string{"GOWORK=" + filepath.Join(l.work, "go.work")}
}

func (l *Loader) gobin() string {
	if l.opts.GoBin != "" {
		return l.opts.GoBin
	}
	return "go"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeAtomic writes data to file through a temporary file.
func writeAtomic(file string, data []byte) error {
	tmp := fmt.Sprintf("%s.tmp%d", file, os.Getpid())
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}
