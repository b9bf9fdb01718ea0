package depcheck

import (
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const (
	module = "github.com/gilgo/gilgo"
	yaegi  = "github.com/traefik/yaegi"
	zmq4   = "github.com/go-zeromq/zmq4"
)

// rule is one promise of docs/ARCHITECTURE.md about the import graph.
type rule struct {
	name  string
	check func(g *Graph) []string // violations, human-readable
}

// matches reports whether import path dep is target, or, for a target
// ending in "/...", the path before it or a package below it.
func matches(dep, target string) bool {
	if root, ok := strings.CutSuffix(target, "/..."); ok {
		return dep == root || strings.HasPrefix(dep, root+"/")
	}
	return dep == target
}

// forbid: no package at or under dir reaches any of the given import paths
// (see matches), directly or through the module's packages.
func forbid(dir string, targets ...string) rule {
	return rule{
		name: fmt.Sprintf("%s never imports %s", dir, strings.Join(targets, ", ")),
		check: func(g *Graph) []string {
			var bad []string
			for _, p := range g.Under(dir) {
				deps := g.Deps(p.Path)
				for _, dep := range sortedKeys(deps) {
					for _, t := range targets {
						if matches(dep, t) {
							bad = append(bad, strings.Join(deps[dep], " -> "))
						}
					}
				}
			}
			return bad
		},
	}
}

// onlyStd: packages at or under dir import only the standard library and
// the module packages in allow (which must obey the same rule themselves,
// checked by their own rule).
func onlyStd(dir string, allow ...string) rule {
	name := dir + " imports only the standard library"
	if len(allow) > 0 {
		name += " and " + strings.Join(allow, ", ")
	}
	return rule{
		name: name,
		check: func(g *Graph) []string {
			var bad []string
			for _, p := range g.Under(dir) {
				for _, imp := range sortedKeys(p.Imports) {
					root := module + "/" + dir
					if IsStd(imp) || imp == root || strings.HasPrefix(imp, root+"/") {
						continue
					}
					if slices.ContainsFunc(allow, func(a string) bool { return imp == module+"/"+a }) {
						continue
					}
					bad = append(bad, fmt.Sprintf("%s imports %s (%s)", p.Path, imp, strings.Join(p.Imports[imp], ", ")))
				}
			}
			return bad
		},
	}
}

// onlyFiles: importPath is imported only by files whose module-relative
// names match one of the path.Match patterns.
func onlyFiles(importPath string, patterns ...string) rule {
	return rule{
		name: fmt.Sprintf("%s imported only in %s", importPath, strings.Join(patterns, ", ")),
		check: func(g *Graph) []string {
			var bad []string
			for _, f := range g.Importers(importPath) {
				ok := false
				for _, pat := range patterns {
					if m, _ := filepathMatch(pat, f); m {
						ok = true
					}
				}
				if !ok {
					bad = append(bad, f+" imports "+importPath)
				}
			}
			return bad
		},
	}
}

func filepathMatch(pattern, name string) (bool, error) { return filepath.Match(pattern, name) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// testsForbid: no test file of a package at or under dir imports any of
// targets (see matches) directly.
func testsForbid(dir string, targets ...string) rule {
	return rule{
		name: fmt.Sprintf("tests of %s never import %s", dir, strings.Join(targets, ", ")),
		check: func(g *Graph) []string {
			var bad []string
			for _, p := range g.Under(dir) {
				for _, imp := range sortedKeys(p.TestImports) {
					for _, t := range targets {
						if matches(imp, t) {
							bad = append(bad, fmt.Sprintf("%s imports %s", strings.Join(p.TestImports[imp], ", "), imp))
						}
					}
				}
			}
			return bad
		},
	}
}

// testsOnlyStd: the test files of packages at or under dir import only
// the standard library and the packages themselves.
func testsOnlyStd(dir string) rule {
	return rule{
		name: "tests of " + dir + " import only the standard library",
		check: func(g *Graph) []string {
			var bad []string
			for _, p := range g.Under(dir) {
				for _, imp := range sortedKeys(p.TestImports) {
					if !IsStd(imp) && imp != p.Path {
						bad = append(bad, fmt.Sprintf("%s imports %s", strings.Join(p.TestImports[imp], ", "), imp))
					}
				}
			}
			return bad
		},
	}
}

// noParentImports: no package imports the package of a folder above it
// (session/hook may not import session): a folder's children are the
// pieces it is built from.
func noParentImports() rule {
	return rule{
		name: "no package imports a folder above it",
		check: func(g *Graph) []string {
			var bad []string
			for _, p := range g.Under(".") {
				for dir := path.Dir(p.Dir); dir != "."; dir = path.Dir(dir) {
					parent := module + "/" + dir
					if files, ok := p.Imports[parent]; ok {
						bad = append(bad, fmt.Sprintf("%s imports its parent %s (%s)", p.Path, parent, strings.Join(files, ", ")))
					}
				}
			}
			return bad
		},
	}
}

// noStdNames: no package (but a command) is named like a package of the
// standard library, so "runtime" or "sync" always means Go's.
func noStdNames(std map[string]bool) rule {
	return rule{
		name: "no package is named like a standard-library package",
		check: func(g *Graph) []string {
			var bad []string
			for _, p := range g.Under(".") {
				if p.Name != "main" && std[p.Name] {
					bad = append(bad, fmt.Sprintf("%s is package %s, like the standard library's", p.Path, p.Name))
				}
			}
			return bad
		},
	}
}

// rules are the architecture's edges (docs/ARCHITECTURE.md); std holds
// the standard library's package names.
func rules(std map[string]bool) []rule {
	m := func(p string) string { return module + "/" + p }
	return []rule{
		// The kernel speaks Jupyter and knows interpreters only as engine.
		forbid("kernel", yaegi+"/...", m("session/..."), m("worker/..."), m("tiers"), m("gilrt"), m("compiled/..."), m("lib/...")),
		testsForbid("kernel", yaegi+"/...", m("session/..."), m("worker/..."), m("tiers")),
		onlyFiles(zmq4, "kernel/transport_zmq.go", "kernel/transport_zmq_test.go"),
		// The worker is the process boundary: engine and the batcher only.
		onlyStd("worker", "engine", "internal/streambatch", "internal/rawio"),
		// Leaves.
		onlyStd("engine"),
		onlyStd("gil"),
		testsOnlyStd("gil"),
		onlyStd("coroutine"),
		onlyStd("refcount"),
		onlyStd("install"),
		onlyStd("internal/streambatch"),
		onlyStd("internal/rawio"),
		onlyStd("internal/builtinprint"),
		onlyStd("internal/gocmd"),
		onlyStd("internal/piddir"),
		onlyStd("internal/memtrim"),
		onlyStd("internal/cpython"),
		onlyStd("notebook", "engine"),
		// The AST passes need no interpreter; the seams need nothing of
		// the session.
		onlyStd("session/cellast"),
		onlyStd("session/fmtvalue"),
		onlyStd("session/hook", "engine", "session/cellast"),
		// The session is extended only through its seams.
		forbid("session", m("kernel/..."), m("worker/..."), m("tiers"), m("gilrt"), m("compiled/..."), m("modules"),
			m("lib/gil"), m("lib/sys"), m("lib/coroutine"), m("lib/inspect"), m("lib/refcount"), m("lib/multiprocessing"), m("lib/widgets"),
			m("lib/experiment")),
		// What plugs into a session depends on its seams, not on it.
		forbid("gilrt", m("session"), m("tiers"), m("kernel/..."), m("lib/...")),
		forbid("lib", m("session"), m("tiers"), m("kernel/...")),
		forbid("compiled", m("session"), m("tiers"), m("kernel/..."), m("gilrt"), m("modules")),
		// Modules plug in through hook.Modules; the build recipe is the
		// compiled tier's.
		forbid("modules", m("session"), m("tiers"), m("kernel/..."), m("gilrt"), m("worker/..."), m("lib/...")),
		noParentImports(),
		noStdNames(std),
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// TestArchitecture checks the real module. A package that does not exist
// yet passes trivially.
func TestArchitecture(t *testing.T) {
	g, err := Load(os.DirFS(moduleRoot(t)), module)
	if err != nil {
		t.Fatal(err)
	}
	if g.Pkgs[module+"/engine"] == nil {
		t.Fatal("package engine not found: is the module root right?")
	}
	std, err := StdNames(build.Default.GOROOT)
	if err != nil {
		t.Fatal(err)
	}
	if !std["runtime"] || !std["sync"] || !std["rand"] || std["internal"] {
		t.Fatalf("StdNames(%s) looks wrong: runtime %v, sync %v, rand %v, internal %v", build.Default.GOROOT, std["runtime"], std["sync"], std["rand"], std["internal"])
	}
	for _, r := range rules(std) {
		t.Run(r.name, func(t *testing.T) {
			for _, v := range r.check(g) {
				t.Error(v)
			}
		})
	}
}

// TestRulesCatchViolations runs the same rules on small fake modules, so a
// broken checker cannot pass silently.
func TestRulesCatchViolations(t *testing.T) {
	file := func(pkg string, imports ...string) *fstest.MapFile {
		src := "package " + pkg + "\nimport (\n"
		for _, imp := range imports {
			src += fmt.Sprintf("\t%q\n", imp)
		}
		return &fstest.MapFile{Data: []byte(src + ")\n")}
	}
	good := fstest.MapFS{
		"engine/engine.go":           file("engine", "context"),
		"gil/gil.go":                 file("gil", "sync", "sync/atomic"),
		"kernel/kernel.go":           file("kernel", module+"/engine", "github.com/google/uuid"),
		"kernel/transport_zmq.go":    file("kernel", zmq4),
		"kernel/kernel_test.go":      file("kernel", module+"/engine"),
		"session/session.go":         file("session", module+"/engine", module+"/gil", yaegi+"/interp"),
		"worker/worker.go":           file("worker", module+"/engine"),
		"install/install.go":         file("install", "embed"),
		"kernel/testdata/x/x.go":     file("x", yaegi),
		"cmd/gilgo/main.go":          file("main", module+"/kernel", module+"/session", module+"/worker"),
		"install/internal/logo/l.go": file("logo", "image"),
		"internal/streambatch/b.go":  file("streambatch", "sync", "time"),
	}
	tests := []struct {
		name    string
		add     fstest.MapFS
		wantBad []string // substrings, one per expected violation
	}{
		{"good module", nil, nil},
		{"kernel imports yaegi", fstest.MapFS{"kernel/eval.go": file("kernel", yaegi+"/interp")},
			[]string{"kernel -> " + yaegi + "/interp"}},
		{"kernel reaches session through a helper", fstest.MapFS{
			"kernel/x.go":      file("kernel", module+"/helper"),
			"helper/helper.go": file("helper", module+"/session"),
		}, []string{"kernel -> " + module + "/helper -> " + module + "/session", "helper -> " + module + "/session -> " + yaegi}},
		{"zmq4 outside the transport file", fstest.MapFS{"kernel/heartbeat.go": file("kernel", zmq4)},
			[]string{"kernel/heartbeat.go imports " + zmq4}},
		{"gil imports a module", fstest.MapFS{"gil/trace.go": file("gil", "github.com/google/uuid")},
			[]string{"gil imports github.com/google/uuid"}},
		{"gil subpackage imports engine", fstest.MapFS{"gil/sched/s.go": file("sched", module+"/engine")},
			[]string{"gil/sched imports " + module + "/engine"}},
		{"session imports kernel", fstest.MapFS{"session/k.go": file("session", module+"/kernel")},
			[]string{"session -> " + module + "/kernel"}},
		{"engine imports gil", fstest.MapFS{"engine/e.go": file("engine", module+"/gil")},
			[]string{"engine imports " + module + "/gil"}},
		{"session/hook imports session", fstest.MapFS{"session/hook/h.go": file("hook", module+"/session")},
			[]string{"session/hook imports its parent " + module + "/session", "session/hook imports " + module + "/session ("}},
		{"a package named like the standard library's", fstest.MapFS{"lib/sync/s.go": file("sync", "sync")},
			[]string{"lib/sync is package sync"}},
		{"session imports gilrt", fstest.MapFS{"session/g.go": file("session", module+"/gilrt"), "gilrt/g.go": file("gilrt", "sync")},
			[]string{"session -> " + module + "/gilrt"}},
		{"a cell package imports the session", fstest.MapFS{"lib/sys/s.go": file("sys", module+"/session")},
			[]string{"lib/sys -> " + module + "/session"}},
		{"cellast imports yaegi", fstest.MapFS{"session/cellast/c.go": file("cellast", yaegi+"/interp")},
			[]string{"session/cellast imports " + yaegi + "/interp"}},
		{"worker imports a module package", fstest.MapFS{"worker/w.go": file("worker", module+"/gil")},
			[]string{"worker imports " + module + "/gil"}},
		{"a kernel test imports the session", fstest.MapFS{"kernel/x_test.go": file("kernel", module+"/session")},
			[]string{"kernel/x_test.go imports " + module + "/session"}},
		{"a gil test imports a module", fstest.MapFS{"gil/x_test.go": file("gil", "github.com/google/uuid")},
			[]string{"gil/x_test.go imports github.com/google/uuid"}},
		{"a test imports zmq4 outside the transport", fstest.MapFS{"kernel/x_test.go": file("kernel", zmq4)},
			[]string{"kernel/x_test.go imports " + zmq4}},
		{"streambatch imports engine", fstest.MapFS{"internal/streambatch/e.go": file("streambatch", module+"/engine")},
			[]string{"internal/streambatch imports " + module + "/engine"}},
		{"piddir imports engine", fstest.MapFS{"internal/piddir/p.go": file("piddir", module+"/engine")},
			[]string{"internal/piddir imports " + module + "/engine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range good {
				fsys[k] = v
			}
			for k, v := range tt.add {
				fsys[k] = v
			}
			g, err := Load(fsys, module)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rules(map[string]bool{"runtime": true, "sync": true}) {
				got = append(got, r.check(g)...)
			}
			for _, want := range tt.wantBad {
				if !slices.ContainsFunc(got, func(v string) bool { return strings.Contains(v, want) }) {
					t.Errorf("violations %q miss %q", got, want)
				}
			}
			if len(tt.wantBad) == 0 && len(got) > 0 {
				t.Errorf("violations = %q, want none", got)
			}
		})
	}
}

func TestLoadReportsParseErrors(t *testing.T) {
	fsys := fstest.MapFS{"a/a.go": {Data: []byte("package a\nimport \"fmt")}}
	if _, err := Load(fsys, module); err == nil {
		t.Error("Load() error = nil, want a parse error")
	}
	_, err := Load(fstest.MapFS{}, module)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(empty) error = %v", err)
	}
}

func TestIsStd(t *testing.T) {
	tests := map[string]bool{
		"fmt": true, "net/http": true, "internal/abi": true,
		"github.com/gilgo/gilgo/gil": false, "golang.org/x/sync": false, "example.com": false,
	}
	for in, want := range tests {
		if got := IsStd(in); got != want {
			t.Errorf("IsStd(%q) = %v, want %v", in, got, want)
		}
	}
}
