package main

import (
	"fmt"
	"time"
)

type Point struct{ X, Y int }

var hits int

const N = 3

func work(p Point, ch chan<- string) {
	for i := 0; i < N; i++ {
		time.Sleep(time.Millisecond)
		hits++
	}
	ch <- fmt.Sprint(p)
}

func start(ps ...Point) chan string {
	ch := make(chan string)
	for _, p := range ps {
		go work(p, ch)
	}
	go func() { close(ch) }()
	go println("bye")
	return ch
}
