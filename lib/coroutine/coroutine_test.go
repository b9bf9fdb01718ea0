package coroutine

import (
	"reflect"
	"testing"

	"github.com/gilgo/gilgo/internal/celltest"
	"github.com/gilgo/gilgo/lib/inspect"
	"github.com/gilgo/gilgo/session/hook"
)

// newSession runs cells with packages coroutine and inspect.
func newSession(t testing.TB) *celltest.Session {
	return celltest.New(t, func(hook.Host) []hook.Package { return []hook.Package{Package(), inspect.Package()} })
}

// TestGolden runs testdata/*.txtar, the chapter's generator examples, as
// notebooks (go test -update rewrites the outputs).
func TestGolden(t *testing.T) { celltest.Golden(t, "testdata/*.txtar", *update, newSession) }

// BenchmarkSend: a Send round trip into an interpreted generator body
// (coroutine switch + interpreted Yield) against a round trip over two
// unbuffered channels between goroutines, in the same run; see the
// ratio in the ns/op of the two sub-benchmarks.
func BenchmarkSend(b *testing.B) {
	b.Run("interpreted-generator", func(b *testing.B) {
		s := newSession(b)
		s.Must(`import "coroutine"`)
		s.Must(`g := coroutine.New(func(co *coroutine.Co) any {
	for {
		co.Yield(nil)
	}
	return nil
})`)
		s.Must(`g.Next()`)
		send, err := s.Interp().Eval(`g.Send`)
		if err != nil {
			b.Fatal(err)
		}
		args := []reflect.Value{reflect.ValueOf(1)}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			send.Call(args)
		}
		b.StopTimer()
		s.Must(`g.Close()`)
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
