package tiers

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/needs"
	"github.com/gilgo/gilgo/session"
)

// autoRunner runs cells in a session whose auto-compiler takes every
// plain cell for a long one (AutoCompileAfter 1 ns), so that which cells
// trigger a build does not depend on the machine's speed.
type autoRunner struct {
	tb   testing.TB
	sess *session.Session
	auto *autoCompile
	n    int
}

func newAutoRunner(tb testing.TB, opts Options) *autoRunner {
	tb.Helper()
	if opts.AutoCompileAfter == 0 {
		opts.AutoCompileAfter = time.Nanosecond
	}
	sess, auto, err := newTiers(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sess.Shutdown(context.Background(), false) })
	return &autoRunner{tb: tb, sess: sess, auto: auto}
}

// cell runs code as the next cell with out (nil: a recorder) and returns
// what it showed in the golden files' format (errors with their
// positions), its stderr and the reason of its tier ("" if none).
func (r *autoRunner) cell(code string) (shown, reason string) {
	r.tb.Helper()
	r.n++
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rec := &tierRecorder{}
	res := r.sess.Execute(ctx, engine.ExecuteRequest{Code: code, ExecutionCount: r.n}, rec)
	shown = rec.String()
	if res.Error != nil {
		shown += "[error] " + res.Error.Name + ": " + res.Error.Value + "\n" + renderTraceback(res.Error.Traceback)
	}
	if md, ok := res.Metadata["gilgo"].(map[string]any); ok {
		reason, _ = md["reason"].(string)
	}
	return shown, reason
}

// TestAutoCompile runs each case's cells twice: in a session without the
// auto-compiler, and in one with it, waiting for its builds after each
// cell. Every cell must show the same output (panics included: ename,
// evalue and positions), and the cells of native must say that they call
// those funcs auto-compiled.
func TestAutoCompile(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	tests := []struct {
		name   string
		cells  []string
		native map[int]string // cell index -> the func its reason names
		noWait map[int]bool   // cells whose builds the next cell does not wait for
	}{{
		name: "fib becomes native",
		cells: []string{
			"func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }",
			"fib(20)",
			"fib(20)",
			`import "fmt"
fmt.Println(fib(21))`,
		},
		// The declaring cell ran "long" (1 ns) and named fib: fib(20)
		// runs native already.
		native: map[int]string{1: "fib", 2: "fib", 3: "fib"},
	}, {
		name: "output and imports",
		cells: []string{
			`import (
	"fmt"
	"strings"
)

func shout(s string, n int) int {
	for i := 0; i < n; i++ {
		fmt.Println(strings.ToUpper(s), i)
	}
	return n
}`,
			`shout("a", 2)`,
			`shout("b", 3)`,
		},
		native: map[int]string{1: "shout", 2: "shout"},
	}, {
		// One line: the interpreted tier names an earlier line of a
		// func for a panic in its body (panic_lines.txtar), the native
		// code the panicking one.
		name: "panics",
		cells: []string{
			`import "fmt"

func check(n int) int { if n < 0 { panic(fmt.Sprintf("negative: %d", n)) }; return 10 / n }`,
			"check(5)",
			"check(-1)",
			"check(0)",
			"check(2)",
		},
		native: map[int]string{1: "check", 2: "check", 3: "check", 4: "check"},
	}, {
		name: "cell state is not compiled",
		cells: []string{
			"var scale = 3",
			"func scaled(n int) int { return n * scale }",
			"type P struct{ X int }",
			"func px(p P) int { return p.X }",
			"func user(n int) int { return scaled(n) }",
			"scaled(2) + px(P{4}) + user(1)",
			"scaled(2) + px(P{4}) + user(1)",
		},
	}, {
		name: "a redefinition wins over a pending build",
		cells: []string{
			"var offset = 0",
			"func sq(n int) int { return n * n }",
			// Not a candidate: reads a cell var, so no new build.
			"func sq(n int) int { return -n + offset }",
			"sq(9)",
		},
		noWait: map[int]bool{1: true}, // sq's build is pending when cell 2 redefines it
	}, {
		name: "a redefinition replaces a native func",
		cells: []string{
			"var offset = 0",
			"func sq(n int) int { return n * n }",
			"sq(9)",
			"func sq(n int) int { return -n + offset }",
			"sq(9)",
		},
		native: map[int]string{2: "sq"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := newAutoRunner(t, Options{NoAutoCompile: true})
			auto := newAutoRunner(t, Options{})
			for i, code := range tt.cells {
				want, _ := plain.cell(code)
				got, reason := auto.cell(code)
				if got != want {
					t.Errorf("cell %d %q:\ngot:\n%s\nwant (interpreted):\n%s", i, code, got, want)
				}
				name := tt.native[i]
				switch {
				case name == "" && strings.Contains(reason, "auto-compiled"):
					t.Errorf("cell %d %q: reason %q, want none", i, code, reason)
				case name != "" && !strings.HasPrefix(reason, "auto-compiled: "+name+" "):
					t.Errorf("cell %d %q: reason %q, want auto-compiled: %s", i, code, reason, name)
				}
				// The builds the cell started end before the next cell, so
				// that the cells run native as soon as they can.
				if !tt.noWait[i] {
					auto.auto.wait()
				}
			}
		})
	}
}

