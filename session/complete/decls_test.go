package complete

import (
	"reflect"
	"testing"
)

func TestParseDecls(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Decl
	}{
		{"func", "// Sq squares.\nfunc Sq(x int) int { return x * x }", []Decl{
			{Name: "Sq", Kind: KindFunc, Signature: "func(x int) int", Doc: "Sq squares.\n", Source: "func Sq(x int) int { return x * x }"}}},
		{"type and method", "type P struct{ A int }\nfunc (p *P) Get() int { return p.A }", []Decl{
			{Name: "P", Kind: KindType, Type: "struct{ A int }", Source: "type P struct{ A int }"},
			{Name: "Get", Kind: KindMethod, Recv: "*P", Signature: "func() int", Source: "func (p *P) Get() int { return p.A }"}}},
		{"vars", "var (\n\ta, b int\n\tc = \"x\"\n)\nconst K = 3", []Decl{
			{Name: "a", Kind: KindVar, Type: "int", Source: "var (\n\ta, b int\n\tc = \"x\"\n)"},
			{Name: "b", Kind: KindVar, Type: "int", Source: "var (\n\ta, b int\n\tc = \"x\"\n)"},
			{Name: "c", Kind: KindVar, Source: "var (\n\ta, b int\n\tc = \"x\"\n)"},
			{Name: "K", Kind: KindConst, Source: "const K = 3"}}},
		{"statements", "x, _ := f()\nvar y float64\nfmt.Println(x)\nfor { z := 1 }", []Decl{
			{Name: "x", Kind: KindVar, Source: "x, _ := f()"},
			{Name: "y", Kind: KindVar, Type: "float64", Source: "var y float64"}}},
		{"program", "package main\n\nfunc main() {}", []Decl{{Name: "main", Kind: KindFunc, Signature: "func()", Source: "func main() {}"}}},
		{"unicode", "π := 3.14", []Decl{{Name: "π", Kind: KindVar, Source: "π := 3.14"}}},
		{"broken", "func (", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseDecls(tt.src)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseDecls(%q) =\n%#v\nwant\n%#v", tt.src, got, tt.want)
			}
		})
	}
}
