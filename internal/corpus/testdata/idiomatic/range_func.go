// Range over functions: break, continue, labels and defer in the loop.
package main

import "fmt"

func count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func pairs(m []string) func(func(int, string) bool) {
	return func(yield func(int, string) bool) {
		for i, s := range m {
			if !yield(i, s) {
				return
			}
		}
	}
}

func firstOver(limit int) int {
	for x := range count(100) {
		if x*x > limit {
			return x
		}
	}
	return -1
}

func main() {
	for i := range count(5) {
		if i == 1 {
			continue
		}
		if i == 4 {
			break
		}
		fmt.Println("i", i)
	}
	for i, s := range pairs([]string{"p", "q"}) {
		fmt.Println(i, s)
	}
	fmt.Println(firstOver(50))
outer:
	for j := range 3 {
		for x := range count(3) {
			if x == 1 {
				continue outer
			}
			fmt.Println(j, x)
		}
	}
}
