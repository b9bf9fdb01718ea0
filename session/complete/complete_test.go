package complete

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/traefik/yaegi/stdlib"
)

// P is a struct type with value and pointer methods and an embedded field.
type P struct {
	Inner
	Name  string
	Count int
	next  *P
}

// Inner is embedded in P.
type Inner struct{ Depth int }

func (p P) Get() int         { return p.Count }
func (p *P) Set(n int)       { p.Count = n }
func (i Inner) Level() int   { return i.Depth }
func (p *P) Next() *P        { return p.next }
func (p P) private() int     { return 0 }
func (w Wrapper) Unwrap() *P { return w.P }

// Wrapper holds a *P for chains.
type Wrapper struct{ P *P }

func testScope() *StaticScope {
	return &StaticScope{
		Declared: []Decl{
			{Name: "total", Kind: KindVar, Type: "int"},
			{Name: "square", Kind: KindFunc, Signature: "func(x int) int", Doc: "square returns x*x.", Source: "func square(x int) int { return x * x }"},
			{Name: "Point", Kind: KindType, Type: "struct{X, Y int}"},
			{Name: "Norm", Kind: KindMethod, Recv: "*Point", Signature: "func() float64"},
			{Name: "pt", Kind: KindVar, Type: "Point"},
			{Name: "limit", Kind: KindConst, Type: "untyped int"},
			{Name: "p", Kind: KindVar, Type: "P"},
			{Name: "w", Kind: KindVar, Type: "Wrapper"},
			{Name: "héllo", Kind: KindVar, Type: "string"},
		},
		Imported: map[string]string{"fmt": "fmt", "strings": "strings", "os": "os"},
		Symbols:  stdlib.Symbols,
		Globals: map[string]reflect.Value{
			"total": reflect.ValueOf(42),
			"pt":    reflect.ValueOf(struct{ X, Y int }{1, 2}),
			"p":     reflect.ValueOf(P{Name: "a"}),
			"w":     reflect.ValueOf(Wrapper{P: &P{}}),
			"héllo": reflect.ValueOf("wörld"),
		},
	}
}

