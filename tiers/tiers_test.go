package tiers

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/goldencells"
	"github.com/gilgo/gilgo/internal/needs"
	"github.com/gilgo/gilgo/notebook"
	"github.com/gilgo/gilgo/session"
)

var update = flag.Bool("update", false, "rewrite the want files of the golden tests in testdata (the interpreted run of testdata/*.txtar)")

// pendingCompiled lists the archives of testdata/tiers whose compiled run
// waits for a feature in progress, with the reason: it is skipped, the
// interpreted run is always on. Delete an entry when its feature lands.
var pendingCompiled = map[string]string{}

// compiledDiffers lists the archives whose compiled run is known to show
// something else than the interpreted one: bugs to fix, not a second
// contract. Their compiled run still runs and logs each difference (go
// test -v), then is skipped with the reason; once it matches, the test
// fails, asking for the entry to be deleted.
var compiledDiffers = map[string]string{
	"vars.txtar": "package-level vars of a compiled cell are not bound by name " +
		"(later cells get undefined: total; the plugin exports them only as *gilgo_cNNNN.V__total)",
	"panic_detail.txtar": "the interpreted tier says less: index out of range without [5] with length 3 " +
		"for an index inside a func, and &struct { N int }{N:-7} (ename panic) for a custom error type, whose methods yaegi drops",
	"panic_lines.txtar": "the interpreted tier names the line of an earlier node of the func " +
		"(its opening brace or first statement) for a panic in a func body; the compiled tier names the panicking line",
}

// TestTiers runs every archive of testdata/tiers twice, each time in a
// fresh worker session (issue 9: interpreted and compiled runs of the
// same cells give the same output):
//
//   - interpreted: the cells as written, checked against their want files
//     (go test -update rewrites them);
//   - compiled: the cells named "cell compile" run as %%compile cells, and
//     every cell must show the same want. The interpreted output is the
//     contract; there are no separate compiled wants.
//
// Archives are kept small, one user-level feature each, so that a known
// difference (compiledDiffers) skips as little as possible.
func TestTiers(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files in testdata")
	}
	for _, file := range files {
		base := filepath.Base(file)
		t.Run(strings.TrimSuffix(base, ".txtar"), func(t *testing.T) {
			t.Run("interpreted", func(t *testing.T) {
				r := newTierRunner(t, false)
				goldencells.Check(t, file, *update, r.run)
			})
			t.Run("compiled", func(t *testing.T) {
				if *update {
					t.Skip("-update rewrites the wants from the interpreted run only")
				}
				if why, ok := pendingCompiled[base]; ok {
					t.Skip(why)
				}
				needs.CompiledTier(t, compiled.Check())
				r := newTierRunner(t, true)
				diffs := sameWants(t, file, r)
				why, known := compiledDiffers[base]
				switch {
				case known && len(diffs) == 0:
					t.Errorf("%s: the compiled run now matches the interpreted one: delete its entry in compiledDiffers (%q)", base, why)
				case known:
					for _, d := range diffs {
						t.Log(d)
					}
					t.Skipf("known difference: %s", why)
				default:
					for _, d := range diffs {
						t.Error(d)
					}
				}
			})
		})
	}
}

// sameWants runs the cells of file through r and compares each with the
// want the interpreted run is checked against. It returns a message per
// differing cell, naming the archive and the cell and showing both
// outputs.
func sameWants(t *testing.T, file string, r *tierRunner) []string {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var diffs []string
	n := 0
	for i := 0; i < len(ar.Files); i++ {
		f := ar.Files[i]
		if !strings.HasPrefix(f.Name, "cell") {
			continue
		}
		n++
		want := ""
		if i+1 < len(ar.Files) && ar.Files[i+1].Name == "want" {
			want = string(ar.Files[i+1].Data)
			i++
		}
		got := r.run(f.Name, strings.TrimSuffix(string(f.Data), "\n"))
		if got != want {
			diffs = append(diffs, fmt.Sprintf("%s: cell %d (%q), compiled differs from interpreted:\n%s\ncompiled run:\n%s\ninterpreted (want):\n%s",
				filepath.Base(file), n, f.Name, f.Data, got, want))
		}
	}
	return diffs
}

