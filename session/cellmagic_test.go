package session

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/engine"
	"github.com/traefik/yaegi/interp"
)

// fakeCompile is a %%compile stand-in with the compiled tier's shape:
// "!fail" on a line of the body is a build error at that line; "!unavailable"
// in the magic's arguments runs the body interpreted with a note; otherwise
// every "func NAME(n int) int" of the body becomes a package fakecN whose
// X__NAME is a compiled func (n*10, so the tests see which one ran; it
// panics for n < 0, and Frames then names cell[2]), bound by an
// interpreted wrapper run with RunGenerated.
func fakeCompile(loaded *int) CellMagic {
	funcRE := regexp.MustCompile(`(?m)^func (\w+)\(n int\) int`)
	return CellMagic{
		Help: "%%compile: fake compiled tier",
		Run: func(mc *MagicCell) error {
			if strings.Contains(mc.Args, "!unavailable") {
				engine.Note(mc.Output(), "compiled tier unavailable: fake; running interpreted")
				return mc.Run(mc.Body)
			}
			for i, l := range strings.Split(mc.Body, "\n") {
				if strings.Contains(l, "!fail") {
					return mc.CompileError([]string{
						fmt.Sprintf("cell[%d]:%d:%d: fake build error", mc.Cell, i+1, strings.Index(l, "!fail")+1),
						fmt.Sprintf("cell[%d]:%d: second line", mc.Cell, i+1),
					})
				}
			}
			var err error
			mc.Blocking(func() { err = mc.Context().Err() })
			if err != nil {
				return err
			}
			*loaded++
			pkg := fmt.Sprintf("fakec%d", *loaded)
			syms := map[string]reflect.Value{}
			var b strings.Builder
			fmt.Fprintf(&b, "import %q\n", pkg)
			for _, m := range funcRE.FindAllStringSubmatch(mc.Body, -1) {
				syms["X__"+m[1]] = reflect.ValueOf(func(n int) int {
					if n < 0 {
						panic(fmt.Errorf("negative: %d", n))
					}
					return n * 10
				})
				fmt.Fprintf(&b, "func %s(p0 int) int { return %s.X__%s(p0) }\n", m[1], pkg, m[1])
			}
			if err := mc.Use(interp.Exports{pkg + "/" + pkg: syms}); err != nil {
				return err
			}
			mc.Output().Stream("stdout", fmt.Sprintf("compiled %s (directive %v)\n", pkg, mc.Directive))
			return mc.RunGenerated(b.String())
		},
		Frames: func(stack []byte) []string {
			if !bytes.Contains(stack, []byte("session.fakeCompile")) {
				return nil
			}
			return []string{"cell[2]:3:2", "cell[2]:1"}
		},
		ResetNote: func() string {
			if *loaded == 0 {
				return ""
			}
			return fmt.Sprintf("note: %d compiled cells stay loaded", *loaded)
		},
	}
}

func newMagicSession(t testing.TB) *Session {
	t.Helper()
	loaded := 0
	s, err := New(Options{
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		CellMagics: map[string]CellMagic{"compile": fakeCompile(&loaded)},
	})
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background(), false) })
	return s
}

// TestGoldenCellMagic runs testdata/cellmagic/*.txtar in sessions with
// the fake %%compile.
func TestGoldenCellMagic(t *testing.T) {
	runGoldenFiles(t, "testdata/cellmagic/*.txtar", newMagicSession)
}

func TestDirectiveMagic(t *testing.T) {
	s := newMagicSession(t)
	cases := []struct {
		src  string
		want bool
	}{
		{"//gilgo:compile\nfunc f(n int) int { return n }", true},
		{"// doc\n//gilgo:compile\nfunc f(n int) int { return n }", true},
		{"//gilgo:compile\n\nfunc f(n int) int { return n }", false}, // not directly before
		{"//gilgo:other\nfunc f(n int) int { return n }", false},     // not registered
		{"//gilgo:compile\nvar x = 1", false},
		{"func g() {\n//gilgo:compile\nfunc() {}()\n}", false}, // not top level
		{"x := `\n//gilgo:compile\nfunc f() {}`", false},       // inside a string
		{"func f() {}", false},
	}
	for _, tc := range cases {
		c := &cell{s: s, n: 1, src: tc.src}
		m, ok := c.directiveMagic()
		if ok != tc.want {
			t.Errorf("directiveMagic(%q) = %v, want %v", tc.src, ok, tc.want)
			continue
		}
		if ok && (m.name != "compile" || m.body != tc.src) {
			t.Errorf("directiveMagic(%q) = %+v, want the whole cell for compile", tc.src, m)
		}
	}
}
