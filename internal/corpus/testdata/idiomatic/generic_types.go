// Generic types: a Stack, a Pair, a Set with constraints and methods.
package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }
func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func (p Pair[K, V]) String() string { return fmt.Sprintf("%v=%v", p.Key, p.Val) }

type Set[T cmp.Ordered] map[T]struct{}

func (s Set[T]) Add(v T) { s[v] = struct{}{} }
func (s Set[T]) Sorted() []T {
	out := make([]T, 0, len(s))
	for v := range s {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func MaxBy[T any, K cmp.Ordered](xs []T, key func(T) K) T {
	best := xs[0]
	for _, x := range xs[1:] {
		if key(x) > key(best) {
			best = x
		}
	}
	return best
}

func main() {
	var s Stack[string]
	s.Push("a")
	s.Push("b")
	v, ok := s.Pop()
	fmt.Println(v, ok)
	p := Pair[string, int]{"x", 1}
	fmt.Println(p)
	ps := []Pair[string, int]{{"a", 3}, {"b", 9}, {"c", 5}}
	fmt.Println(MaxBy(ps, func(p Pair[string, int]) int { return p.Val }))
	set := Set[string]{}
	for _, w := range strings.Fields("b a c a b") {
		set.Add(w)
	}
	fmt.Println(set.Sorted())
	fmt.Printf("%T\n", p)
}
