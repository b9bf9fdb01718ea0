// Command host is a stand-in for bin/gilgo: a binary built with plain
// go build (as make build does) that compiles and loads one cell. Run:
//
//	go build -o /tmp/host ./runtime/compiled/testdata/host && /tmp/host
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/gilgo/gilgo/compiled"
)

func main() {
	c, err := compiled.New(compiled.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	if err := c.Available(); err != nil {
		fmt.Fprintln(os.Stderr, "unavailable:", err)
		os.Exit(1)
	}
	r, err := c.Compile(context.Background(), "func fib(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n\treturn fib(n-1) + fib(n-2)\n}\n", 1, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fib := r.Exports[r.Package+"/"+r.Package]["X__fib"].Interface().(func(int) int)
	fmt.Printf("fib(20)=%d build=%v root=%s\n", fib(20), r.BuildTime.Round(1e6), c.ModuleRoot())
}
