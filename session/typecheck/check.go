package typecheck

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Checker type-checks cells against the declarations of the cells before
// them. It is safe for concurrent use; checks run one at a time.
type Checker struct {
	mu      sync.Mutex
	std     *stdImporter
	symbols func(path string) map[string]reflect.Value
	cells   map[string]*types.Package // packages made from symbol tables
	refl    *fromReflect
	parsed  map[string][]ast.Decl // session declarations by source, in fset
	fset    *token.FileSet        // of parsed
	base    *base                 // the last earlier declarations checked
	gopath  string                // source packages (modules interpreted from source)
	builds  int                   // how many times a base was checked whole (tests)
}

// SetGoPath makes the packages under gopath/src (the source packages the
// interpreter loads, such as generic modules' packages) importable in
// checks, type-checked from their files. Call it before the first Check.
func (c *Checker) SetGoPath(gopath string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gopath = gopath
}

// New returns a Checker whose standard library comes from the sources of
// the Go installation (GOROOT/src), and whose other packages come from
// symbols: the symbol table the session gives yaegi for an import path, or
// nil. It fails when the Go sources are not there.
func New(symbols func(path string) map[string]reflect.Value) (*Checker, error) {
	root := build.Default.GOROOT
	if _, err := os.Stat(filepath.Join(root, "src", "fmt", "print.go")); err != nil {
		return nil, fmt.Errorf("no Go sources to type-check against (GOROOT %q): %w", root, err)
	}
	c := &Checker{std: stdPackages(), symbols: symbols, cells: map[string]*types.Package{}, parsed: map[string][]ast.Decl{}}
	c.refl = newFromReflect(c.std)
	return c, nil
}

// stdPackages is the process's one importer of the standard library: the
// packages it makes serve every Checker and are immutable once made.
var stdPackages = sync.OnceValue(func() *stdImporter {
	return newStdImporter(stdCacheDir())
})

// Warm type-checks fmt and what it imports (most of what cells use), once
// per process, so that the first cell need not. Call it on a goroutine of
// its own; a Check that needs the standard library waits for it.
func (c *Checker) Warm() {
	c.std.warmed.Do(func() { _, _ = c.std.Import("fmt") })
}

// Cell is what Check needs of one cell.
type Cell struct {
	// Fset holds Files and is where errors' positions are read.
	Fset *token.FileSet
	// Files are the cell's units as the session compiles them (package
	// main; statements inside a generated func), before any rewrite.
	// Check's Info is keyed by their nodes.
	Files []*ast.File
	// Trailing is the cell's trailing expression list, if any, with the
	// line directive that places it in the cell.
	Trailing string
	// TrailingFile, if not nil, is Trailing already parsed into Fset
	// from TrailingSource (see ParseTrailing); Check uses it instead of
	// parsing Trailing.
	TrailingFile *ast.File
	// Imports are the import specs the session has seen ("fmt", `r
	// "math/rand"`); every file of the cell sees them, as in the session.
	Imports []string
	// Decls are the current top-level declarations of earlier cells, as
	// source with their line directives; those the cell redeclares are
	// left out by name. The Checker keeps them checked between cells and
	// checks again only what changed since its last check.
	Decls *Decls
	// Prelude is source the session compiles into every interpreter
	// before the cells (helpers of its rewrites), one file each.
	Prelude []string
	// Defines are the var specs of Files that were top-level := in the
	// cell: := may declare a name again when it declares a new one too.
	Defines map[*ast.ValueSpec]bool
}

// Result is the outcome of a check.
type Result struct {
	Info *types.Info
	// Errors are the type errors located in the cell, as gc words them,
	// in source order; unused imports are not errors in a notebook.
	Errors []types.Error
	// Added are the files this check added to Cell.Fset for earlier
	// declarations; later checks use them again, so the session must
	// keep them in its FileSet.
	Added []*token.File
	// Trailing is the checked trailing expression list: the arguments
	// of the one call in the body of the first func of this file. Info
	// covers its nodes.
	Trailing *ast.File
}

