// A worker pool with results collected in order of their index.
package main

import (
	"fmt"
	"sync"
)

type job struct {
	id, n int
}

type result struct {
	id, sum int
}

func main() {
	jobs := make(chan job)
	results := make(chan result)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				s := 0
				for i := 1; i <= j.n; i++ {
					s += i
				}
				results <- result{j.id, s}
			}
		}()
	}
	go func() {
		for i := range 6 {
			jobs <- job{i, i * 10}
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	sums := make([]int, 6)
	for r := range results {
		sums[r.id] = r.sum
	}
	fmt.Println(sums)
}
