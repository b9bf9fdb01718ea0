package pylib

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
			s.must(`import "sys"`)
			for i := 0; i < n; i++ {
				s.must(fmt.Sprintf("v%d := []int{%d}", i, i))
			}
			s.must(`m := map[string][]int{"a": v0, "b": v1}`)
			s.must(`target := []int{1}`)
			fn, err := s.it.Eval(`sys.GetRefCount`)
			if err != nil {
				b.Fatal(err)
			}
			arg, _ := s.it.Eval(`target`)
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

// BenchmarkSend: a Send round trip into an interpreted generator body
// (coroutine switch + interpreted Yield) against a round trip over two
// unbuffered channels between goroutines, in the same run; see the
// ratio in the ns/op of the two sub-benchmarks.
func BenchmarkSend(b *testing.B) {
	b.Run("interpreted-generator", func(b *testing.B) {
		s := newSession(b)
		s.must(`import "coroutine"`)
		s.must(`g := coroutine.New(func(co *coroutine.Co) any {
	for {
		co.Yield(nil)
	}
	return nil
})`)
		s.must(`g.Next()`)
		send, err := s.it.Eval(`g.Send`)
		if err != nil {
			b.Fatal(err)
		}
		args := []reflect.Value{reflect.ValueOf(1)}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			send.Call(args)
		}
		b.StopTimer()
		s.must(`g.Close()`)
	})
	b.Run("channel-round-trip", func(b *testing.B) {
		req, resp := make(chan any), make(chan any)
		go func() {
			for v := range req {
				resp <- v
			}
			close(resp)
		}()
		for i := 0; i < b.N; i++ {
			req <- 1
			<-resp
		}
		close(req)
		<-resp
	})
}