// errSkip reports that a cell cannot be checked here (an import the
// checker cannot resolve): the session runs it unchecked.
var errSkip = errors.New("cannot type-check this cell")

// IsSkip reports whether err means the cell could not be checked.
func IsSkip(err error) bool { return errors.Is(err, errSkip) }

// Check type-checks cell.
//
// The earlier declarations are checked once and kept (base): a cell that
// declares no type or method of theirs is checked alone, in a package
// whose scope starts with their objects, so that its cost does not grow
// with the session. A cell that declares a type or a method of an earlier
// type is checked with all earlier declarations again.
func (c *Checker) Check(cell Cell) (*Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	declared := map[string]bool{}
	for _, f := range cell.Files {
		for name := range topLevelNames(f) {
			declared[name] = true
		}
	}
	fset := cell.Fset
	if fset != c.fset { // a new interpreter: earlier parses are of another FileSet
		c.fset, c.parsed, c.base = fset, map[string][]ast.Decl{}, nil
	}
	res := &Result{}
	// Every file sees the session's imports and the cell's own, as the
	// session's interpreter does.
	own := cell.Imports
	for _, f := range cell.Files {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				for _, sp := range g.Specs {
					own = append(own, specSource(sp.(*ast.ImportSpec)))
				}
			}
		}
	}
	imports, err := importSpecs(own)
	if err != nil {
		return nil, err
	}
	var importErr error
	importer := importerFunc(func(path string) (*types.Package, error) {
		p, err := c.importPath(path)
		if err != nil && importErr == nil {
			importErr = err
		}
		return p, err
	})
	b, err := c.baseOf(cell, imports, importer, res)
	if err != nil {
		return nil, err
	}
	if importErr != nil {
		return nil, fmt.Errorf("%w: %v", errSkip, importErr)
	}
	var trailing *ast.File
	if cell.TrailingFile != nil {
		trailing = cell.TrailingFile
	} else if cell.Trailing != "" {
		f, err := trailingFile(fset, cell.Trailing)
		if err != nil {
			return nil, fmt.Errorf("%w: trailing expression: %v", errSkip, err)
		}
		trailing = f
	}
	res.Trailing = trailing
	if len(cell.Files) == 0 && trailing != nil && trailingAlone {
		if info, ok := checkTrailing(fset, b, imports, importer, trailing); ok {
			res.Info = info
			return res, nil
		}
	}
	pkg := types.NewPackage("main", "main")
	if trailing != nil {
		pkg.Scope().Insert(showFunc(pkg))
	}
	var files []*ast.File
	if b.extends(declared) {
		// The cell declares a type or method of an earlier cell again:
		// check it with every earlier declaration but those, afresh.
		prev := &ast.File{Name: ast.NewIdent("main")}
		for _, d := range b.all() {
			if !redeclared(d, declared) {
				prev.Decls = append(prev.Decls, d)
			}
		}
		files = append(files, withImports(prev, imports))
		files = append(files, b.prelude...)
	} else {
		// The objects the cell names (their types are checked, so what
		// they refer to need not be in scope), and every type: passes
		// look for the cell types in the package's scope.
		for name := range referenced(cell.Files, trailing) {
			if obj, ok := b.objects[name]; ok && !declared[name] {
				pkg.Scope().Insert(obj)
			}
		}
		for name := range b.types {
			if obj, ok := b.objects[name]; ok && !declared[name] {
				pkg.Scope().Insert(obj)
			}
		}
	}
	redefines, noNew := defineRules(cell.Files, cell.Defines)
	inCell := map[*token.File]bool{}
	for _, f := range cell.Files {
		files = append(files, withImports(f, imports))
		inCell[fset.File(f.Pos())] = true
	}
	if trailing != nil {
		files = append(files, withImports(trailing, imports))
		inCell[fset.File(trailing.Pos())] = true
	}
	res.Info = newInfo()
	suppressed := false // the last error was dropped: so is its "\tother declaration"
	conf := types.Config{
		Importer: importer,
		Error: func(err error) {
			te, ok := err.(types.Error)
			if !ok {
				return
			}
			if strings.HasPrefix(te.Msg, "\t") && suppressed {
				return
			}
			suppressed = !inCell[fset.File(te.Pos)] || unusedImport.MatchString(te.Msg) ||
				isNoValue(te, trailing) || redefines[te.Pos] && strings.HasSuffix(te.Msg, " redeclared in this block")
			if !suppressed {
				// Objects of the base belong to another package main.
				te.Msg = basePackage.ReplaceAllString(te.Msg, "")
				res.Errors = append(res.Errors, te)
			}
		},
		FakeImportC: true,
	}
	_ = types.NewChecker(&conf, fset, pkg, res.Info).Files(files)
	if importErr != nil {
		return nil, fmt.Errorf("%w: %v", errSkip, importErr)
	}
	for _, pos := range noNew {
		res.Errors = append(res.Errors, types.Error{Fset: fset, Pos: pos, Msg: "no new variables on left side of :="})
	}
	res.Errors = sortErrors(res.Errors, trailing)
	return res, nil
}

