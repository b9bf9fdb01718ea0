// Go 1.21+ builtins and Go 1.26's new(expr).
package main

import "fmt"

type config struct {
	Retries *int
	Name    *string
}

func main() {
	p := new(42)
	fmt.Println(*p)
	c := config{Retries: new(3), Name: new("svc")}
	fmt.Println(*c.Retries, *c.Name)
	q := new(int)
	fmt.Println(*q)
	fmt.Println(min(4, 2, 8), max("a", "b"), min(1.5, 2))
	m := map[int]bool{1: true}
	clear(m)
	fmt.Println(len(m))
	s := []int{1, 2}
	clear(s)
	fmt.Println(s)
}
