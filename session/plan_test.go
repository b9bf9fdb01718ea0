package session

import (
	"strings"
	"testing"

	"github.com/gilgo/gilgo/session/cellast"
)

// TestPlanKept checks which cells leave a plan: cells of statements and
// a trailing expression whose statement files no pass rewrites from the
// type check's facts.
func TestPlanKept(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"x + 1", true},
		{"x++", true},
		{"x++\nx * 2", true},
		{"for i := 0; i < 3; i++ { x += i }", true},
		{"fmt.Sprint(x)", true},  // the trailing expression's typed passes ran on the checked nodes
		{"fmt.Println(x)", true}, // a trailing expression too
		{"fmt.Println(x)\nx++", false},
		{"for i := range 3 { x += i }", false},
		{"y := 2", false},
		{"x + \"a\"", false}, // a type error
	}
	s := newTestSession(t)
	if out := runCell(s, 1, "import \"fmt\"\nx := 1", nil); out != "" {
		t.Fatalf("setup: %s", out)
	}
	for i, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			runCell(s, i+2, tt.code, nil)
			if _, got := s.st.plans[tt.code]; got != tt.want {
				t.Errorf("plan kept: %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPlanInvalidated runs cells again after the declarations, the way
// statements run or nothing changed: a plan is used only while what the
// cell was checked against is the same.
func TestPlanInvalidated(t *testing.T) {
	steps := []struct {
		code, want string
	}{
		{"x := 1", ""},
		{"x + 1", "2"},
		{"x + 1", "2"},
		{"x++", ""},
		{"x + 1", "3"},
		{"x := \"a\"", ""},
		{"x + 1", "CompileError: cell[7]:1:1: invalid operation: x + 1 (mismatched types string and untyped int)"},
		{"x + \"b\"", "ab"},
		{"x = \"c\"", ""},
		{"x + \"b\"", "cb"},
		{"func init() {}", ""},
		{"x + \"b\"", "cb"},
		{"panic(x)", "cell[13]:1:1 in cell"},
		{"import \"strings\"", ""},
		{"x + \"b\"", "cb"},
		{"%reset", ""},
		{"x + \"b\"", "undefined: x"},
	}
	s := newTestSession(t)
	for i, st := range steps {
		got := runCell(s, i+1, st.code, nil)
		if st.want == "" && strings.Contains(got, "[error]") || !strings.Contains(got, st.want) {
			t.Errorf("cell %d %q: got %q, want it to contain %q", i+1, st.code, got, st.want)
		}
	}
}

// TestIsTrailing checks that the one parse of isTrailing decides as
// isExprList does.
func TestIsTrailing(t *testing.T) {
	s := newTestSession(t)
	for _, src := range []string{
		"x + 1", "a, f(b)", "[]int{1, 2}", "chan int", "func() int { return 1 }()",
		"x++", "x = 1", "xs...", "f(xs...)", "a), (b", "a)(b", "{1, 2}", "a: b",
		"x // a comment", "go f()", "<-ch", "struct{}{}", "[]any{1}[0]",
		"x := 1", "ch <- 1", "return", "a, b = b, a", "{}", "f(\n)", "[]int{\n1,\n}",
		"x /* c */", "defer f()", "L: x", "a.(type)", "1 +", ")", "(", "a, b...",
		"func(){}", "struct{}", "[]int", "map[string]int{\"a\": 1}", "x.\ny", "a,\nb",
	} {
		c := &cell{s: s, n: 1, src: src}
		if got, want := c.isTrailing(cellast.Item{Kind: cellast.Stmt, Text: src, Line: 1, Col: 1}), isExprList(src); got != want {
			t.Errorf("isTrailing(%q) = %v, isExprList = %v", src, got, want)
		}
	}
}