// newInfo returns the facts a check records for the passes: types,
// definitions, uses, instances, implicits and selections.
func newInfo() *types.Info {
	return &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Instances:  map[*ast.Ident]types.Instance{},
		Implicits:  map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
}

// trailingAlone lets a cell of only a trailing expression list be
// checked by checkTrailing (tests compare it with the check of files).
var trailingAlone = true

// checkTrailing checks a cell that is only a trailing expression list
// alone, with types.CheckExpr: its call of __gilgo_show in the scope of a
// package that holds the objects of the base it names, every type of the
// base, __gilgo_show and the imports' package names. That is the check
// of Files without the work of checking a package (the file's func,
// imports and package-level objects). It reports false, and the cell is
// checked as a file, when the check found an error (Files reports every
// error, as gc words them, and drops some: CheckExpr stops at the first),
// or an import is a dot import, fails, or names what the base declares.
func checkTrailing(fset *token.FileSet, b *base, imports []*ast.ImportSpec, importer types.Importer, trailing *ast.File) (*types.Info, bool) {
	pkg := types.NewPackage("main", "main")
	scope := pkg.Scope()
	scope.Insert(showFunc(pkg))
	for name := range referenced(nil, trailing) {
		if obj, ok := b.objects[name]; ok {
			scope.Insert(obj)
		}
	}
	for name := range b.types {
		if obj, ok := b.objects[name]; ok {
			scope.Insert(obj)
		}
	}
	info := newInfo()
	// What the check of the file defines: the package clause's name (no
	// object), its func (passes find package main through it), the
	// imports' package names.
	fd := trailing.Decls[0].(*ast.FuncDecl)
	fn := types.NewFunc(fd.Name.Pos(), pkg, fd.Name.Name, types.NewSignatureType(nil, nil, nil, nil, nil, false))
	if scope.Insert(fn) != nil {
		return nil, false
	}
	info.Defs[trailing.Name], info.Defs[fd.Name] = nil, fn
	for _, is := range imports {
		path, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			return nil, false
		}
		imported, err := importer.Import(path)
		if err != nil || imported == nil {
			return nil, false
		}
		name := imported.Name()
		if is.Name != nil {
			name = is.Name.Name
		}
		switch name {
		case ".":
			return nil, false
		case "_":
			continue
		}
		pn := types.NewPkgName(is.Pos(), pkg, name, imported)
		if _, declared := b.objects[name]; declared || scope.Insert(pn) != nil {
			return nil, false // Files reports the conflict
		}
		if is.Name != nil {
			info.Defs[is.Name] = pn
		} else {
			info.Implicits[is] = pn
		}
	}
	if err := types.CheckExpr(fset, pkg, token.NoPos, TrailingCall(trailing), info); err != nil {
		return nil, false
	}
	return info, true
}

// unusedImport matches go/types' error for an import no file uses.
var unusedImport = regexp.MustCompile(`^"[^"]*" imported (as \w+ )?and not used$`)

// basePackage matches the qualifier of the base's objects in messages.
var basePackage = regexp.MustCompile(`\bmain\.`)

