package cellast

import (
	"fmt"
	"strings"
	"testing"
)

func TestSplitCell(t *testing.T) {
	cases := []struct {
		src  string
		want []string // Kind:text
	}{
		{"x := 1", []string{"define:x := 1"}},
		{"import \"fmt\"\nfmt.Println(1)", []string{`decl:import "fmt"`, "stmt:fmt.Println(1)"}},
		{"func f() {}\nf()", []string{"decl:func f() {}", "stmt:f()"}},
		{"func (p P) M() {}", []string{"decl:func (p P) M() {}"}},
		{"func() { }()", []string{"stmt:func() { }()"}},
		{"a, b := 1, 2; a + b", []string{"define:a, b := 1, 2", "stmt:a + b"}},
		{"package main\nfunc main() {}", []string{"package:package main", "decl:func main() {}"}},
		{"for i := 0; i < 3; i++ {\n}", []string{"stmt:for i := 0; i < 3; i++ {\n}"}},
		{"x := `raw\nstring`", []string{"define:x := `raw\nstring`"}},
		{"x := \"broken", []string{"stmt:x := \"broken"}},
	}
	kinds := map[Kind]string{Stmt: "stmt", Decl: "decl", Define: "define", Package: "package"}
	for _, tc := range cases {
		var got []string
		for _, it := range Split(tc.src) {
			got = append(got, kinds[it.Kind]+":"+it.Text)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Split(%q):\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

// FuzzSplit checks that splitting never panics and that every Item is a
// piece of the cell at the position it names.
func FuzzSplit(f *testing.F) {
	for _, seed := range []string{
		"", "x := 1", "import \"fmt\"\nfmt.Println(1)", "func (p P) M() {}\nfunc() {}()",
		"a, b := f(); a", "package main\nfunc main() { for {} }", "x := `raw", "}}}{{{",
		"type T struct{ A int }; var t T; t.A", "/* comment", "x := 'a", "\xff\xfe",
		"go func() {}()", "for i := range 3 { defer func() {}() }", "x := 1\nimport \"fmt\"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Split(src, "\n")
		for _, it := range Split(src) {
			if it.Line < 1 || it.Line > len(lines) {
				t.Fatalf("Item %q: line %d outside the cell", it.Text, it.Line)
			}
			if !strings.Contains(src, it.Text) {
				t.Fatalf("Item %q is not part of the cell", it.Text)
			}
			if it.Kind == Define && (it.DefineAt < 0 || !strings.HasPrefix(it.Text[it.DefineAt:], ":=")) {
				t.Fatalf("Item %q: := not at %d", it.Text, it.DefineAt)
			}
		}
		items := Split(src)
		hoisted := HoistImports(items)
		if len(hoisted) != len(items) {
			t.Fatalf("HoistImports: %d items, want %d", len(hoisted), len(items))
		}
	})
}

func TestHoistImports(t *testing.T) {
	cases := []struct {
		src  string
		want []string // text@line
	}{
		{"x := 1\nimport \"fmt\"\nfmt.Println(x)", []string{`import "fmt"@2`, "x := 1@1", "fmt.Println(x)@3"}},
		{"import \"a\"\nimport \"b\"\nf()", []string{`import "a"@1`, `import "b"@2`, "f()@3"}},
		{"func f() {}\nimport (\n\"os\"\n)\nvar imported = 1", []string{"import (\n\"os\"\n)@2", "func f() {}@1", "var imported = 1@5"}},
		{"importer := 2\nimporter", []string{"importer := 2@1", "importer@2"}},
		{"import \"fmt\"", []string{`import "fmt"@1`}},
	}
	for _, tc := range cases {
		var got []string
		for _, it := range HoistImports(Split(tc.src)) {
			got = append(got, fmt.Sprintf("%s@%d", it.Text, it.Line))
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("HoistImports(%q):\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}
