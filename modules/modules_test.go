package modules

import (
	"context"
	"errors"
	"fmt"
	"go/constant"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/modtest"
	"github.com/gilgo/gilgo/internal/needs"
)

// Every test of a plugin runs in this one process, which can load one
// version of a package only: example.com/stats is v1.1.0 here (the
// newest, what the session's own module takes); other versions are
// loaded in a child process (TestPinnedVersion).

// env is the go commands' environment: a module proxy over
// testdata/proxy, one for the whole test binary.
var env []string

func TestMain(m *testing.M) {
	e, stop, err := modtest.Start("testdata/proxy")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	env = e
	code := m.Run()
	stop()
	os.Exit(code)
}

// recorder is an engine.Output that keeps what it is given.
type recorder struct{ streams, displays []string }

func (r *recorder) Stream(name, text string)                 { r.streams = append(r.streams, name+": "+text) }
func (r *recorder) Result(engine.MIMEBundle, map[string]any) {}
func (r *recorder) Display(d engine.MIMEBundle, _ map[string]any, _ string, _ bool) {
	r.displays = append(r.displays, d["text/plain"].(string))
}
func (r *recorder) ClearOutput(bool) {}
func (r *recorder) Input(context.Context, string, bool) (string, error) {
	return "", errors.New("no input")
}

// privateTemp points os.TempDir at a new empty directory for the test
// and returns it: a Loader's temporary directories go there, and its
// sweep never sees the real one.
func privateTemp(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	return tmp
}

