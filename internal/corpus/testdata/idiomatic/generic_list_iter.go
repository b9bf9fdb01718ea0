// A generic linked list with an iterator method, ranged over.
package main

import (
	"fmt"
	"iter"
)

type List[T any] struct {
	head *node[T]
	size int
}

type node[T any] struct {
	val  T
	next *node[T]
}

func (l *List[T]) Push(v T) {
	l.head = &node[T]{val: v, next: l.head}
	l.size++
}

func (l *List[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for n := l.head; n != nil; n = n.next {
			if !yield(n.val) {
				return
			}
		}
	}
}

func (l *List[T]) Len() int { return l.size }

func main() {
	var l List[string]
	for _, s := range []string{"a", "b", "c"} {
		l.Push(s)
	}
	for v := range l.All() {
		fmt.Print(v, " ")
	}
	fmt.Println(l.Len())
	for v := range l.All() {
		if v == "b" {
			break
		}
		fmt.Println("before b:", v)
	}
}
