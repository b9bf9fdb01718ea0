// Numbers: integer division and overflow, floats, math, big integers.
package main

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

func main() {
	fmt.Println(7/2, -7/2, 7%3, -7%3, 7.0/2)
	var u uint32 = 1 << 31
	fmt.Println(u<<1, bits.OnesCount(255), bits.Len(8))
	fmt.Println(math.Sqrt(2), math.Inf(1), -math.MaxFloat64 < 0, math.NaN() == math.NaN())
	fmt.Printf("%.3f %.0f %g\n", math.Pi, math.Floor(-1.5), 1e21)
	f := new(big.Int)
	f.MulRange(1, 30)
	fmt.Println(f)
	r := big.NewRat(1, 3)
	r.Add(r, big.NewRat(1, 6))
	fmt.Println(r, int64(math.MaxInt64), uint8(200)+uint8(100))
	var c complex128 = complex(1, 2)
	fmt.Println(c*c, real(c), imag(c))
}