// signalOutput closes started at the first text on stdout.
type signalOutput struct {
	captureOutput
	once    sync.Once
	started chan struct{}
}

func (o *signalOutput) Stream(name, text string) {
	o.captureOutput.Stream(name, text)
	if name == "stdout" {
		o.once.Do(func() { close(o.started) })
	}
}

// TestAutoCompileInterrupt interrupts a loop that runs natively: its
// check points stop it, as the interpreted loop's do.
func TestAutoCompileInterrupt(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	r := newAutoRunner(t, Options{})
	r.cell(`func spin(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i % 7
	}
	return s
}`)
	if got, _ := r.cell("spin(1000)"); !strings.Contains(got, "2997") {
		t.Fatalf("spin(1000) showed %q", got)
	}
	r.auto.wait()
	r.n++
	out := &signalOutput{started: make(chan struct{})}
	go func() {
		<-out.started
		r.sess.Interrupt()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res := r.sess.Execute(ctx, engine.ExecuteRequest{Code: `import "fmt"
fmt.Println("spinning")
spin(1 << 62)`, ExecutionCount: r.n}, out)
	if res.Error == nil || res.Error.Name != engine.ErrInterrupted {
		t.Fatalf("the cell ended with %+v, want %s", res.Error, engine.ErrInterrupted)
	}
	md, _ := res.Metadata["gilgo"].(map[string]any)
	if reason, _ := md["reason"].(string); !strings.HasPrefix(reason, "auto-compiled: spin ") {
		t.Errorf("reason %q: the loop did not run native", reason)
	}
	if got, _ := r.cell("spin(1000)"); !strings.Contains(got, "2997") {
		t.Errorf("after the interrupt, spin(1000) showed %q", got)
	}
}

// TestAutoCompileOff: without a Go toolchain, and with $GILGO_AUTOCOMPILE
// off, cells run as they always did: interpreted, nothing said.
func TestAutoCompileOff(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
	}{
		{name: "no toolchain", env: map[string]string{"PATH": "/nonexistent"}},
		{name: "GILGO_AUTOCOMPILE=off", env: map[string]string{AutoCompileEnv: "off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			r := newAutoRunner(t, Options{})
			r.cell("func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }")
			for i := 0; i < 3; i++ {
				got, reason := r.cell("fib(15)")
				r.auto.wait()
				if got != "[result text/plain]\n610\n" || reason != "" {
					t.Errorf("fib(15) #%d showed %q, reason %q", i+1, got, reason)
				}
			}
			if len(r.auto.native) != 0 {
				t.Errorf("native funcs: %v", r.auto.native)
			}
		})
	}
}

// TestAutoCompileWhileRunning: a cell that calls a func of an earlier cell
// and is still running after AutoCompileAfter has the func built while it
// runs, not only when it ends: the third call of a long func can then run
// native (BenchmarkAutoCompileFib).
func TestAutoCompileWhileRunning(t *testing.T) {
	needs.CompiledTier(t, compiled.Check())
	r := newAutoRunner(t, Options{AutoCompileAfter: 20 * time.Millisecond})
	r.cell("func spin(n int) int {\n\ts := 0\n\tfor i := 0; i < n; i++ {\n\t\ts += i % 7\n\t}\n\treturn s\n}")
	seen := make(chan time.Time, 1)
	stop := make(chan struct{})
	go func() {
		for {
			r.auto.mu.Lock()
			n := len(r.auto.tried)
			r.auto.mu.Unlock()
			if n > 0 {
				seen <- time.Now()
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	const runs = 800 * time.Millisecond
	start := time.Now()
	r.cell("import \"time\"\nt0 := time.Now()\nfor time.Since(t0) < 800*time.Millisecond { spin(1000) }")
	close(stop)
	select {
	case at := <-seen:
		if at.Sub(start) > runs/2 {
			t.Errorf("the build started %v into an %v cell, want while it ran (after about 20 ms)", at.Sub(start), runs)
		}
	default:
		t.Fatal("no build started")
	}
}
