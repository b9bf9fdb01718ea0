// sync.WaitGroup.Go (Go 1.25) with a func literal that captures the loop variable.
package main

import (
	"fmt"
	"sync"
)

func worker(id int, results []int) {
	results[id] = id * id
}

func main() {
	var wg sync.WaitGroup
	results := make([]int, 5)
	for i := range 5 {
		wg.Go(func() { worker(i, results) })
	}
	wg.Wait()
	fmt.Println(results)
}
