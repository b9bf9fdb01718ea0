// Labeled break and continue, switch fallthrough, goto.
package main

import "fmt"

func find(grid [][]int, target int) (int, int) {
	for i, row := range grid {
		for j, v := range row {
			if v == target {
				return i, j
			}
		}
	}
	return -1, -1
}

func main() {
	grid := [][]int{{1, 2}, {3, 4}}
	fmt.Println(find(grid, 4))
outer:
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if j == 2 {
				continue outer
			}
			if i == 2 {
				break outer
			}
			fmt.Print(i, j, " ")
		}
	}
	fmt.Println()
	switch n := 2; n {
	case 2:
		fmt.Println("two")
		fallthrough
	case 3:
		fmt.Println("three too")
	case 4:
		fmt.Println("not here")
	}
	i := 0
loop:
	if i < 3 {
		i++
		goto loop
	}
	fmt.Println(i)
}
