package multiprocessing

import (
	"fmt"
	"testing"
)

func TestDecodeValue(t *testing.T) {
	tests := []struct{ raw, typ, want string }{
		{`3`, "int", "int 3"},
		{`9007199254740993`, "int64", "int64 9007199254740993"},
		{`2.5`, "float64", "float64 2.5"},
		{`"a"`, "string", "string a"},
		{`[1,2]`, "[]int", "[]int [1 2]"},
		{`[1,2]`, "[2]uint8", "[2]uint8 [1 2]"},
		{`{"a":1}`, "map[string]int", "map[string]int map[a:1]"},
		{`{"X":1}`, "struct { X int }", "map[string]interface {} map[X:1]"},
		{`3`, "main.T", "float64 3"},
		{`[1,"a"]`, "[]interface {}", "[]interface {} [1 a]"},
		{`null`, "*int", "*int <nil>"},
	}
	for _, tc := range tests {
		v, err := decodeValue([]byte(tc.raw), tc.typ)
		if err != nil {
			t.Errorf("%s as %s: %v", tc.raw, tc.typ, err)
			continue
		}
		if got := fmt.Sprintf("%T %v", v, v); got != tc.want {
			t.Errorf("%s as %s: got %s, want %s", tc.raw, tc.typ, got, tc.want)
		}
	}
}

// FuzzDecodeReply: a reply file comes from another process; it must never
// panic the parent.
func FuzzDecodeReply(f *testing.F) {
	for _, s := range []string{
		`{"types":["int"],"values":[3]}`,
		`{"types":["[]map[string][3]int"],"values":[[{"a":[1,2,3]}]]}`,
		`{"err":"x","failed":true}`,
		`{"types":["[99999999999]int"],"values":[1]}`,
		`{"values":[1,2]}`, `nil`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeReply(b)
	})
}