func TestComplete(t *testing.T) {
	sc := testScope()
	tests := []struct {
		name       string
		code       string
		cursor     int // -1: end of code
		want       []string
		exact      bool // want is the whole list
		start, end int  // -1: cursor
		typ        map[string]string
		sig        map[string]string
	}{
		{name: "package member", code: "fmt.Pri", cursor: -1, want: []string{"Print", "Printf", "Println"}, exact: true, start: 4, end: -1,
			typ: map[string]string{"Println": "function"}, sig: map[string]string{"Println": "func(a ...any) (n int, err error)"}},
		{name: "member kinds", code: "os.", cursor: -1, want: []string{"Args", "File", "Getenv", "ModeDir", "O_RDONLY", "Stdout"}, start: 3, end: -1,
			typ: map[string]string{"Args": "variable", "File": "type", "Getenv": "function", "ModeDir": "constant", "O_RDONLY": "constant"}},
		{name: "no unexported or wrappers", code: "fmt.", cursor: -1, want: []string{"Stringer", "Sprintf"}, start: 4, end: -1},
		{name: "lowercase falls back", code: "fmt.pri", cursor: -1, want: []string{"Print", "Printf", "Println"}, exact: true, start: 4, end: -1},
		{name: "ident prefix", code: "x := squ", cursor: -1, want: []string{"square"}, exact: true, start: 5, end: -1,
			typ: map[string]string{"square": "function"}, sig: map[string]string{"square": "func(x int) int"}},
		{name: "keywords and builtins", code: "f", cursor: -1, want: []string{"false", "float32", "float64", "fmt", "for", "func"}, start: 0, end: -1,
			typ: map[string]string{"for": "keyword", "false": "constant", "float64": "type", "fmt": "package"}},
		{name: "builtin func", code: "le", cursor: -1, want: []string{"len"}, exact: true, start: 0, end: -1, typ: map[string]string{"len": "function"}},
		{name: "unimported package", code: "strc", cursor: -1, want: []string{"strconv"}, exact: true, start: 0, end: -1, typ: map[string]string{"strconv": "package"}},
		{name: "cell locals", code: "answer := 42\nans", cursor: -1, want: []string{"answer"}, exact: true, start: 13, end: -1},
		{name: "var fields and methods", code: "p.", cursor: -1, want: []string{"Count", "Depth", "Get", "Inner", "Level", "Name", "Next", "Set"}, exact: true, start: 2, end: -1,
			typ: map[string]string{"Count": "field", "Set": "method", "Get": "method"}, sig: map[string]string{"Set": "func(int)", "Count": "int"}},
		{name: "var field prefix", code: "p.Co", cursor: -1, want: []string{"Count"}, exact: true, start: 2, end: -1},
		{name: "chain", code: "w.P.Na", cursor: -1, want: []string{"Name"}, exact: true, start: 4, end: -1},
		{name: "chain through package var", code: "os.Stdout.Wri", cursor: -1, want: []string{"Write", "WriteAt", "WriteString", "WriteTo"}, exact: true, start: 10, end: -1},
		{name: "cell method from decls", code: "pt.", cursor: -1, want: []string{"Norm", "X", "Y"}, exact: true, start: 3, end: -1},
		{name: "import string", code: `import "str`, cursor: -1, want: []string{"strconv", "strings"}, exact: true, start: 8, end: -1,
			typ: map[string]string{"strings": "module"}},
		{name: "import by base name", code: `import "json`, cursor: -1, want: []string{"encoding/json", "net/rpc/jsonrpc"}, exact: true, start: 8, end: -1},
		{name: "import group", code: "import (\n\t\"fmt\"\n\tstr \"str", cursor: -1, want: []string{"strconv", "strings"}, exact: true, start: 22, end: -1},
		{name: "import path middle", code: `import "encoding/js"`, cursor: 18, want: []string{"encoding/json"}, exact: true, start: 8, end: 19},
		{name: "ordinary string", code: `s := "fm`, cursor: -1, want: nil, exact: true, start: -1, end: -1},
		{name: "comment", code: "// fm", cursor: -1, want: nil, exact: true, start: -1, end: -1},
		{name: "block comment", code: "/* fm", cursor: -1, want: nil, exact: true, start: -1, end: -1},
		{name: "after closed comment", code: "/* x */ squ", cursor: -1, want: []string{"square"}, exact: true, start: 8, end: -1},
		{name: "number", code: "x := 1.", cursor: -1, want: nil, exact: true, start: -1, end: -1},
		{name: "call result", code: "f().", cursor: -1, want: nil, exact: true, start: -1, end: -1},
		{name: "unknown var", code: "nosuch.", cursor: -1, want: nil, exact: true, start: -1, end: -1},
		{name: "mid identifier", code: "fmt.Printxx", cursor: 9, want: []string{"Print", "Printf", "Println"}, exact: true, start: 4, end: 11},
		{name: "unicode before", code: "s := \"héllo wörld\"; fmt.Sp", cursor: -1, want: []string{"Sprint", "Sprintf", "Sprintln"}, exact: true, start: 26, end: -1},
		{name: "unicode ident", code: "hé", cursor: -1, want: []string{"héllo"}, exact: true, start: 0, end: -1},
		{name: "cursor zero", code: "fmt.Println", cursor: 0, want: []string{"fmt", "for"}, start: 0, end: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cursor := tt.cursor
			if cursor < 0 {
				cursor = len(tt.code)
			}
			got := Complete(tt.code, cursor, sc)
			if tt.exact {
				if len(tt.want) == 0 && len(got.Matches) != 0 || len(tt.want) > 0 && !slices.Equal(got.Matches, tt.want) {
					t.Fatalf("Complete(%q, %d) = %q, want %q", tt.code, cursor, got.Matches, tt.want)
				}
			} else {
				for _, w := range tt.want {
					if !slices.Contains(got.Matches, w) {
						t.Errorf("Complete(%q, %d) lacks %q in %q", tt.code, cursor, w, got.Matches)
					}
				}
			}
			if !slices.IsSorted(got.Matches) || len(slices.Compact(slices.Clone(got.Matches))) != len(got.Matches) {
				t.Errorf("matches not sorted and unique: %q", got.Matches)
			}
			start, end := tt.start, tt.end
			if start < 0 {
				start = cursor
			}
			if end < 0 {
				end = cursor
			}
			if got.CursorStart != start || got.CursorEnd != end {
				t.Errorf("range = [%d,%d), want [%d,%d)", got.CursorStart, got.CursorEnd, start, end)
			}
			if len(got.Types) != len(got.Matches) {
				t.Fatalf("%d types for %d matches", len(got.Types), len(got.Matches))
			}
			for _, ct := range got.Types {
				if ct.Start != got.CursorStart || ct.End != got.CursorEnd {
					t.Errorf("type %q range [%d,%d)", ct.Text, ct.Start, ct.End)
				}
				if w, ok := tt.typ[ct.Text]; ok && ct.Type != w {
					t.Errorf("type of %q = %q, want %q", ct.Text, ct.Type, w)
				}
				if w, ok := tt.sig[ct.Text]; ok && ct.Signature != w {
					t.Errorf("signature of %q = %q, want %q", ct.Text, ct.Signature, w)
				}
			}
		})
	}
}

