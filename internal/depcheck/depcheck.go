package depcheck

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Package is one package of the module: its non-test files' imports.
type Package struct {
	Path string // import path
	Name string // package name (of its first file read)
	Dir  string // slash-separated directory relative to the module root
	// Imports maps each imported path to the files (relative to the module
	// root) that import it.
	Imports map[string][]string
	// TestImports is Imports of the package's _test.go files (internal
	// and external tests).
	TestImports map[string][]string
}

// Graph is the import graph of one module's packages.
type Graph struct {
	Module string
	Pkgs   map[string]*Package // by import path
}

// Load parses the .go files of every package under fsys, the root of the
// module named module (the imports of _test.go files apart). Directories
// named testdata or vendor and those starting with '.' or '_' are
// skipped, as the go command does.
func Load(fsys fs.FS, module string) (*Graph, error) {
	g := &Graph{Module: module, Pkgs: map[string]*Package{}}
	fset := token.NewFileSet()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (name == "testdata" || name == "vendor" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		test := strings.HasSuffix(name, "_test.go")
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, parser.ImportsOnly)
		if err != nil {
			return fmt.Errorf("parse imports: %w", err)
		}
		dir := path.Dir(p)
		ip := module
		if dir != "." {
			ip = module + "/" + dir
		}
		pkg := g.Pkgs[ip]
		if pkg == nil {
			pkg = &Package{Path: ip, Dir: dir, Imports: map[string][]string{}, TestImports: map[string][]string{}}
			g.Pkgs[ip] = pkg
		}
		imports := pkg.Imports
		if test {
			imports = pkg.TestImports
		} else if pkg.Name == "" {
			pkg.Name = f.Name.Name
		}
		for _, spec := range f.Imports {
			imp, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: bad import %s: %w", p, spec.Path.Value, err)
			}
			imports[imp] = append(imports[imp], p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load module %s: %w", module, err)
	}
	return g, nil
}

// IsStd reports whether an import path belongs to the standard library:
// its first element has no dot.
func IsStd(importPath string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	return !strings.Contains(first, ".")
}

// Under returns the module's packages at dir or below it (dir relative to
// the module root, e.g. "kernel" gives kernel and kernel/wire; "." gives
// them all), sorted.
func (g *Graph) Under(dir string) []*Package {
	var out []*Package
	for _, p := range g.Pkgs {
		if dir == "." || p.Dir == dir || strings.HasPrefix(p.Dir, dir+"/") {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *Package) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Deps returns every import path reachable from pkg, through the module's
// own packages (imports of outside packages are not followed), each with
// one chain of imports that reaches it, e.g. [kernel engine yaegi].
func (g *Graph) Deps(pkg string) map[string][]string {
	chains := map[string][]string{}
	queue := [][]string{{pkg}}
	for len(queue) > 0 {
		chain := queue[0]
		queue = queue[1:]
		p := g.Pkgs[chain[len(chain)-1]]
		if p == nil {
			continue
		}
		imps := make([]string, 0, len(p.Imports))
		for imp := range p.Imports {
			imps = append(imps, imp)
		}
		slices.Sort(imps)
		for _, imp := range imps {
			if _, seen := chains[imp]; seen || imp == pkg {
				continue
			}
			next := append(slices.Clone(chain), imp)
			chains[imp] = next
			queue = append(queue, next)
		}
	}
	return chains
}

// Importers returns the files (relative to the module root), tests
// included, that import importPath, sorted.
func (g *Graph) Importers(importPath string) []string {
	var files []string
	for _, p := range g.Pkgs {
		files = append(files, p.Imports[importPath]...)
		files = append(files, p.TestImports[importPath]...)
	}
	slices.Sort(files)
	return files
}

// StdNames returns the names of the packages of the standard library a
// program may import (no internal or vendor ones, no commands), read from
// the source tree under goroot/src.
func StdNames(goroot string) (map[string]bool, error) {
	src := goroot + "/src"
	names := map[string]bool{}
	err := fs.WalkDir(os.DirFS(src), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() || p == "." {
			return nil
		}
		switch d.Name() {
		case "internal", "vendor", "testdata", "cmd":
			return fs.SkipDir
		}
		name := path.Base(p)
		if strings.HasPrefix(name, "v") && len(name) > 1 && strings.Trim(name[1:], "0123456789") == "" {
			name = path.Base(path.Dir(p)) // math/rand/v2 is package rand
		}
		names[name] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the standard library at %s: %w", src, err)
	}
	return names, nil
}
