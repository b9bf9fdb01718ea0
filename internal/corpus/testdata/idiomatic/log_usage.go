// The log package writing to a buffer: prefixes, flags.
package main

import (
	"bytes"
	"fmt"
	"log"
)

func main() {
	var buf bytes.Buffer
	l := log.New(&buf, "app: ", 0)
	l.Println("started")
	l.SetPrefix("svc: ")
	l.Printf("port %d", 8080)
	l.SetFlags(log.Lmsgprefix)
	l.Print("ready")
	fmt.Print(buf.String())
	fmt.Println(l.Prefix(), l.Flags() == log.Lmsgprefix)
}