// base is the earlier declarations, type-checked: their package-level
// objects by name, and the declarations themselves by Decls id.
type base struct {
	from *Decls // the declarations checked
	// The imports and prelude they were checked with.
	imports, preludeSrc []string
	objects             map[string]types.Object
	owner               map[string]int     // the Decls id that declared an object
	decls               map[int][]ast.Decl // parsed, by Decls id
	srcs                map[int]string     // their source
	prelude             []*ast.File
	types               map[string]bool // names of the types declared
}

// extends reports whether the cell's declared names redeclare a type of
// the base or declare a method ("T.M") of one.
func (b *base) extends(declared map[string]bool) bool {
	for name := range declared {
		t, _, method := strings.Cut(name, ".")
		if method && b.types[t] || b.types[name] {
			return true
		}
	}
	return false
}

// all returns the base's declarations in the order of their ids.
func (b *base) all() []ast.Decl {
	ids := make([]int, 0, len(b.decls))
	for id := range b.decls {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	var out []ast.Decl
	for _, id := range ids {
		out = append(out, b.decls[id]...)
	}
	return out
}

// baseOf returns the earlier declarations of cell, type-checked: the
// base of the last check, brought up to date by checking the declarations
// that changed since (a cell that declares new vars and funcs costs what
// it declares), or all of them again when the imports, the prelude, the
// FileSet or a type or method changed.
func (c *Checker) baseOf(cell Cell, imports []*ast.ImportSpec, importer types.Importer, res *Result) (*base, error) {
	d := cell.Decls
	if d == nil {
		d = &Decls{}
	}
	// The same strings compare in constant time: the session passes the
	// same prelude and imports again.
	if b := c.base; b != nil && b.from == d && slices.Equal(b.imports, cell.Imports) && slices.Equal(b.preludeSrc, cell.Prelude) {
		if c.update(b, d, imports, importer, res) {
			d.changed = nil
			return b, nil
		}
	}
	fset := cell.Fset
	b := &base{from: d, imports: slices.Clone(cell.Imports), preludeSrc: slices.Clone(cell.Prelude), objects: map[string]types.Object{}, owner: map[string]int{},
		decls: map[int][]ast.Decl{}, srcs: map[int]string{}, types: map[string]bool{}}
	for id, src := range d.src {
		decls, added, err := c.parseDecls(fset, src)
		if err != nil {
			continue // a declaration that no longer parses alone
		}
		if added != nil {
			res.Added = append(res.Added, added)
		}
		b.decls[id], b.srcs[id] = decls, src
		for _, d := range decls {
			names := declNames(d)
			for _, n := range names {
				b.owner[n] = id
			}
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
				for _, n := range names {
					b.types[n] = true
				}
			}
		}
	}
	for _, src := range cell.Prelude {
		decls, added, err := c.parseDecls(fset, src)
		if err != nil {
			return nil, fmt.Errorf("%w: prelude: %v", errSkip, err)
		}
		if added != nil {
			res.Added = append(res.Added, added)
		}
		b.prelude = append(b.prelude, &ast.File{Name: ast.NewIdent("main"), Decls: decls})
	}
	files := append([]*ast.File{withImports(&ast.File{Name: ast.NewIdent("main"), Decls: b.all()}, imports)}, b.prelude...)
	// Errors here were reported with their cells.
	conf := types.Config{Importer: importer, Error: func(error) {}, FakeImportC: true}
	pkg, _ := conf.Check("main", fset, files, nil)
	if pkg != nil {
		for _, name := range pkg.Scope().Names() {
			b.objects[name] = pkg.Scope().Lookup(name)
		}
	}
	c.base, d.changed = b, nil
	c.builds++
	return b, nil
}

