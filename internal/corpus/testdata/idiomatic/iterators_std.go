// Iterators of the standard library: slices.Sorted(maps.Keys), slices.All, Collect.
package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

func main() {
	ages := map[string]int{"carol": 41, "alice": 30, "bob": 25}
	for _, name := range slices.Sorted(maps.Keys(ages)) {
		fmt.Println(name, ages[name])
	}
	for i, w := range slices.All([]string{"x", "y"}) {
		fmt.Println(i, w)
	}
	vals := slices.Collect(maps.Values(map[int]int{1: 10}))
	fmt.Println(vals)
	up := slices.Collect(func(yield func(string) bool) {
		for _, s := range strings.Fields("go is fun") {
			if !yield(strings.ToUpper(s)) {
				return
			}
		}
	})
	fmt.Println(strings.Join(up, "-"))
	nums := []int{5, 2, 8, 1}
	slices.Sort(nums)
	fmt.Println(nums, slices.Index(nums, 8), slices.Contains(nums, 3))
	fmt.Println(slices.Max(nums), slices.Min(nums))
}
