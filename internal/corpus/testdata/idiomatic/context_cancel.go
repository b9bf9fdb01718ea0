// context cancellation and deadlines stop goroutines.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func work(ctx context.Context, out chan<- int) error {
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case out <- i:
		}
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan int)
	errc := make(chan error, 1)
	go func() { errc <- work(ctx, out) }()
	for v := range out {
		if v == 3 {
			cancel()
			break
		}
	}
	fmt.Println(<-errc)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	<-ctx2.Done()
	fmt.Println(errors.Is(ctx2.Err(), context.DeadlineExceeded))
	ctx3 := context.WithValue(context.Background(), "k", "v")
	fmt.Println(ctx3.Value("k"))
}
