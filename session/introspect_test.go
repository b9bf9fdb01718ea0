package session

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/session/hook"
)

func TestIntrospection(t *testing.T) {
	s := newTestSession(t)
	setup := `import ("fmt"; "strings")
type P struct{ X, Y int }
func (p P) Sum() int { return p.X + p.Y }
func square(x int) int { return x * x }
p := P{1, 2}
var sb strings.Builder`
	if out := runCell(s, 1, setup, nil); out != "" {
		t.Fatalf("setup: %s", out)
	}
	ctx := context.Background()
	complete := []struct {
		code string
		want []string // all must be among the matches
		not  []string // none may be
	}{
		{"fmt.Pri", []string{"Print", "Printf", "Println"}, []string{"Sprint"}},
		{"p.", []string{"X", "Y", "Sum"}, nil},
		{"p.S", []string{"Sum"}, []string{"X"}},
		{"squ", []string{"square"}, nil},
		{"x := sq", []string{"square"}, nil},
		{"sb.Wr", []string{"WriteString"}, nil},
		{"strings.Fie", []string{"Fields", "FieldsFunc"}, nil},
		{"fo", []string{"for"}, nil},
		{"__", nil, []string{"__rt", "__min"}},
	}
	for _, tc := range complete {
		c, err := s.Complete(ctx, tc.code, len(tc.code))
		if err != nil {
			t.Fatalf("complete %q: %v", tc.code, err)
		}
		got := map[string]bool{}
		for _, m := range c.Matches {
			got[m] = true
		}
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("complete %q: got %v, want %s among them", tc.code, c.Matches, w)
			}
		}
		for _, w := range tc.not {
			if got[w] {
				t.Errorf("complete %q: got %v, want no %s", tc.code, c.Matches, w)
			}
		}
		if c.CursorEnd != len(tc.code) {
			t.Errorf("complete %q: cursor end %d, want %d", tc.code, c.CursorEnd, len(tc.code))
		}
	}
	inspect := []struct {
		code string
		want string
	}{
		{"fmt.Println", "Println formats"},
		{"square", "func square(x int) int"},
		{"p", "P"},
	}
	for _, tc := range inspect {
		in, err := s.Inspect(ctx, tc.code, len(tc.code), 0)
		if err != nil {
			t.Fatalf("inspect %q: %v", tc.code, err)
		}
		text := fmt.Sprint(in.Data["text/plain"])
		if !in.Found || !strings.Contains(text, tc.want) {
			t.Errorf("inspect %q: found %v, text %q, want it to contain %q", tc.code, in.Found, text, tc.want)
		}
	}
	for code, want := range map[string]string{
		"func f() {":      "incomplete",
		"x := 1":          "complete",
		"x := )":          "invalid",
		"%timeit fib(20)": "complete",
	} {
		c, err := s.IsComplete(ctx, code)
		if err != nil || c.Status != want {
			t.Errorf("is_complete %q: got %v %v, want %s", code, c, err, want)
		}
	}
}

// docPkg is a type of the fake cell package of TestInspectCellPackageDocs.
type docPkg struct{}

// Send is a method documented by the fake Docs.
func (*docPkg) Send(v any) any { return v }

// TestInspectCellPackageDocs: a cell package's Docs document its members
// (and methods of its types on values) before GOROOT.
func TestInspectCellPackageDocs(t *testing.T) {
	s, err := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background(), false) })
	if err := s.Import(hook.Package{
		Path: "docpkg",
		Symbols: map[string]reflect.Value{
			"New": reflect.ValueOf(func(n int) *docPkg { return &docPkg{} }),
			"Gen": reflect.ValueOf((*docPkg)(nil)),
		},
		Docs: map[string]hook.Doc{
			"New":       {Decl: "func New(n int) *Gen", Text: "New makes a generator."},
			"Gen":       {Decl: "type Gen struct{}", Text: "Gen is a generator."},
			"Gen.Send":  {Decl: "func (g *Gen) Send(v any) any", Text: "Send resumes the generator."},
			"Undefined": {Decl: "func Undefined()", Text: "not in the symbol table"},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if out := runCell(s, 1, "import \"docpkg\"\ng := docpkg.New(1)", nil); out != "" {
		t.Fatalf("setup: %s", out)
	}
	for _, tc := range []struct{ code, want string }{
		{"docpkg.New", "func docpkg.New(n int) *Gen\n\nNew makes a generator."},
		{"docpkg.Gen", "type Gen struct{}\n\nfunc (g *Gen) Send(v any) any\n\nGen is a generator."},
		{"g.Send", "func (g *Gen) Send(v any) any\n\nSend resumes the generator."},
	} {
		in, err := s.Inspect(context.Background(), tc.code, len(tc.code), 0)
		if err != nil {
			t.Fatalf("inspect %q: %v", tc.code, err)
		}
		if got := fmt.Sprint(in.Data["text/plain"]); !in.Found || got != tc.want {
			t.Errorf("inspect %q: found %v\n got %q\nwant %q", tc.code, in.Found, got, tc.want)
		}
	}
}
