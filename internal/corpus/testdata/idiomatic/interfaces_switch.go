// Interfaces, type switches and type assertions.
package main

import (
	"fmt"
	"math"
)

type Shape interface {
	Area() float64
}

type Rect struct{ W, H float64 }
type Circle struct{ R float64 }

func (r Rect) Area() float64   { return r.W * r.H }
func (c Circle) Area() float64 { return math.Pi * c.R * c.R }

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int:
		return fmt.Sprintf("int %d", x)
	case string:
		return fmt.Sprintf("string %q", x)
	case Shape:
		return fmt.Sprintf("shape %.2f", x.Area())
	case error:
		return "error " + x.Error()
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func main() {
	shapes := []Shape{Rect{2, 3}, Circle{1}}
	total := 0.0
	for _, s := range shapes {
		total += s.Area()
	}
	fmt.Printf("%.3f\n", total)
	for _, v := range []any{nil, 7, "x", Rect{1, 1}, fmt.Errorf("e"), 2.5} {
		fmt.Println(describe(v))
	}
	var s Shape = Circle{2}
	if c, ok := s.(Circle); ok {
		fmt.Println("circle", c.R)
	}
	_, ok := s.(Rect)
	fmt.Println(ok)
}
