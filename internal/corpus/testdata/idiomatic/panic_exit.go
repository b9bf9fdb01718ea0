// A program that fails on purpose after printing: go run exits with 2.
package main

import "fmt"

type state struct{ items []int }

func (s *state) at(i int) int { return s.items[i] }

func main() {
	s := &state{items: []int{1, 2, 3}}
	fmt.Println("first", s.at(0))
	fmt.Println("out of range", s.at(5))
}
