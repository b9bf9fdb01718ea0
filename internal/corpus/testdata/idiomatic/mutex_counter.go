// sync.Mutex, sync.Once, atomic counters and sync.Map.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type Counter struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *Counter) Inc(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k]++
}

func main() {
	c := Counter{m: map[string]int{}}
	var wg sync.WaitGroup
	var hits atomic.Int64
	var once sync.Once
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() { fmt.Println("init once") })
			c.Inc("k")
			hits.Add(1)
		}()
	}
	wg.Wait()
	fmt.Println(c.m["k"], hits.Load())
	var sm sync.Map
	sm.Store("a", 1)
	v, ok := sm.Load("a")
	fmt.Println(v, ok)
	var rw sync.RWMutex
	rw.RLock()
	rw.RUnlock()
	fmt.Println("done")
}
