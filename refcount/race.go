package refcount

import "sync"

// RaceResult is the outcome of Race.
//
//	r := refcount.Race(o, 2, 1_000_000, nil)
//	fmt.Println(r.Final, r.Freed, r.Errors)
type RaceResult struct {
	Goroutines int
	Pairs      int   // IncRef/DecRef pairs per goroutine
	Final      int64 // the count at the end (RawCount); 1 is right
	Freed      bool  // the payload was freed while its creator still held it
	Errors     int64 // operations that failed (use after free, double free)
	Stats      Stats
}

// Exact reports whether the race left the count right: 1, not freed.
//
//	r.Exact() // true under a GIL
func (r RaceResult) Exact() bool { return r.Final == 1 && !r.Freed && r.Errors == 0 }

// Race runs the chapter's experiment: goroutines each do pairs IncRef/DecRef
// pairs on o, while the caller keeps its own reference (the count o was
// created with). If gil is not nil each operation holds it, as CPython's GIL
// makes every bytecode; with a Plain object and no gil the counts race. It
// returns what happened; o is left as the race left it.
//
//	var gil sync.Mutex
//	r := refcount.Race(refcount.New(0), 2, 1_000_000, &gil)
//	r.Final // 1: exact under the lock
//	r = refcount.Race(refcount.New(0), 2, 1_000_000, nil)
//	r.Final // e.g. -101564, and r.Freed: a premature free
func Race(o *Object, goroutines, pairs int, gil sync.Locker) RaceResult {
	var wg, ready sync.WaitGroup
	start := make(chan struct{})
	errs := make([]int64, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		ready.Add(1)
		go func(g int) {
			defer wg.Done()
			ready.Done()
			<-start // all goroutines begin together
			for i := 0; i < pairs; i++ {
				if gil != nil {
					gil.Lock()
				}
				if o.IncRef() != nil {
					errs[g]++
				}
				if gil != nil {
					gil.Unlock()
					gil.Lock()
				}
				if o.DecRef() != nil {
					errs[g]++
				}
				if gil != nil {
					gil.Unlock()
				}
			}
		}(g)
	}
	ready.Wait()
	close(start)
	wg.Wait()
	r := RaceResult{Goroutines: goroutines, Pairs: pairs, Final: o.RawCount(), Freed: o.Freed(), Stats: o.Stats()}
	for _, e := range errs {
		r.Errors += e
	}
	return r
}
