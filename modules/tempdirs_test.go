package modules

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/internal/needs"
)

// entries returns the names in directory dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestNoImportNoTempDir: a Loader that imports nothing makes no
// temporary directory, whatever else it is asked; its GoPath is the same
// path on every call, not made.
func TestNoImportNoTempDir(t *testing.T) {
	for _, tc := range []struct {
		name string
		use  func(l *Loader) error
	}{
		{"new", func(*Loader) error { return nil }},
		{"queries", func(l *Loader) error {
			l.Wants("example.com/stats")
			l.ModFile()
			l.Versions()
			l.BuildInfo()
			return nil
		}},
		{"go version", func(l *Loader) error { return l.Command(context.Background(), "version", &recorder{}) }},
		{"go mod", func(l *Loader) error { return l.Command(context.Background(), "mod", &recorder{}) }},
		{"go loaded", func(l *Loader) error { return l.Command(context.Background(), "loaded", &recorder{}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := privateTemp(t)
			l, err := New(Options{Env: env, Dir: t.TempDir(), CacheDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			gopath := l.GoPath()
			if err := tc.use(l); err != nil {
				t.Fatal(err)
			}
			if got := entries(t, tmp); len(got) != 0 {
				t.Errorf("TMPDIR holds %q, want nothing", got)
			}
			if l.GoPath() != gopath {
				t.Errorf("GoPath changed: %s, then %s", gopath, l.GoPath())
			}
			if want := filepath.Join(tmp, gopathPrefix+strconv.Itoa(os.Getpid())+"-"); !strings.HasPrefix(gopath, want) {
				t.Errorf("GoPath = %s, want %s...", gopath, want)
			}
			if err := l.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestTempDirsOnUse: a compiled import makes the build workspace only; an
// import interpreted from source makes the GOPATH, at the path GoPath
// gave before; Close removes both.
func TestTempDirsOnUse(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	tmp := privateTemp(t)
	l, err := New(Options{Env: env, Dir: t.TempDir(), CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	gopath := l.GoPath()
	if _, err := l.Import(context.Background(), []string{"example.com/stats"}, nil); err != nil {
		t.Fatal(err)
	}
	got := entries(t, tmp)
	if len(got) != 1 || !strings.HasPrefix(got[0], workPrefix+strconv.Itoa(os.Getpid())+"-") {
		t.Errorf("after a compiled import TMPDIR holds %q, want one %s%d-... directory", got, workPrefix, os.Getpid())
	}
	if _, err := l.Import(context.Background(), []string{"example.com/gen"}, nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(gopath, "src", "example.com", "gen")); err != nil || !fi.IsDir() {
		t.Errorf("after a source import, %s has no example.com/gen: %v", gopath, err)
	}
	if len(entries(t, tmp)) != 2 {
		t.Errorf("TMPDIR holds %q, want the workspace and the GOPATH", entries(t, tmp))
	}
	if err := l.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if got := entries(t, tmp); len(got) != 0 {
		t.Errorf("after Close TMPDIR holds %q, want nothing", got)
	}
	if _, err := l.Import(context.Background(), []string{"example.com/stats"}, nil); err == nil {
		t.Error("Import after Close succeeded")
	}
}

// TestSweepStale: the first directory a Loader makes removes the
// directories of both kinds whose process has ended, and leaves a live
// process's and names that carry no pid.
func TestSweepStale(t *testing.T) {
	tmp := privateTemp(t)
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	dead := ended.Process.Pid
	stale := []string{fmt.Sprintf("%s%d-1", gopathPrefix, dead), fmt.Sprintf("%s%d-2", workPrefix, dead)}
	kept := []string{fmt.Sprintf("%s%d-3", workPrefix, os.Getpid()), fmt.Sprintf("%s%d-4", gopathPrefix, os.Getpid()),
		"gilgo-modules-5", fmt.Sprintf("gilgo-compiled-pid%d-6", dead)}
	for _, d := range append(append([]string{}, stale...), kept...) {
		if err := os.MkdirAll(filepath.Join(tmp, d, "src"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	l, err := New(Options{Env: env, Dir: t.TempDir(), CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// An import that fails (no module provides it) still makes the build
	// workspace, for go list.
	if _, err := l.Import(context.Background(), []string{"example.com/nosuch"}, nil); err == nil {
		t.Fatal("Import of example.com/nosuch succeeded")
	}
	for _, d := range stale {
		if _, err := os.Stat(filepath.Join(tmp, d)); !os.IsNotExist(err) {
			t.Errorf("%s of an ended process is still there (%v)", d, err)
		}
	}
	for _, d := range kept {
		if _, err := os.Stat(filepath.Join(tmp, d)); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
}
