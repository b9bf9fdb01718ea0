package memprobe

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"io"
	"log/slog"
	"os"
	goruntime "runtime"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/runtime"
	"github.com/gilgo/gilgo/runtime/gilrt"
	"github.com/gilgo/gilgo/runtime/pylib"
	"github.com/gilgo/gilgo/runtime/stdlib"
)

// discard is an engine.Output that drops everything.
type discard struct{}

func (discard) Stream(string, string)                                   {}
func (discard) Result(engine.MIMEBundle, map[string]any)                {}
func (discard) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (discard) ClearOutput(bool)                                        {}
func (discard) Input(context.Context, string, bool) (string, error)     { return "", io.EOF }

func skipUnlessProbe(t *testing.T) {
	t.Helper()
	if os.Getenv("MEMPROBE") == "" {
		t.Skip("set MEMPROBE=1 to run the memory probes")
	}
}

// liveHeap returns the live heap after two full collections.
func liveHeap() uint64 {
	goruntime.GC()
	goruntime.GC()
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	return m.HeapAlloc
}

// cells is the number of cells each probe runs after warm-up.
const cells = 1000

// kinds are the cell sources probed; %d is the cell number.
var kinds = []struct{ name, code string }{
	{"same", "v = 1"},
	{"assign", "v = %d"},
	{"print", `fmt.Println("soak", %d)`},
	{"value", "%d * 2"},
	{"compile_error", "undefinedName%d"},
}

const setup = "import (\n\t\"fmt\"\n\t\"os\"\n)\nvar v int\nvar _ = os.Stdout"

func src(code string, i int) string {
	if strings.Contains(code, "%d") {
		return fmt.Sprintf(code, i)
	}
	return code
}

// measure runs warm cells, then cells, and reports retained bytes per cell.
func measure(t *testing.T, name string, run func(i int)) float64 {
	t.Helper()
	if os.Getenv("MEMPROBE_PROFILE") != "" {
		goruntime.MemProfileRate = 1
	}
	for i := 0; i < 100; i++ {
		run(i)
	}
	before := liveHeap()
	for i := 100; i < 100+cells; i++ {
		run(i)
	}
	after := liveHeap()
	goruntime.KeepAlive(run) // and the interpreter it holds
	if p := os.Getenv("MEMPROBE_PROFILE"); p != "" {
		f, err := os.Create(p + "-" + strings.ReplaceAll(name, "/", "_") + ".pprof")
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if os.Getenv("MEMPROBE_RSS") != "" {
		t.Logf("%s: VmRSS at the end %s", name, vmRSS())
	}
	per := (float64(after) - float64(before)) / cells
	t.Logf("%-32s live heap %6.1f MiB -> %6.1f MiB: %8.0f B/cell retained", name,
		float64(before)/(1<<20), float64(after)/(1<<20), per)
	return per
}

func newSession(t *testing.T, gil bool) *runtime.Session {
	t.Helper()
	opts := runtime.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if gil {
		opts.Scheduler = gilrt.New(gilrt.Options{})
		opts.Passes = []runtime.Pass{{Name: "emptyslices", Apply: func(_ runtime.PassEnv, f *ast.File) error {
			return pylib.RewriteEmptySlices(f)
		}}}
	}
	s, err := runtime.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if gil {
		if err := s.Use(pylib.Exports(s)); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background(), false) })
	res := s.Execute(context.Background(), engine.ExecuteRequest{Code: setup, ExecutionCount: 1}, discard{})
	if res.Error != nil {
		t.Fatalf("setup: %v", res.Error)
	}
	return s
}

// TestProbeSession runs cells through runtime.Session.Execute, as the
// worker does (gil) and without a scheduler (plain).
func TestProbeSession(t *testing.T) {
	skipUnlessProbe(t)
	for _, gil := range []bool{false, true} {
		for _, k := range kinds {
			name := fmt.Sprintf("session/gil=%v/%s", gil, k.name)
			t.Run(name, func(t *testing.T) {
				s := newSession(t, gil)
				measure(t, name, func(i int) {
					s.Execute(context.Background(), engine.ExecuteRequest{Code: src(k.code, i), ExecutionCount: i + 2}, discard{})
				})
			})
		}
	}
}

func newInterp(t *testing.T) *interp.Interpreter {
	t.Helper()
	it := interp.New(interp.Options{Stdout: io.Discard, Stderr: io.Discard})
	if err := stdlib.Load(it); err != nil {
		t.Fatal(err)
	}
	if _, err := it.Eval(setup); err != nil {
		t.Fatal(err)
	}
	return it
}