// update brings b up to date with the declarations of d that changed since
// b was checked: their old objects go, and the new declarations are
// checked against the rest of b. It reports false, leaving b as it was,
// when a change involves a type or a method (b must be checked again
// whole: methods belong to their type).
func (c *Checker) update(b *base, d *Decls, imports []*ast.ImportSpec, importer types.Importer, res *Result) bool {
	if len(d.changed) == 0 {
		return true
	}
	ids := make([]int, 0, len(d.changed))
	for id := range d.changed {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	news := map[int][]ast.Decl{}
	for _, id := range ids {
		if typeOrMethod(b.decls[id]) {
			return false
		}
		src, ok := d.src[id]
		if !ok {
			continue
		}
		decls, f, err := c.parseDecls(c.fset, src)
		if err != nil {
			continue
		}
		if f != nil {
			res.Added = append(res.Added, f) // in the FileSet now, whatever comes next
		}
		if typeOrMethod(decls) {
			return false
		}
		news[id] = decls
	}
	for _, id := range ids {
		for _, d := range b.decls[id] {
			for _, n := range declNames(d) {
				if b.owner[n] == id {
					delete(b.objects, n)
					delete(b.owner, n)
				}
			}
		}
		delete(b.decls, id)
		delete(c.parsed, b.srcs[id]) // not parsed again unless it comes back
		delete(b.srcs, id)
	}
	if len(news) == 0 {
		return true
	}
	f := &ast.File{Name: ast.NewIdent("main")}
	declared := map[string]bool{}
	for _, id := range ids {
		f.Decls = append(f.Decls, news[id]...)
		for _, d := range news[id] {
			for _, n := range declNames(d) {
				declared[n] = true
			}
		}
	}
	pkg := types.NewPackage("main", "main")
	refs := referenced([]*ast.File{f}, nil)
	for name := range refs {
		if obj, ok := b.objects[name]; ok && !declared[name] {
			pkg.Scope().Insert(obj)
		}
	}
	// Only the imports the declarations name: the package stays reachable
	// from its objects for the rest of the session, with its file scope.
	var used []*ast.ImportSpec
	for _, is := range imports {
		if refs[importName(is)] {
			used = append(used, is)
		}
	}
	// Errors here were reported with their cells.
	conf := types.Config{Importer: importer, Error: func(error) {}, FakeImportC: true}
	_ = types.NewChecker(&conf, c.fset, pkg, nil).Files([]*ast.File{withImports(f, used)})
	for _, id := range ids {
		b.decls[id], b.srcs[id] = news[id], d.src[id]
		for _, d := range news[id] {
			for _, n := range declNames(d) {
				if obj := pkg.Scope().Lookup(n); obj != nil {
					b.objects[n], b.owner[n] = obj, id
				}
			}
		}
	}
	return true
}

// typeOrMethod reports whether decls declare a type or a method.
func typeOrMethod(decls []ast.Decl) bool {
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil {
				return true
			}
		case *ast.GenDecl:
			if d.Tok == token.TYPE {
				return true
			}
		}
	}
	return false
}

// referenced returns every identifier's name in files and in the
// expressions of the trailing file: a superset of the package-level names
// they use.
func referenced(files []*ast.File, trailing *ast.File) map[string]bool {
	names := map[string]bool{}
	add := func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	}
	for _, f := range files {
		ast.Inspect(f, add)
	}
	if trailing != nil {
		for _, a := range TrailingArgs(trailing) {
			ast.Inspect(a, add)
		}
	}
	return names
}

// Decls are the top-level declarations of the cells run so far, as
// source, by an id the session chooses. The session sets and deletes
// them as cells run; a Checker records what changed since its last check
// in them, so one Decls serves one Checker. Not safe for concurrent use.
type Decls struct {
	src     map[int]string
	changed map[int]bool // ids set or deleted since the last check
	version uint64       // how many changes were made
}

// Version counts the changes made to d: equal versions of one Decls hold
// the same declarations.
func (d *Decls) Version() uint64 { return d.version }

// Set makes src the declaration of id.
func (d *Decls) Set(id int, src string) {
	if d.src == nil {
		d.src, d.changed = map[int]string{}, map[int]bool{}
	}
	if old, ok := d.src[id]; ok && old == src {
		return
	}
	d.src[id] = src
	d.mark(id)
}

// Delete removes the declaration of id.
func (d *Decls) Delete(id int) {
	if _, ok := d.src[id]; !ok {
		return
	}
	delete(d.src, id)
	d.mark(id)
}

