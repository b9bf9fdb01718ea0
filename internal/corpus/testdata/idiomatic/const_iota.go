// Constants: iota, typed and untyped, bit flags, big untyped arithmetic.
package main

import "fmt"

type Perm uint8

const (
	Read Perm = 1 << iota
	Write
	Exec
)

const (
	KB = 1 << (10 * (iota + 1))
	MB
	GB
)

const big = 1 << 100

type Level int

const (
	Debug Level = iota - 1
	Info
	Warn
)

func (p Perm) String() string {
	s := ""
	for i, c := range "rwx" {
		if p&(1<<i) != 0 {
			s += string(c)
		} else {
			s += "-"
		}
	}
	return s
}

func main() {
	fmt.Println(Read, Write, Exec, Read|Exec)
	fmt.Printf("%d %d %d\n", Read, Write, Exec)
	fmt.Println(KB, MB, GB)
	fmt.Println(big >> 98)
	fmt.Println(Debug, Info, Warn)
	const f = 1.0 / 3
	fmt.Printf("%.4f %T\n", f, f)
	var x uint8 = 255
	x++
	fmt.Println(x)
	var y int8 = 127
	y++
	fmt.Println(y)
}
