// String and Error methods are used by fmt.
package main

import (
	"errors"
	"fmt"
)

type Color int

const (
	Red Color = iota
	Green
	Blue
)

func (c Color) String() string {
	switch c {
	case Red:
		return "red"
	case Green:
		return "green"
	}
	return fmt.Sprintf("Color(%d)", int(c))
}

type vec struct{ x, y float64 }

func (v vec) String() string { return fmt.Sprintf("(%g, %g)", v.x, v.y) }
func (v vec) Add(w vec) vec  { return vec{v.x + w.x, v.y + w.y} }
func unit() vec              { return vec{1, 1} }

type notFound struct{ name string }

func (e *notFound) Error() string { return e.name + " not found" }

func find(name string) error { return &notFound{name} }

func main() {
	fmt.Println(Red, Green, Blue)
	fmt.Printf("%v %s %d\n", Green, Blue, Blue)
	fmt.Println(unit())
	v := vec{3, 4}
	fmt.Printf("%v\n", v.Add(v))
	fmt.Println([]Color{Red, Blue})
	err := find("x")
	fmt.Println(err)
	var nf *notFound
	fmt.Println(errors.As(err, &nf), nf.name)
}
