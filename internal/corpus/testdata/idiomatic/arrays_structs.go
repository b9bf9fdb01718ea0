// Arrays are values, structs compare, anonymous structs, struct copies.
package main

import "fmt"

type P struct{ X, Y int }

func bump(a [3]int) [3]int {
	a[0]++
	return a
}

func main() {
	a := [3]int{1, 2, 3}
	b := bump(a)
	fmt.Println(a, b, a == b)
	p1, p2 := P{1, 2}, P{1, 2}
	fmt.Println(p1 == p2)
	seen := map[P]bool{p1: true}
	fmt.Println(seen[p2])
	anon := struct {
		Name string
		Age  int
	}{"z", 3}
	fmt.Printf("%v %+v\n", anon, anon)
	grid := [2][2]string{{"a", "b"}, {"c", "d"}}
	g2 := grid
	g2[0][0] = "X"
	fmt.Println(grid[0][0], g2[0][0], len(grid))
	ps := []P{{1, 1}, {2, 2}}
	for _, p := range ps {
		p.X = 100
	}
	for i := range ps {
		ps[i].Y = 7
	}
	fmt.Println(ps)
	arr := [...]string{2: "c", 0: "a"}
	fmt.Println(len(arr), arr)
}
