package coroutine

import (
	"testing"
	"time"
)

// chanRoundTripNs measures a plain channel round trip between two
// goroutines: the baseline for a generator switch.
func chanRoundTripNs(n int) float64 {
	req, resp := make(chan any), make(chan any)
	go func() {
		for v := range req {
			resp <- v
		}
		close(resp)
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		req <- i
		<-resp
	}
	d := time.Since(start)
	close(req)
	<-resp
	return float64(d.Nanoseconds()) / float64(n)
}

func sendRoundTripNs(n int) float64 {
	g := New(func(co *Co) any {
		var v any
		for {
			v = co.Yield(v)
		}
	})
	g.Next()
	start := time.Now()
	for i := 0; i < n; i++ {
		g.Send(i)
	}
	d := time.Since(start)
	g.Close()
	return float64(d.Nanoseconds()) / float64(n)
}

// BenchmarkSend reports ns per Send round trip (caller -> body -> caller)
// next to a plain channel round trip measured in the same run, and their
// ratio.
func BenchmarkSend(b *testing.B) {
	ch := chanRoundTripNs(b.N)
	send := sendRoundTripNs(b.N)
	b.ReportMetric(send, "send-ns/roundtrip")
	b.ReportMetric(ch, "chan-ns/roundtrip")
	b.ReportMetric(send/ch, "send/chan")
	b.ReportMetric(0, "ns/op")
}
