package cellast

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestCloneExpr checks that a clone prints as the original, keeps its
// positions and shares no node with it.
func TestCloneExpr(t *testing.T) {
	for _, src := range []string{
		"x + 1",
		"f(a, b...)[i:j]",
		"func(x int) (int, error) { if x > 0 { return x, nil }; return 0, nil }(1)",
		"[]struct{ A map[string]chan<- int }{{A: nil}}",
		"a.(interface{ M() }).M()",
		"G[int, string](x)",
	} {
		t.Run(src, func(t *testing.T) {
			fset := token.NewFileSet()
			e, err := parser.ParseExprFrom(fset, "_.go", src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			c := CloneExpr(e)
			if got := ExprString(c); got != ExprString(e) {
				t.Errorf("clone prints %q, want %q", got, ExprString(e))
			}
			orig := map[ast.Node]token.Pos{}
			var order []token.Pos
			ast.Inspect(e, func(n ast.Node) bool {
				if n != nil {
					orig[n] = n.Pos()
					order = append(order, n.Pos())
				}
				return true
			})
			i := 0
			ast.Inspect(c, func(n ast.Node) bool {
				if n == nil {
					return true
				}
				if _, shared := orig[n]; shared {
					t.Errorf("node %T at %d is shared", n, n.Pos())
				}
				if i >= len(order) || n.Pos() != order[i] {
					t.Errorf("node %d (%T) at %d, want the original's position", i, n, n.Pos())
				}
				i++
				return true
			})
			if i != len(order) {
				t.Errorf("clone has %d nodes, the original %d", i, len(order))
			}
		})
	}
}
