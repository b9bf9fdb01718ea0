// fmt verbs on values of named types declared in the program.
package main

import "fmt"

type point struct {
	X, Y int
}

type Celsius float64

type Weekday int

type pair struct {
	Name string
	P    *point
}

func main() {
	p := point{1, 2}
	fmt.Printf("%T %v %+v %#v\n", p, p, p, p)
	fmt.Printf("%T %v\n", &p, &p)
	c := Celsius(21.5)
	fmt.Printf("%T %v %.1f\n", c, c, c)
	var d Weekday = 3
	fmt.Printf("%T %d %v\n", d, d, d)
	fmt.Printf("%T\n", []point{p})
	fmt.Printf("%T\n", map[string]point{})
	fmt.Printf("%q %x %X %o %b %e\n", "hi", 255, 255, 8, 5, 1234.5678)
	fmt.Printf("%5d|%-5d|%05d\n", 42, 42, 42)
	fmt.Printf("%8.3f|%-8.2f|\n", 3.14159, 2.5)
	fmt.Printf("%v %+v\n", pair{"a", &point{3, 4}}, pair{Name: "b"})
	fmt.Printf("%t %c %U\n", true, 'G', 'G')
	fmt.Println(fmt.Sprint(p), fmt.Sprintf("%v", []any{1, "a", nil}))
	var ip *int
	fmt.Printf("%v %p\n", ip, ip)
}
