// Command mkproxy writes module archives (path_version.txtar) as a module
// proxy directory, for GOPROXY=file://DST: the JupyterHub course test
// builds its shared module cache from it without the network.
//
//	go run ./internal/mkproxy SRC DST
package main

import (
	"fmt"
	"os"

	"github.com/gilgo/gilgo/internal/modtest"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mkproxy SRC DST")
		os.Exit(2)
	}
	if err := modtest.WriteFileProxy(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "mkproxy:", err)
		os.Exit(1)
	}
}
