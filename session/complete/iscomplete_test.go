package complete

import (
	"testing"

	"github.com/gilgo/gilgo/engine"
)

func TestIsComplete(t *testing.T) {
	tests := []struct {
		name, code     string
		status, indent string
	}{
		{"empty", "", "complete", ""},
		{"blank", "\n\n  ", "complete", ""},
		{"expr", "1 + 1", "complete", ""},
		{"call", `fmt.Println("hi")`, "complete", ""},
		{"open paren", `fmt.Println("hi",`, "incomplete", "\t"},
		{"open paren no comma", `fmt.Println("hi"`, "incomplete", "\t"},
		{"open brace", "func f() {", "incomplete", "\t"},
		{"open brace nested", "func f() {\n\tif x {", "incomplete", "\t\t"},
		{"after inner close", "func f() {\n\tif x {\n\t\ty()\n\t}", "incomplete", "\t"},
		{"closed func", "func f() {\n\treturn\n}", "complete", ""},
		{"spaces unit", "func f() {\n    if x {", "incomplete", "        "},
		{"open bracket", "s := []int{\n\t1,\n\t2,", "incomplete", "\t"},
		{"trailing plus", "x := 1 +", "incomplete", "\t"},
		{"trailing and and", "ok := a &&\n\tb &&", "incomplete", "\t"},
		{"trailing define", "x :=", "incomplete", "\t"},
		{"trailing assign", "x =", "incomplete", "\t"},
		{"trailing period", "fmt.", "incomplete", "\t"},
		{"trailing comma", "a, ", "incomplete", ""},
		{"trailing arrow", "ch <-", "incomplete", "\t"},
		{"raw string open", "s := `line one", "incomplete", ""},
		{"raw string closed", "s := `a\nb`", "complete", ""},
		{"block comment open", "/* note", "incomplete", ""},
		{"block comment closed", "/* note */ x := 1", "complete", ""},
		{"line comment after op", "x := 1 + // more\n", "incomplete", "\t"},
		{"line comment", "x := 1 // done", "complete", ""},
		{"stray paren", "x := 1)", "invalid", ""},
		{"stray brace", "}", "invalid", ""},
		{"mismatch", "f(]", "invalid", ""},
		{"broken string", "s := \"abc\nd\"", "invalid", ""},
		{"broken rune", "r := 'a", "invalid", ""},
		{"illegal char", "x := 1 @ 2", "invalid", ""},
		{"bad statement", "x = = 3", "invalid", ""},
		{"bad decl", "func f() int int {}", "invalid", ""},
		{"decls", "import \"fmt\"\n\ntype T struct{ A int }\n\nfunc (t T) Get() int { return t.A }", "complete", ""},
		{"mixed", "import \"fmt\"\nx := 1\nfmt.Println(x)", "complete", ""},
		{"program", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }", "complete", ""},
		{"magic", "%timeit x := 1", "complete", ""},
		{"magic then code", "%gil on\nfunc f() {", "incomplete", "\t"},
		{"cell magic", "%%bash\necho {", "complete", ""},
		{"unicode", "π := 3.14\nfmt.Println(\"héllo\", π,", "incomplete", "\t"},
		{"for loop open", "for i := 0; i < 3; i++ {", "incomplete", "\t"},
		{"for loop", "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}", "complete", ""},
		{"go stmt", "go func() {\n\twork()\n}()", "complete", ""},
		{"case clause", "switch x {\ncase 1:", "incomplete", "\t"},
		{"case body", "switch x {\ncase 1:\n\tf()", "incomplete", "\t"},
		{"default clause", "select {\ndefault:", "incomplete", "\t"},
		{"else open", "if x {\n} else {", "incomplete", "\t"},
		{"struct literal", "p := P{\n\tA: 1,\n}", "complete", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := IsComplete(tt.code)
			want := engine.Completeness{Status: tt.status, Indent: tt.indent}
			if got != want {
				t.Errorf("IsComplete(%q) = %+v, want %+v", tt.code, got, want)
			}
		})
	}
}
