package kernel

import (
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchPublisher returns a running publisher on an in-memory IOPub whose
// client end is drained by a goroutine counting stream messages.
func benchPublisher(b *testing.B, interval time.Duration) (*publisher, *atomic.Int64, func()) {
	kEnd, cEnd := NewMemPair()
	s, _ := newSigner("hmac-sha256", []byte(testKey))
	p := newPublisher(kEnd, s, "bench", nil)
	p.log = testLogger()
	p.interval, p.maxInterval = interval, 4*interval
	p.start()
	var streams atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			f, err := cEnd.Recv()
			if err != nil {
				return
			}
			if strings.HasSuffix(string(f[0]), ".stream") {
				streams.Add(1)
			}
		}
	}()
	return p, &streams, func() { p.close(); kEnd.Close(); <-done }
}

// BenchmarkStreamWrite: the cost of one Output.Stream call (buffering and
// batching included) against the floor of appending the same text to a
// mutex-guarded builder. Reports x-baseline and stream messages per 100k
// writes.
func BenchmarkStreamWrite(b *testing.B) {
	p, streams, stop := benchPublisher(b, streamInterval)
	defer stop()
	parent := json.RawMessage(`{"msg_id":"p"}`)
	line := "line 12345 of some output\n"

	var mu sync.Mutex
	var sb strings.Builder
	t0 := time.Now()
	for range b.N {
		mu.Lock()
		sb.WriteString(line)
		if sb.Len() > streamBatchSize {
			sb.Reset()
		}
		mu.Unlock()
	}
	base := time.Since(t0)

	b.ResetTimer()
	t1 := time.Now()
	for range b.N {
		p.stream(parent, "p", "stdout", line)
	}
	p.flush()
	d := time.Since(t1)
	b.StopTimer()
	if base > 0 {
		b.ReportMetric(float64(d)/float64(base), "x-baseline")
	}
	b.ReportMetric(float64(streams.Load())*100000/float64(b.N), "msgs/100k-writes")
}

// BenchmarkStreamPaced: 100,000 writes at about 5 µs each (an interpreted
// print loop), with the real timer; reports the stream messages they
// become (the goal is <= 20) and wall time against the unbatched pace.
func BenchmarkStreamPaced(b *testing.B) {
	parent := json.RawMessage(`{"msg_id":"p"}`)
	for range b.N {
		p, streams, stop := benchPublisher(b, streamInterval)
		spin := func() {
			for t := time.Now(); time.Since(t) < 5*time.Microsecond; {
			}
		}
		t0 := time.Now()
		for range 100000 {
			spin()
		}
		base := time.Since(t0)
		t1 := time.Now()
		for range 100000 {
			spin()
			p.stream(parent, "p", "stdout", "line 12345\n")
		}
		d := time.Since(t1)
		stop()
		b.ReportMetric(float64(streams.Load()), "stream-msgs")
		b.ReportMetric(float64(d)/float64(base), "x-baseline")
	}
}

// BenchmarkDecode: decoding and verifying a signed execute_request against
// json.Unmarshal of its header and content alone.
func BenchmarkDecode(b *testing.B) {
	s, _ := newSigner("hmac-sha256", []byte(testKey))
	var frames [][][]byte
	for range 1024 {
		frames = append(frames, validFrames(b, s, func(m *outMsg) {
			m.Content = map[string]any{"code": strings.Repeat("x := 1\n", 20), "silent": false}
		}))
	}
	var h msgHeader
	var c map[string]any
	t0 := time.Now()
	for i := range b.N {
		f := frames[i%len(frames)]
		_ = json.Unmarshal(f[3], &h)
		_ = json.Unmarshal(f[6], &c)
	}
	base := time.Since(t0)
	s, _ = newSigner("hmac-sha256", []byte(testKey))
	b.ResetTimer()
	t1 := time.Now()
	for i := range b.N {
		f := frames[i%len(frames)]
		if i%len(frames) == 0 && i > 0 { // the same frames again are not replays here
			b.StopTimer()
			s, _ = newSigner("hmac-sha256", []byte(testKey))
			b.StartTimer()
		}
		if _, err := decode(f, s); err != nil {
			b.Fatal(err)
		}
	}
	d := time.Since(t1)
	b.StopTimer()
	if base > 0 {
		b.ReportMetric(float64(d)/float64(base), "x-baseline")
	}
}
