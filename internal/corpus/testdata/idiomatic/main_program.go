// A whole program with helpers declared after main.
package main

import (
	"fmt"
	"os"
	"sort"
)

type byLen []string

func (b byLen) Len() int           { return len(b) }
func (b byLen) Less(i, j int) bool { return len(b[i]) < len(b[j]) }
func (b byLen) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

func main() {
	words := []string{"banana", "kiwi", "apple", "fig"}
	sort.Sort(byLen(words))
	fmt.Println(words)
	sort.SliceStable(words, func(i, j int) bool { return words[i] < words[j] })
	fmt.Println(words)
	fmt.Fprintln(os.Stdout, "to stdout")
	fmt.Fprintln(os.Stderr, "to stderr")
	report(words)
}

func report(ws []string) {
	total := 0
	for _, w := range ws {
		total += len(w)
	}
	fmt.Printf("%d words, %d letters\n", len(ws), total)
}
