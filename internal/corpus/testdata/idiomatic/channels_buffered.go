// Buffered channels, len/cap, closing, receiving zero values, nil channels.
package main

import "fmt"

func main() {
	ch := make(chan int, 3)
	ch <- 1
	ch <- 2
	fmt.Println(len(ch), cap(ch))
	close(ch)
	for v := range ch {
		fmt.Println("got", v)
	}
	v, ok := <-ch
	fmt.Println(v, ok)
	results := make(chan string)
	go func() {
		defer close(results)
		for _, w := range []string{"x", "y"} {
			results <- w
		}
	}()
	var all []string
	for r := range results {
		all = append(all, r)
	}
	fmt.Println(all)
	var nilCh chan int
	select {
	case <-nilCh:
		fmt.Println("never")
	default:
		fmt.Println("nil channel blocks")
	}
	sem := make(chan struct{}, 2)
	sem <- struct{}{}
	fmt.Println(len(sem))
}
