// bufio.Scanner, regexp, strings.NewReplacer and text/tabwriter over fixed text.
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
)

const text = `the quick brown fox
jumps over the lazy dog
the end`

func main() {
	sc := bufio.NewScanner(strings.NewReader(text))
	counts := map[string]int{}
	lines := 0
	for sc.Scan() {
		lines++
		for _, w := range strings.Fields(sc.Text()) {
			counts[w]++
		}
	}
	type kv struct {
		k string
		v int
	}
	var top []kv
	for k, v := range counts {
		top = append(top, kv{k, v})
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].v != top[j].v {
			return top[i].v > top[j].v
		}
		return top[i].k < top[j].k
	})
	fmt.Println(lines, top[:3])
	re := regexp.MustCompile(`(\w+) (\w+)$`)
	fmt.Println(re.FindStringSubmatch("jumps over the lazy dog"))
	r := strings.NewReplacer("quick", "slow", "lazy", "busy")
	fmt.Println(r.Replace("quick and lazy"))
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 1, ' ', 0)
	fmt.Fprintln(w, "name\tcount")
	fmt.Fprintln(w, "the\t3")
	w.Flush()
}
