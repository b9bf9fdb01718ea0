// Slices and maps: append aliasing, copy, delete, comma-ok, 2D slices.
package main

import (
	"fmt"
	"sort"
)

func main() {
	a := make([]int, 3, 10)
	b := append(a, 4)
	c := append(a, 5)
	fmt.Println(b[3], c[3], len(a), cap(a))
	d := []int{1, 2, 3, 4, 5}
	e := d[1:3]
	e = append(e, 99)
	fmt.Println(d, e, len(e), cap(e))
	f := make([]int, 2)
	n := copy(f, d)
	fmt.Println(n, f)
	m := map[string][]int{}
	m["a"] = append(m["a"], 1)
	m["a"] = append(m["a"], 2)
	v, ok := m["b"]
	fmt.Println(m, v == nil, ok)
	delete(m, "a")
	fmt.Println(len(m))
	grid := make([][]rune, 2)
	for i := range grid {
		grid[i] = []rune("..")
	}
	grid[1][0] = '#'
	for _, row := range grid {
		fmt.Println(string(row))
	}
	words := map[string]int{"b": 2, "a": 1, "c": 3}
	keys := make([]string, 0)
	for k := range words {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(keys)
	clear(words)
	fmt.Println(len(words), min(3, 1, 2), max(2.5, 1))
}