// TestProbeYaegi runs the same sources through plain yaegi: Eval of the
// source as it is, and the session's pipeline by hand (a generated func
// per cell compiled with CompileAST, then an Eval of its call).
func TestProbeYaegi(t *testing.T) {
	skipUnlessProbe(t)
	for _, k := range kinds {
		name := "yaegi/Eval/" + k.name
		t.Run(name, func(t *testing.T) {
			it := newInterp(t)
			measure(t, name, func(i int) { _, _ = it.Eval(src(k.code, i)) })
		})
	}
	for _, k := range kinds {
		name := "yaegi/Eval+clearRoots/" + k.name
		t.Run(name, func(t *testing.T) {
			it := newInterp(t)
			measure(t, name, func(i int) { _, _ = it.Eval(src(k.code, i)); clearRoots(it) })
		})
		name = "yaegi/Eval+clearRoots+scopes/" + k.name
		t.Run(name, func(t *testing.T) {
			it := newInterp(t)
			measure(t, name, func(i int) { _, _ = it.Eval(src(k.code, i)); clearRoots(it); clearScopeChildren(it) })
		})
	}
	for _, v := range []struct {
		name            string
		sameName, roots bool
		scopes, unsym   bool
	}{
		{name: "funcPerCell"},
		{name: "funcPerCell+clearRoots", roots: true},
		{name: "funcPerCell+clearRoots+scopes", roots: true, scopes: true},
		{name: "funcPerCell+clearRoots+scopes+deleteSym", roots: true, scopes: true, unsym: true},
		{name: "funcSameName", sameName: true},
		{name: "funcSameName+clearRoots+scopes", sameName: true, roots: true, scopes: true},
	} {
		for _, k := range kinds[:3] {
			name := "yaegi/" + v.name + "/" + k.name
			t.Run(name, func(t *testing.T) {
				it := newInterp(t)
				var frame0 int
				measure(t, name, func(i int) {
					if i == 100 {
						frame0 = frameLen(it)
					}
					fn := fmt.Sprintf("__cell%d_1", i)
					if v.sameName {
						fn = "__cell"
					}
					f, err := parser.ParseFile(it.FileSet(), "_.go", "package main\nfunc "+fn+"() {\n"+src(k.code, i)+"\n}\n", parser.SkipObjectResolution)
					if err != nil {
						t.Fatal(err)
					}
					p, err := it.CompileAST(f)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := it.Execute(p); err != nil {
						t.Fatal(err)
					}
					if _, err := it.Eval(fn + "()"); err != nil {
						t.Fatal(err)
					}
					if v.roots {
						clearRoots(it)
					}
					if v.scopes {
						clearScopeChildren(it)
					}
					if v.unsym {
						deleteSym(it, "main", fn)
					}
				})
				t.Logf("global frame: %d slots after warm-up, %d at the end", frame0, frameLen(it))
			})
		}
	}
	for _, k := range kinds[:3] {
		name := "yaegi/funcPerCell/" + k.name
		if true {
			continue
		}
		t.Run(name, func(t *testing.T) {
			it := newInterp(t)
			measure(t, name, func(i int) {
				fn := fmt.Sprintf("__cell%d_1", i)
				f, err := parser.ParseFile(it.FileSet(), "_.go", "package main\nfunc "+fn+"() {\n"+src(k.code, i)+"\n}\n", parser.SkipObjectResolution)
				if err != nil {
					t.Fatal(err)
				}
				p, err := it.CompileAST(f)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := it.Execute(p); err != nil {
					t.Fatal(err)
				}
				if _, err := it.Eval(fn + "()"); err != nil {
					t.Fatal(err)
				}
			})
		})
		name = "yaegi/blockCompileAST/" + k.name
		t.Run(name, func(t *testing.T) {
			it := newInterp(t)
			measure(t, name, func(i int) {
				f, err := parser.ParseFile(it.FileSet(), "_.go", "package main\nfunc _() {\n"+src(k.code, i)+"\n}\n", parser.SkipObjectResolution)
				if err != nil {
					t.Fatal(err)
				}
				body := f.Decls[0].(*ast.FuncDecl).Body
				p, err := it.CompileAST(body)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := it.Execute(p); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

// vmRSS returns the VmRSS line of /proc/self/status.
func vmRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err.Error()
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:"))
		}
	}
	return "?"
}