// tierRunner runs the cells of one archive in one session.
type tierRunner struct {
	tb       testing.TB
	sess     *session.Session
	compiled bool  // run "cell compile" cells as %%compile cells
	n        int   // the execution count of the last cell
	shifted  []int // compiled cells' counts: their lines are one down
}

// newTierRunner makes a runner on a fresh session, as a worker serves it.
func newTierRunner(tb testing.TB, compiled bool) *tierRunner {
	tb.Helper()
	sess, err := New(Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = sess.Shutdown(context.Background(), false) })
	return &tierRunner{tb: tb, sess: sess, compiled: compiled}
}

// run executes the cell named name (compiled if the runner compiles and
// the name has the word compile) and renders what it showed.
func (r *tierRunner) run(name, src string) string {
	r.tb.Helper()
	r.n++
	code := src
	if r.compiled && hasWord(name, "compile") {
		code = "%%compile\n" + src
		r.shifted = append(r.shifted, r.n)
	}
	// A minute is far beyond any cell here: it only stops a hung cell.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rec := &tierRecorder{}
	res := r.sess.Execute(ctx, engine.ExecuteRequest{Code: code, ExecutionCount: r.n}, rec)
	out := rec.String()
	if res.Error != nil {
		out += "[error] " + res.Error.Name + ": " + res.Error.Value + "\n"
		out += renderTraceback(res.Error.Traceback)
	}
	return r.unshift(out)
}

// hasWord reports whether the space-separated fields of name hold w.
func hasWord(name, w string) bool {
	for _, f := range strings.Fields(name) {
		if f == w {
			return true
		}
	}
	return false
}

// posRE matches a cell position cell[N]:LINE (a column may follow).
var posRE = regexp.MustCompile(`cell\[(\d+)\]:(\d+)`)

// renderTraceback keeps the positions cell[N]:LINE of a traceback, one a
// line, in order. The rest differs between the tiers without telling a
// user anything different: an interpreted frame reads "cell[2]:3:5 in f"
// followed by the source line and a caret, a compiled one "cell[2]:3
// (%%compile)" from the Go stack, whose columns are those of the
// generated code's statements and whose frames of generated code (the
// check points, the wrappers that bind the plugin's funcs) name no cell.
func renderTraceback(tb []string) string {
	var b strings.Builder
	for _, l := range tb {
		for _, m := range posRE.FindAllString(l, -1) {
			b.WriteString("| " + m + "\n")
		}
	}
	return b.String()
}

// unshift moves the lines of compiled cells up by one in positions
// cell[N]:LINE: their first line is the %%compile the compiled run adds,
// so cell[N]:4 there is cell[N]:3 of the cell as written.
func (r *tierRunner) unshift(s string) string {
	if len(r.shifted) == 0 {
		return s
	}
	return posRE.ReplaceAllStringFunc(s, func(m string) string {
		sm := posRE.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sm[1])
		line, _ := strconv.Atoi(sm[2])
		for _, c := range r.shifted {
			if c == n {
				return fmt.Sprintf("cell[%d]:%d", n, line-1)
			}
		}
		return m
	})
}

// tierRecorder renders what a cell shows as the runtime's golden tests do
// (goldencells.Recorder), without the compiled tier's progress note
// ("compiling cell[N] with go build", only on a slow build), and with no
// stdin.
type tierRecorder struct{ goldencells.Recorder }

func (r *tierRecorder) Display(data engine.MIMEBundle, metadata map[string]any, id string, update bool) {
	if engine.IsNote(metadata) && id != "" {
		return // engine.Progress
	}
	r.Recorder.Display(data, metadata, id, update)
}

func (*tierRecorder) Input(context.Context, string, bool) (string, error) {
	return "", notebook.ErrNoStdin
}
