package cellast

import (
	"go/parser"
	"testing"
)

func TestExprString(t *testing.T) {
	cases := []struct{ src, want string }{
		{"x", "x"},
		{"fmt.Println", "fmt.Println"},
		{"a.b.c", "a.b.c"},
		{"(a).b", "(a).b"},
		{"((a))", "((a))"},
		{"f()", ""},
		{"a[0]", ""},
		{"*p", ""},
		{"1", ""},
		{"func() {}", ""},
	}
	for _, tc := range cases {
		e, err := parser.ParseExpr(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := ExprString(e); got != tc.want {
			t.Errorf("ExprString(%s) = %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestSideEffectFree(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{"x", true},
		{"_", false},
		{"a.b.c", true},
		{"(a).b", true},
		{"(_)", false},
		{"_.x", false},
		{"f()", false},
		{"a.f()", false},
		{"f().x", false},
		{"a[0]", false},
		{"a[0].b", false},
		{"*p", false},
		{"-x", false},
		{"x.(int)", false},
		{"1", false},
		{"func() {}", false},
	}
	for _, tc := range cases {
		e, err := parser.ParseExpr(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := SideEffectFree(e); got != tc.want {
			t.Errorf("SideEffectFree(%s) = %v, want %v", tc.src, got, tc.want)
		}
	}
}

func TestBuiltinResults(t *testing.T) {
	cases := []struct {
		name string
		n    int
		ok   bool
	}{
		{"len", 1, true},
		{"cap", 1, true},
		{"append", 1, true},
		{"copy", 1, true},
		{"min", 1, true},
		{"max", 1, true},
		{"recover", 1, true},
		{"new", 1, true},
		{"print", 0, true},
		{"println", 0, true},
		{"panic", 0, true},
		{"close", 0, true},
		{"delete", 0, true},
		{"clear", 0, true},
		{"fmt.Println", 0, false},
		{"f", 0, false},
		{"", 0, false},
		{"int", 0, false}, // a conversion, not a builtin call
	}
	for _, tc := range cases {
		n, ok := BuiltinResults(tc.name)
		if n != tc.n || ok != tc.ok {
			t.Errorf("BuiltinResults(%q) = %d, %v, want %d, %v", tc.name, n, ok, tc.n, tc.ok)
		}
	}
}