func (d *Decls) mark(id int) {
	d.version++
	if d.changed == nil {
		d.changed = map[int]bool{}
	}
	d.changed[id] = true
}

// sortErrors orders errors by position, those in the trailing file last,
// each followed by the lines that continue it ("\tother declaration of
// x"), as go/types reported them.
func sortErrors(errs []types.Error, trailing *ast.File) []types.Error {
	var groups [][]types.Error
	for _, e := range errs {
		if strings.HasPrefix(e.Msg, "\t") && len(groups) > 0 {
			groups[len(groups)-1] = append(groups[len(groups)-1], e)
			continue
		}
		groups = append(groups, []types.Error{e})
	}
	// The trailing file reads last, wherever it is in the FileSet (the
	// session parses it before the cell's other files).
	last := func(p token.Pos) bool {
		return trailing != nil && p >= trailing.FileStart && p <= trailing.FileEnd
	}
	sort.SliceStable(groups, func(i, j int) bool {
		pi, pj := groups[i][0].Pos, groups[j][0].Pos
		if li, lj := last(pi), last(pj); li != lj {
			return lj
		}
		return pi < pj
	})
	out := errs[:0]
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// defineRules applies := to the cell's top-level defines, which the
// session turns into package vars: a name declared again by a define that
// declares a new name too is an assignment (its "redeclared" error is
// dropped, at the positions in redefines); a define that declares no new
// name is an error at its first name (noNew).
func defineRules(files []*ast.File, defines map[*ast.ValueSpec]bool) (redefines map[token.Pos]bool, noNew []token.Pos) {
	redefines = map[token.Pos]bool{}
	seen := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok {
				for _, n := range declNames(d) {
					seen[n] = true
				}
				continue
			}
			for _, sp := range g.Specs {
				vs, ok := sp.(*ast.ValueSpec)
				if !ok || !defines[vs] {
					if ok {
						for _, n := range vs.Names {
							seen[n.Name] = true
						}
					} else if ts, ok := sp.(*ast.TypeSpec); ok {
						seen[ts.Name.Name] = true
					}
					continue
				}
				fresh := false
				var again []token.Pos
				for _, n := range vs.Names {
					switch {
					case n.Name == "_":
					case seen[n.Name]:
						again = append(again, n.Pos())
					default:
						fresh = true
					}
				}
				if !fresh && len(again) > 0 {
					noNew = append(noNew, vs.Names[0].Pos())
				}
				for _, p := range again {
					redefines[p] = true
				}
				for _, n := range vs.Names {
					seen[n.Name] = true
				}
			}
		}
	}
	return redefines, noNew
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// importPath returns the package of path: one of the session's symbol
// tables that is not the standard library's (a cell package, a compiled
// cell), else the standard library from source.
func (c *Checker) importPath(path string) (*types.Package, error) {
	if p, ok := c.cells[path]; ok {
		return p, nil
	}
	if p, ok, err := c.sourcePackage(path); ok {
		return p, err
	}
	if !isStd(path) || c.stdMissing(path) {
		syms := c.symbols(path)
		if syms == nil {
			return nil, fmt.Errorf("package %s is not in the session", path)
		}
		p, err := c.refl.packageOf(path, syms)
		if err != nil {
			return nil, err
		}
		c.cells[path] = p
		return p, nil
	}
	return c.std.ImportFrom(path, "", 0)
}

// sourcePackage type-checks the package at path from its files under the
// GOPATH, when they are there (ok).
func (c *Checker) sourcePackage(path string) (p *types.Package, ok bool, err error) {
	if c.gopath == "" || isStd(path) || c.symbols(path) != nil {
		return nil, false, nil
	}
	dir := filepath.Join(c.gopath, "src", filepath.FromSlash(path))
	names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	if len(names) == 0 {
		return nil, false, nil
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, true, fmt.Errorf("parse %s: %w", name, err)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: importerFunc(c.importPath), FakeImportC: true}
	p, err = conf.Check(path, fset, files, nil)
	if err != nil {
		return nil, true, fmt.Errorf("type-check %s: %w", path, err)
	}
	c.cells[path] = p
	return p, true, nil
}