func TestCompleteWithoutGOROOT(t *testing.T) {
	t.Cleanup(func() { SetGOROOT("") })
	SetGOROOT(t.TempDir())
	got := Complete("fmt.Println", 11, testScope())
	if len(got.Types) != 1 || got.Types[0].Signature != "func(...any) (int, error)" {
		t.Fatalf("without source: %+v", got.Types)
	}
	in := Inspect("fmt.Println", 11, 0, testScope())
	if !in.Found || in.Data["text/plain"] != "func fmt.Println(...any) (int, error)" {
		t.Fatalf("without source: %+v", in)
	}
}

func TestInspect(t *testing.T) {
	sc := testScope()
	tests := []struct {
		name, code string
		cursor     int // -1: end
		detail     int
		found      bool
		contains   []string
	}{
		{"std func doc", "fmt.Println", -1, 0, true, []string{"func fmt.Println(a ...any) (n int, err error)", "Println formats using the default formats"}},
		{"cursor inside name", "fmt.Println(x)", 6, 0, true, []string{"func fmt.Println("}},
		{"inside call parens", "fmt.Println(", -1, 0, true, []string{"func fmt.Println("}},
		{"package", "fmt", -1, 0, true, []string{`package fmt // import "fmt"`, "Package fmt implements formatted I/O"}},
		{"std type", "strings.Builder", -1, 0, true, []string{"type Builder struct", "func (b *Builder) WriteString(s string) (int, error)"}},
		{"std var", "os.Args", -1, 0, true, []string{"var Args []string", "Value: ["}},
		{"std const", "math.Pi", -1, 0, true, []string{"Pi", "Value: 3.14159"}},
		{"user func", "square(3)", 3, 0, true, []string{"func square(x int) int", "square returns x*x."}},
		{"user func detail", "square", -1, 1, true, []string{"Source:\nfunc square(x int) int { return x * x }"}},
		{"user func no source at 0", "square", -1, 0, true, []string{"func square(x int) int"}},
		{"user var value", "total", -1, 0, true, []string{"var total int", "Value: 42"}},
		{"user type", "Point", -1, 0, true, []string{"type Point struct{X, Y int}", "func (*Point) Norm() float64"}},
		{"field", "p.Count", -1, 0, true, []string{"field Count int"}},
		{"std method on value", "os.Stdout.Close", -1, 0, true, []string{"func (f *File) Close() error", "Close closes the File, rendering"}},
		{"builtin", "len", -1, 0, true, []string{"func len(v Type) int", "The len built-in function"}},
		{"unicode var", "x := héllo", -1, 0, true, []string{"var héllo string", "Value: wörld"}},
		{"unknown", "nosuch", -1, 0, false, nil},
		{"keyword", "for", -1, 0, false, nil},
		{"empty", "", -1, 0, false, nil},
		{"space", "   ", 1, 0, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cursor := tt.cursor
			if cursor < 0 {
				cursor = len(tt.code)
			}
			got := Inspect(tt.code, cursor, tt.detail, sc)
			if got.Found != tt.found {
				t.Fatalf("Inspect(%q, %d).Found = %v, want %v (%v)", tt.code, cursor, got.Found, tt.found, got.Data)
			}
			text, _ := got.Data["text/plain"].(string)
			for _, w := range tt.contains {
				if !strings.Contains(text, w) {
					t.Errorf("text/plain lacks %q:\n%s", w, text)
				}
			}
			if tt.found {
				if md, _ := got.Data["text/markdown"].(string); !strings.HasPrefix(md, "```go\n") {
					t.Errorf("text/markdown = %q", md)
				}
			}
		})
	}
}

// TestOddCursors checks that no cursor position panics or yields a range
// outside the code.
func TestOddCursors(t *testing.T) {
	sc := testScope()
	codes := []string{"", "fmt.", "\"héllo\" + wörld.", "import (\n\t\"", "p.Inner.De", "`raw", "/*", "π.", "日本語"}
	for _, code := range codes {
		for c := -2; c <= len(code)+2; c++ {
			got := Complete(code, c, sc)
			if got.CursorStart < 0 || got.CursorEnd > len(code) || got.CursorStart > got.CursorEnd {
				t.Errorf("Complete(%q, %d) range [%d,%d)", code, c, got.CursorStart, got.CursorEnd)
			}
			Inspect(code, c, 1, sc)
			IsComplete(code[:clampCursor(code, c)])
		}
	}
}