func newLoader(t *testing.T, env []string, dir, cache string) *Loader {
	t.Helper()
	privateTemp(t)
	l, err := New(Options{Env: env, Dir: dir, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestImportCompiled(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	cache := t.TempDir()
	l := newLoader(t, env, t.TempDir(), cache)
	ex, err := l.Import(context.Background(), []string{"example.com/stats"}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	tab := ex["example.com/stats/stats"]
	if tab == nil {
		t.Fatalf("no table for example.com/stats in %v", reflect.ValueOf(ex).MapKeys())
	}
	mean := tab["Mean"].Call([]reflect.Value{reflect.ValueOf([]float64{1, 2, 3, 4})})[0].Float()
	if mean != 2.5 {
		t.Errorf("Mean(1,2,3,4) = %v, want 2.5", mean)
	}
	if v := constant.StringVal(tab["Version"].Interface().(constant.Value)); v != "v1.1.0" {
		t.Errorf("Version = %q, want the newest, v1.1.0", v)
	}
	big := tab["Big"].Interface().(constant.Value)
	if want := "1180591620717411303424"; big.ExactString() != want {
		t.Errorf("Big = %s, want 1<<70 = %s", big.ExactString(), want)
	}
	if tab["Calls"].Kind() != reflect.Int || !tab["Calls"].CanSet() {
		t.Errorf("var Calls: kind %v, settable %v; want an addressable int", tab["Calls"].Kind(), tab["Calls"].CanSet())
	}
	for _, name := range []string{"Shape", "_Shape", "Vec", "Total", "StdDev"} {
		if !tab[name].IsValid() {
			t.Errorf("table has no %s", name)
		}
	}
	gomod, err := os.ReadFile(filepath.Join(cache, "module", "go.mod"))
	if err != nil || !strings.Contains(string(gomod), "example.com/stats v1.1.0") {
		t.Errorf("the session module's go.mod does not require example.com/stats v1.1.0 (%v):\n%s", err, gomod)
	}
	if got := l.Versions()["example.com/stats"]; got != "example.com/stats@v1.1.0" {
		t.Errorf("Versions: %q", got)
	}

	// A new kernel with the same cache opens the plugin without building.
	sos, _ := filepath.Glob(filepath.Join(cache, "plugins", "*.so"))
	if len(sos) != 1 {
		t.Fatalf("plugins in the cache: %v, want one", sos)
	}
	before, _ := os.Stat(sos[0])
	l2 := newLoader(t, env, t.TempDir(), cache)
	ex2, err := l2.Import(context.Background(), []string{"example.com/stats"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(sos[0])
	if !after.ModTime().Equal(before.ModTime()) || l2.builds != 0 {
		t.Errorf("the second loader built again (builds %d, mtime %v → %v)", l2.builds, before.ModTime(), after.ModTime())
	}
	if ex2["example.com/stats/stats"]["Mean"].Pointer() != tab["Mean"].Pointer() {
		t.Error("the second loader's Mean is not the loaded plugin's")
	}
}

func TestImportGenericFromSource(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	l := newLoader(t, env, t.TempDir(), t.TempDir())
	ex, err := l.Import(context.Background(), []string{"example.com/gen"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ex["example.com/gen/gen"]; ok {
		t.Error("the generic package got a compiled table")
	}
	if _, ok := ex["example.com/stats/stats"]; !ok {
		t.Error("its non-generic import example.com/stats was not compiled")
	}
	for _, f := range []string{"example.com/gen/gen.go", "example.com/gen/internal/order/order.go"} {
		p := filepath.Join(l.GoPath(), "src", filepath.FromSlash(f))
		if data, err := os.ReadFile(p); err != nil || !strings.HasPrefix(string(data), "// Package gen") && !strings.HasPrefix(string(data), "package order") {
			t.Errorf("%s under GoPath: %v", f, err)
		}
	}
}

// TestImportErrors: each failure is an *Error that names its cause.
func TestImportErrors(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	for _, tc := range []struct {
		name  string
		path  string
		env   map[string]string
		gobin string
		cause string
	}{
		{"unknown module", "example.com/nosuch", nil, "", "no module provides this package"},
		{"unknown package in a known module", "example.com/stats/nosuch", nil, "", "no module provides this package"},
		{"network down", "example.com/stats", map[string]string{"GOPROXY": "http://127.0.0.1:9"}, "", "cannot be reached"},
		{"cgo in interpreted source", "example.com/cgen", nil, "", "cgo"},
		{"newer Go", "example.com/future", nil, "", "newer Go"},
		{"no toolchain", "example.com/stats", nil, "/nonexistent/go", "no Go toolchain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := env
			if tc.env != nil {
				e = modtest.Replace(env, tc.env)
			}
			privateTemp(t)
			l, err := New(Options{Env: e, Dir: t.TempDir(), CacheDir: t.TempDir(), GoBin: tc.gobin})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			_, err = l.Import(context.Background(), []string{tc.path}, nil)
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("Import: %v (%T), want an *Error", err, err)
			}
			if me.Path != tc.path || !strings.Contains(me.Cause, tc.cause) || me.Fix == "" {
				t.Errorf("Import: path %q cause %q fix %q; want path %q, a cause with %q and a fix", me.Path, me.Cause, me.Fix, tc.path, tc.cause)
			}
		})
	}
}

// TestChecksumMismatch: a go.sum line that does not match what the proxy
// serves stops the import, as go build would.
func TestChecksumMismatch(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	dir := t.TempDir()
	write(t, dir, "go.mod", "module course\n\ngo 1.21\n\nrequire example.com/stats v1.0.0\n")
	write(t, dir, "go.sum", "example.com/stats v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nexample.com/stats v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
	l := newLoader(t, env, dir, t.TempDir())
	_, err := l.Import(context.Background(), []string{"example.com/stats"}, nil)
	var me *Error
	if !errors.As(err, &me) || !strings.Contains(me.Cause, "checksum") {
		t.Fatalf("Import: %v, want an *Error about the checksum", err)
	}
}

// TestNotRequired: a notebook's go.mod is not edited by an import; the
// error says how to add the requirement.
func TestNotRequired(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	dir := t.TempDir()
	gomod := "module course\n\ngo 1.21\n"
	write(t, dir, "go.mod", gomod)
	l := newLoader(t, env, dir, t.TempDir())
	_, err := l.Import(context.Background(), []string{"example.com/stats"}, nil)
	var me *Error
	if !errors.As(err, &me) || !strings.Contains(me.Fix, "%go get example.com/stats") {
		t.Fatalf("Import: %v, want an *Error whose fix is %%go get", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "go.mod")); string(data) != gomod {
		t.Errorf("go.mod changed:\n%s", data)
	}
}

// TestPinnedVersion: the notebook's go.mod decides the version; %go get
// changes it; %go mod prints it. The imports run in child processes (one
// process loads one version of a package).
func TestPinnedVersion(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	dir := t.TempDir()
	write(t, dir, "go.mod", "module course\n\ngo 1.21\n")
	l := newLoader(t, env, dir, t.TempDir())
	out := &recorder{}
	if err := l.Command(context.Background(), "get example.com/stats@v1.0.0", out); err != nil {
		t.Fatalf("%%go get: %v\n%s", err, out.streams)
	}
	out = &recorder{}
	if err := l.Command(context.Background(), "mod", out); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out.streams, ""); !strings.Contains(got, "require example.com/stats v1.0.0") || !strings.Contains(got, filepath.Join(dir, "go.mod")) {
		t.Errorf("%%go mod printed:\n%s", got)
	}
	if v := childVersion(t, dir); v != "v1.0.0" {
		t.Errorf("pinned at v1.0.0, the import has %q", v)
	}
	if err := l.Command(context.Background(), "get example.com/stats@v1.1.0", &recorder{}); err != nil {
		t.Fatal(err)
	}
	if v := childVersion(t, dir); v != "v1.1.0" {
		t.Errorf("after %%go get @v1.1.0, the import has %q", v)
	}
	if err := l.Command(context.Background(), "tidy", &recorder{}); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("%%go tidy: %v, want an unknown-command error", err)
	}
}

// childVersion imports example.com/stats in a child process (this test
// binary, running TestChildImport) and returns its Version.
func childVersion(t *testing.T, dir string) string {
	return childImport(t, dir, t.TempDir())
}

// childImport is childVersion with the child's gilgo cache.
func childImport(t *testing.T, dir, cache string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildImport$", "-test.v")
	cmd.Env = append(modtest.Replace(env, map[string]string{"GILGO_TEST_CHILD_DIR": dir, "GILGO_CACHE": cache}), "GILGO_TEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "version="); ok {
			return v
		}
	}
	t.Fatalf("child printed no version:\n%s", out)
	return ""
}

// TestChildImport is the child of childVersion.
func TestChildImport(t *testing.T) {
	if os.Getenv("GILGO_TEST_CHILD") != "1" {
		t.Skip("run by TestPinnedVersion")
	}
	l := newLoader(t, os.Environ(), os.Getenv("GILGO_TEST_CHILD_DIR"), "")
	ex, err := l.Import(context.Background(), []string{"example.com/stats"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	println("version=" + constant.StringVal(ex["example.com/stats/stats"]["Version"].Interface().(constant.Value)))
}

// TestImportInterrupted: a cancelled context stops the import with the
// context's error.
func TestImportInterrupted(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	l := newLoader(t, env, t.TempDir(), t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Import(ctx, []string{"example.com/stats"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Import with a cancelled context: %v", err)
	}
}

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSharedCache: a plugin in a shared cache (a course's, read-only) is
// opened from there; nothing is built into the user's cache.
func TestSharedCache(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	// The course's admin builds it, in a process of its own (this one
	// may have opened the plugin already, from another cache).
	shared := t.TempDir()
	childImport(t, t.TempDir(), shared)
	sos, _ := filepath.Glob(filepath.Join(shared, "plugins", "*.so"))
	if len(sos) != 1 {
		t.Fatalf("shared plugins %v, want one", sos)
	}
	own := t.TempDir()
	privateTemp(t)
	l, err := New(Options{Env: env, Dir: t.TempDir(), CacheDir: own, SharedCacheDirs: []string{"", shared}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Import(context.Background(), []string{"example.com/stats"}, nil); err != nil {
		t.Fatal(err)
	}
	if mine, _ := filepath.Glob(filepath.Join(own, "plugins", "*")); len(mine) != 0 || l.builds != 0 {
		t.Errorf("the student's cache has %v (builds %d), want the shared plugin used", mine, l.builds)
	}
	if got := l.cachedPlugin(filepath.Base(strings.TrimSuffix(sos[0], ".so"))); got != sos[0] {
		t.Errorf("cachedPlugin = %s, want the shared %s", got, sos[0])
	}
}

// TestInterruptStopsBuild: cancelling an import while go build runs ends
// the build (its process group) at once, with the context's error, and
// leaves no plugin behind.
func TestInterruptStopsBuild(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	// A go command whose builds take a minute.
	dir := t.TempDir()
	write(t, dir, "go", "#!/bin/sh\nif [ \"$1\" = build ]; then sleep 60; fi\nexec "+gobin+" \"$@\"\n")
	if err := os.Chmod(filepath.Join(dir, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	privateTemp(t)
	l, err := New(Options{Env: env, Dir: t.TempDir(), CacheDir: cache, GoBin: filepath.Join(dir, "go")})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &progressWatch{building: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := l.Import(ctx, []string{"example.com/slowbuild"}, out)
		done <- err
	}()
	select {
	case <-out.building:
	case err := <-done:
		t.Fatalf("the import ended before its build: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("no build started")
	}
	t0 := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Import: %v, want context.Canceled", err)
		}
		if d := time.Since(t0); d > 10*time.Second {
			t.Errorf("the import took %v to stop", d)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cancel did not stop the build")
	}
	if left, _ := filepath.Glob(filepath.Join(cache, "plugins", "*")); len(left) != 0 {
		t.Errorf("left in the cache: %v", left)
	}
}

// progressWatch is an Output that closes building when the progress
// display says a build runs.
type progressWatch struct {
	recorder
	once     sync.Once
	building chan struct{}
}

func (p *progressWatch) Display(d engine.MIMEBundle, _ map[string]any, _ string, _ bool) {
	if s, _ := d["text/plain"].(string); strings.HasPrefix(s, "building ") {
		p.once.Do(func() { close(p.building) })
	}
}