// stdMissing reports whether an import path without a dot is not a
// package of the Go installation (it is a cell package such as "gil").
func (c *Checker) stdMissing(path string) bool {
	_, err := os.Stat(filepath.Join(build.Default.GOROOT, "src", filepath.FromSlash(path)))
	return err != nil
}

// importSpecs are the import specs the session has seen, without
// positions (they belong to no file of the cell).
func importSpecs(specs []string) ([]*ast.ImportSpec, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	src := "package main\nimport (\n" + strings.Join(specs, "\n") + "\n)\n"
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return nil, fmt.Errorf("%w: the session's imports: %v", errSkip, err)
	}
	var out []*ast.ImportSpec
	seen := map[string]bool{}
	for _, is := range f.Imports {
		if k := specSource(is); !seen[k] {
			seen[k] = true
			spec := &ast.ImportSpec{Path: &ast.BasicLit{Kind: token.STRING, Value: is.Path.Value}}
			if is.Name != nil {
				spec.Name = ast.NewIdent(is.Name.Name)
			}
			out = append(out, spec)
		}
	}
	return out, nil
}

// parseDecls parses a declaration of an earlier cell, once; added is
// the file it added to fset, if it parsed it now.
func (c *Checker) parseDecls(fset *token.FileSet, src string) (decls []ast.Decl, added *token.File, err error) {
	if d, ok := c.parsed[src]; ok {
		return d, nil, nil
	}
	f, err := parser.ParseFile(fset, "_.go", "package main\n"+src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	// Bodies were checked with their cell; only the signatures matter now.
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			fd.Body = nil
		}
	}
	c.parsed[src] = f.Decls
	return f.Decls, fset.File(f.Pos()), nil
}

// withImports is f, sharing its declarations, with the session's imports
// that f does not make itself.
func withImports(f *ast.File, imports []*ast.ImportSpec) *ast.File {
	own := map[string]bool{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			for _, sp := range g.Specs {
				own[importName(sp.(*ast.ImportSpec))] = true
			}
		}
	}
	var specs []ast.Spec
	for _, is := range imports {
		if !own[importName(is)] {
			specs = append(specs, is)
		}
	}
	if len(specs) == 0 {
		return f
	}
	cp := *f
	cp.Decls = append([]ast.Decl{&ast.GenDecl{Tok: token.IMPORT, Specs: specs}}, f.Decls...)
	return &cp
}

// specSource is an import spec as source.
func specSource(is *ast.ImportSpec) string {
	if is.Name != nil {
		return is.Name.Name + " " + is.Path.Value
	}
	return is.Path.Value
}

// importName is the name an import spec binds.
func importName(is *ast.ImportSpec) string {
	if is.Name != nil {
		return is.Name.Name
	}
	p, _ := strconv.Unquote(is.Path.Value)
	return p[strings.LastIndex(p, "/")+1:]
}

// trailingFile wraps a trailing expression list so that it type-checks:
// as the arguments of a variadic func (a call of no value is fine there
// too: Check drops that error).
func trailingFile(fset *token.FileSet, expr string) (*ast.File, error) {
	return parser.ParseFile(fset, "_.go", trailingPrefix+expr+trailingSuffix, parser.SkipObjectResolution)
}

// The source of a trailing file around its expression list.
const (
	trailingPrefix = "package main\nfunc __gilgo_trailing() {\n__gilgo_show(\n"
	// The line of the closing parenthesis has room after it: the session
	// gives the nodes it adds on that line positions there (see
	// session's trailingRunFile).
	trailingSuffix = ",\n)                    \n}\n"
)

