// Closures: counters, memoisation, function values in maps.
package main

import (
	"fmt"
	"sort"
	"strings"
)

func makeCounter() func() int {
	n := 0
	return func() int {
		n++
		return n
	}
}

func memo(f func(int) int) func(int) int {
	cache := map[int]int{}
	return func(n int) int {
		if v, ok := cache[n]; ok {
			return v
		}
		v := f(n)
		cache[n] = v
		return v
	}
}

func main() {
	c1, c2 := makeCounter(), makeCounter()
	c1()
	c1()
	fmt.Println(c1(), c2())
	var fib func(int) int
	fib = memo(func(n int) int {
		if n < 2 {
			return n
		}
		return fib(n-1) + fib(n-2)
	})
	fmt.Println(fib(50))
	ops := map[string]func(int, int) int{
		"add": func(a, b int) int { return a + b },
		"mul": func(a, b int) int { return a * b },
	}
	names := make([]string, 0, len(ops))
	for k := range ops {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Println(k, ops[k](3, 4))
	}
	apply := func(s string, fs ...func(string) string) string {
		for _, f := range fs {
			s = f(s)
		}
		return s
	}
	fmt.Println(apply(" Go ", strings.TrimSpace, strings.ToUpper))
}
