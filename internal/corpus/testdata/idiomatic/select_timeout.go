// select with channels, a done channel and a default case.
package main

import (
	"fmt"
	"time"
)

func producer(n int, out chan<- int, done <-chan struct{}) {
	defer close(out)
	for i := 0; i < n; i++ {
		select {
		case out <- i:
		case <-done:
			return
		}
	}
}

func main() {
	out := make(chan int)
	done := make(chan struct{})
	go producer(10, out, done)
	sum := 0
	for v := range out {
		sum += v
		if v == 4 {
			close(done)
			break
		}
	}
	fmt.Println("sum", sum)

	ch := make(chan string, 1)
	select {
	case msg := <-ch:
		fmt.Println(msg)
	default:
		fmt.Println("nothing ready")
	}
	ch <- "hello"
	select {
	case msg := <-ch:
		fmt.Println(msg)
	case <-time.After(time.Second):
		fmt.Println("timeout")
	}
	timer := time.NewTimer(10 * time.Millisecond)
	select {
	case <-timer.C:
		fmt.Println("timer fired")
	case <-make(chan int):
	}
}
