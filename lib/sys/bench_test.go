package sys

import (
	"fmt"
	"reflect"
	"testing"
)

// BenchmarkGetRefCount: cost against the number of live session
// variables (each a small slice, with one map and struct holding some).
// The cost grows linearly with what the globals reach.
func BenchmarkGetRefCount(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("vars=%d", n), func(b *testing.B) {
			s := newSession(b)
			s.Must(`import "sys"`)
			for i := 0; i < n; i++ {
				s.Must(fmt.Sprintf("v%d := []int{%d}", i, i))
			}
			s.Must(`m := map[string][]int{"a": v0, "b": v1}`)
			s.Must(`target := []int{1}`)
			fn, err := s.Interp().Eval(`sys.GetRefCount`)
			if err != nil {
				b.Fatal(err)
			}
			arg, _ := s.Interp().Eval(`target`)
			args := []reflect.Value{arg}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if got := fn.Call(args)[0].Int(); got != 2 {
					b.Fatalf("GetRefCount = %d, want 2", got)
				}
			}
		})
	}
}