func FuzzComplete(f *testing.F) {
	for _, seed := range []string{"fmt.Pri", "import \"str", "p.Inner.", "x := `a\n", "héllo.", "/* x", "os.Stdout.W", "func f() {", ")", "w.P.Next."} {
		f.Add(seed, len(seed))
		f.Add(seed, len(seed)/2)
	}
	sc := testScope()
	f.Fuzz(func(t *testing.T, code string, cursor int) {
		got := Complete(code, cursor, sc)
		if got.CursorStart < 0 || got.CursorEnd > len(code) || got.CursorStart > got.CursorEnd {
			t.Fatalf("range [%d,%d) outside %d bytes", got.CursorStart, got.CursorEnd, len(code))
		}
		if len(got.Types) != len(got.Matches) {
			t.Fatalf("%d types, %d matches", len(got.Types), len(got.Matches))
		}
		Inspect(code, cursor, 1, sc)
		ParseDecls(code)
		st := IsComplete(code).Status
		if st != StatusComplete && st != StatusIncomplete && st != StatusInvalid {
			t.Fatalf("status %q", st)
		}
	})
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// TestConcurrent exercises the documentation cache from many goroutines;
// run with -race.
func TestConcurrent(t *testing.T) {
	t.Cleanup(func() { SetGOROOT("") })
	sc := testScope()
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- true }()
			for i := 0; i < 5; i++ {
				if g == 0 {
					SetGOROOT("")
				}
				if got := Complete("strings.Buil", 12, sc); len(got.Matches) != 1 {
					t.Errorf("matches %q", got.Matches)
				}
				Inspect("strings.Builder", 15, 0, sc)
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

// Gen stands for a cell package's type documented only through DocScope.
type Gen struct{}

// Send is documented by the scope, not by GOROOT.
func (*Gen) Send(v any) any { return v }

func TestInspectDocScope(t *testing.T) {
	sc := &StaticScope{
		Imported: map[string]string{"coroutine": "coroutine", "fmt": "fmt"},
		Symbols: map[string]map[string]reflect.Value{
			"coroutine/coroutine": {
				"New":       reflect.ValueOf(func(int) *Gen { return nil }),
				"Generator": reflect.ValueOf((*Gen)(nil)),
			},
			"fmt/fmt": stdlib.Symbols["fmt/fmt"],
		},
		Globals: map[string]reflect.Value{"g": reflect.ValueOf(&Gen{})},
		Docs: map[string]map[string][2]string{
			"coroutine": {
				"New":            {"func New(body func(co *Co) any) *Generator", "New returns a generator."},
				"Generator":      {"type Generator struct{}", "Generator is a generator."},
				"Generator.Send": {"func (g *Generator) Send(v any) (any, error)", "Send resumes it."},
			},
			"fmt": {"Println": {"func Println()", "shadowed"}},
		},
	}
	for _, tc := range []struct{ code, want string }{
		{"coroutine.New", "func coroutine.New(body func(co *Co) any) *Generator\n\nNew returns a generator."},
		{"coroutine.New(", "func coroutine.New(body func(co *Co) any) *Generator\n\nNew returns a generator."},
		{"coroutine.Generator", "type Generator struct{}\n\nfunc (g *Generator) Send(v any) (any, error)\n\nGenerator is a generator."},
		{"g.Send", "func (g *Generator) Send(v any) (any, error)\n\nSend resumes it."},
		{"fmt.Println", "func fmt.Println()\n\nshadowed"}, // the scope comes first
	} {
		in := Inspect(tc.code, len(tc.code), 0, sc)
		if got, _ := in.Data["text/plain"].(string); !in.Found || got != tc.want {
			t.Errorf("Inspect(%q): found %v\n got %q\nwant %q", tc.code, in.Found, got, tc.want)
		}
	}
	// Without Docs the signature comes from reflection.
	sc.Docs = nil
	in := Inspect("coroutine.New", len("coroutine.New"), 0, sc)
	if got, _ := in.Data["text/plain"].(string); got != "func coroutine.New(int) *complete.Gen" {
		t.Errorf("Inspect without docs: got %q", got)
	}
}
