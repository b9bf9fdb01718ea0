// defer order, recover from a panic, named results changed in a defer.
package main

import (
	"errors"
	"fmt"
)

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

func order() {
	for i := range 3 {
		defer fmt.Println("deferred", i)
	}
	fmt.Println("body done")
}

func counter() (n int) {
	defer func() { n *= 2 }()
	n = 5
	return n + 1
}

func mustPositive(n int) {
	if n < 0 {
		panic(errors.New("negative"))
	}
}

func main() {
	fmt.Println(safeDiv(7, 2))
	fmt.Println(safeDiv(1, 0))
	order()
	fmt.Println(counter())
	func() {
		defer func() {
			r := recover()
			err, ok := r.(error)
			fmt.Println("caught:", ok, err)
		}()
		mustPositive(-1)
	}()
	var m map[string]int
	func() {
		defer func() { fmt.Println("recovered:", recover() != nil) }()
		m["x"] = 1
	}()
}
