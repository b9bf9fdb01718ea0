package complete_test

import (
	"fmt"

	"github.com/gilgo/gilgo/session/complete"
	"github.com/traefik/yaegi/stdlib"
)

func ExampleComplete() {
	sc := &complete.StaticScope{
		Declared: complete.ParseDecls("func square(x int) int { return x * x }"),
		Imported: map[string]string{"fmt": "fmt"},
		Symbols:  stdlib.Symbols,
	}
	c := complete.Complete("fmt.Pri", 7, sc)
	fmt.Println(c.Matches, c.CursorStart, c.CursorEnd, c.Types[2].Signature)
	fmt.Println(complete.Complete("squ", 3, sc).Matches)
	fmt.Println(complete.IsComplete("func f() {"))
	// Output:
	// [Print Printf Println] 4 7 func(a ...any) (n int, err error)
	// [square]
	// {incomplete 	}
}