// ParseTrailing parses src as a cell's trailing expression list (with its
// line directive) into fset, as Check parses Cell.Trailing, and returns
// the file (for Cell.TrailingFile). The error is the parser's when src
// does not parse there, ErrNotList when it parses but not as exactly a
// list of expressions: the call's arguments took more than src (src
// "a), (b"), or the last has "...".
func ParseTrailing(fset *token.FileSet, src string) (*ast.File, error) {
	f, err := trailingFile(fset, src)
	if err != nil {
		return nil, err
	}
	if len(f.Decls) != 1 {
		return nil, ErrNotList
	}
	fd, isFunc := f.Decls[0].(*ast.FuncDecl)
	if !isFunc || fd.Body == nil || len(fd.Body.List) != 1 {
		return nil, ErrNotList
	}
	es, isExpr := fd.Body.List[0].(*ast.ExprStmt)
	if !isExpr {
		return nil, ErrNotList
	}
	call, isCall := es.X.(*ast.CallExpr)
	if !isCall || call.Ellipsis.IsValid() || len(call.Args) == 0 {
		return nil, ErrNotList
	}
	fun, isIdent := call.Fun.(*ast.Ident)
	file := fset.File(f.Pos())
	if !isIdent || fun.Name != "__gilgo_show" ||
		file.Offset(call.Lparen) != len(trailingPrefix)-2 ||
		file.Offset(call.Rparen) != len(trailingPrefix)+len(src)+2 {
		return nil, ErrNotList
	}
	return f, nil
}

// ErrNotList is ParseTrailing's error for source that parses but not as
// exactly a list of expressions.
var ErrNotList = errors.New("not a list of expressions")

// showFunc is the variadic func a trailing file calls, func
// __gilgo_show(...any), as an object of pkg's scope: no source to parse
// and check with every trailing expression.
func showFunc(pkg *types.Package) *types.Func {
	params := types.NewTuple(types.NewParam(token.NoPos, pkg, "", types.NewSlice(types.Universe.Lookup("any").Type())))
	return types.NewFunc(token.NoPos, pkg, "__gilgo_show", types.NewSignatureType(nil, nil, nil, params, nil, true))
}

// TrailingCall is the call of __gilgo_show in a trailing file
// (Result.Trailing, ParseTrailing).
func TrailingCall(f *ast.File) *ast.CallExpr {
	return f.Decls[0].(*ast.FuncDecl).Body.List[0].(*ast.ExprStmt).X.(*ast.CallExpr)
}

// TrailingArgs are the expressions of a trailing file: the arguments of
// its TrailingCall.
func TrailingArgs(f *ast.File) []ast.Expr { return TrailingCall(f).Args }

// isNoValue reports whether err is the error of a trailing call of no
// value passed to __gilgo_show, which the session does not do.
func isNoValue(te types.Error, trailing *ast.File) bool {
	if trailing == nil || !strings.HasSuffix(te.Msg, "(no value) used as value") {
		return false
	}
	args := TrailingArgs(trailing)
	return len(args) == 1 && te.Pos == args[0].Pos()
}

// stripDirective drops a leading /*line ...*/ comment.
func stripDirective(s string) string {
	if strings.HasPrefix(s, "/*line ") {
		if i := strings.Index(s, "*/"); i >= 0 {
			return s[i+2:]
		}
	}
	return s
}

// topLevelNames are the names f declares at package level (methods as
// "T.M").
func topLevelNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, d := range f.Decls {
		for _, n := range declNames(d) {
			names[n] = true
		}
	}
	return names
}

func declNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil && len(d.Recv.List) == 1 {
			return []string{recvName(d.Recv.List[0].Type) + "." + d.Name.Name}
		}
		return []string{d.Name.Name}
	case *ast.GenDecl:
		var out []string
		for _, sp := range d.Specs {
			switch sp := sp.(type) {
			case *ast.TypeSpec:
				out = append(out, sp.Name.Name)
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					out = append(out, n.Name)
				}
			}
		}
		return out
	}
	return nil
}

func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// redeclared reports whether d declares a name of declared: a type, func
// or var the cell declares again replaces it (so does a method of a type
// the cell declares again). A declaration of several names is dropped
// whole when one of them is declared again.
func redeclared(d ast.Decl, declared map[string]bool) bool {
	for _, n := range declNames(d) {
		if declared[n] {
			return true
		}
		if t, _, ok := strings.Cut(n, "."); ok && declared[t] {
			return true
		}
	}
	return false
}
