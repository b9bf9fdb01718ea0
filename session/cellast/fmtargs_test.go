package cellast

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"testing"
)

func TestParseVerbs(t *testing.T) {
	tests := []struct {
		format string
		want   []fmtVerb
	}{
		{"%v %T", []fmtVerb{{'v', 0, 1}, {'T', 1, 4}}},
		{"100%% %d", []fmtVerb{{'d', 0, 7}}},
		{"%*d %-8.*T", []fmtVerb{{'d', 1, 2}, {'T', 3, 9}}},
		{"%[2]T %[1]v %v", []fmtVerb{{'T', 1, 4}, {'v', 0, 10}, {'v', 1, 13}}},
		{"%+#v|%x", []fmtVerb{{'v', 0, 3}, {'x', 1, 6}}},
		{"héllo %T", []fmtVerb{{'T', 0, 8}}},
		{"trailing %", nil},
	}
	for _, tt := range tests {
		if got := parseVerbs(tt.format); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseVerbs(%q) = %v, want %v", tt.format, got, tt.want)
		}
	}
}

// TestTypeSyntax checks typeSyntax against the strings %T prints for the
// same types (written here by hand from go run's output).
func TestTypeSyntax(t *testing.T) {
	src := `package main
import "time"
type point struct{ X, Y int }
type List[T any] struct{ items []T }
var (
	a point
	b []point
	c map[string]*point
	d [2]byte
	e struct{ N int "json:\"n\""; time.Duration }
	f func(int, ...string) (bool, error)
	g <-chan rune
	h List[int]
	i interface{}
	j any
	k func()
	l chan<- []point
)`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.Default()}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	if _, err := conf.Check("main", fset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a": "main.point", "b": "[]main.point", "c": "map[string]*main.point", "d": "[2]uint8",
		"e": `struct { N int "json:\"n\""; time.Duration }`, "f": "func(int, ...string) (bool, error)",
		"g": "<-chan int32", "h": "main.List[int]", "i": "interface {}", "j": "interface {}", "k": "func()",
		"l": "chan<- []main.point",
	}
	for id, obj := range info.Defs {
		w, ok := want[id.Name]
		if !ok || obj == nil {
			continue
		}
		if got := typeSyntax(obj.Type()); got != w {
			t.Errorf("typeSyntax(%s) = %s, want %s", id.Name, got, w)
		}
	}
}
