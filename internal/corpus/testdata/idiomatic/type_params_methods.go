// Generic functions over interfaces with methods, and constraint type sets.
package main

import (
	"fmt"
	"strconv"
)

type Stringer interface{ String() string }

type ID int

func (i ID) String() string { return "id-" + strconv.Itoa(int(i)) }

func JoinAll[T Stringer](xs []T, sep string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += sep
		}
		out += x.String()
	}
	return out
}

type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

func Abs[T Integer](x T) T {
	if x < 0 {
		return -x
	}
	return x
}

func Keys[M ~map[K]V, K comparable, V any](m M) int { return len(m) }

func main() {
	fmt.Println(JoinAll([]ID{1, 2, 3}, ","))
	fmt.Println(Abs(-5), Abs(int8(-3)), Abs(ID(-7)))
	type counts map[string]int
	fmt.Println(Keys(counts{"a": 1, "b": 2}))
}
