// Two goroutines hand a ball back and forth over unbuffered channels.
package main

import "fmt"

func player(name string, in <-chan int, out chan<- int, done chan<- string) {
	for n := range in {
		if n == 6 {
			done <- name
			return
		}
		fmt.Println(name, n)
		out <- n + 1
	}
}

func main() {
	ping, pong := make(chan int), make(chan int)
	done := make(chan string)
	go player("ping", ping, pong, done)
	go player("pong", pong, ping, done)
	ping <- 0
	fmt.Println("winner", <-done)
}
