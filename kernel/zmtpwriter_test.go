package kernel

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// recordWriter records each Write it gets.
type recordWriter struct{ writes [][]byte }

func (r *recordWriter) Write(p []byte) (int, error) {
	r.writes = append(r.writes, append([]byte(nil), p...))
	return len(p), nil
}

// zmtpFrame encodes one frame as zmq4 does: header (flags, size), body.
func zmtpFrame(body []byte, more, command bool) (hdr []byte) {
	var flags byte
	if more {
		flags |= zmtpMore
	}
	if command {
		flags |= zmtpCommand
	}
	if len(body) > 255 {
		hdr = make([]byte, 9)
		hdr[0] = flags | zmtpLong
		binary.BigEndian.PutUint64(hdr[1:], uint64(len(body)))
		return hdr
	}
	return []byte{flags, byte(len(body))}
}

// TestZMTPWriterOneWritePerMessage: zmq4's pattern (greeting, a command,
// then messages written a header or body at a time) becomes one write for
// the greeting and one per command or message, with the bytes unchanged.
func TestZMTPWriterOneWritePerMessage(t *testing.T) {
	rec := &recordWriter{}
	z := &zmtpWriter{conn: rec, greetLeft: zmtpGreetingLen}
	var all bytes.Buffer
	write := func(p []byte) {
		all.Write(p)
		if n, err := z.Write(p); n != len(p) || err != nil {
			t.Fatalf("Write: got %d, %v, want %d, nil", n, err, len(p))
		}
	}
	write(bytes.Repeat([]byte{0xff}, zmtpGreetingLen))
	ready := []byte("\x05READYsome metadata")
	write(zmtpFrame(ready, false, true))
	write(ready)
	messages := [][][]byte{
		{[]byte("kernel.x.status"), []byte("<IDS|MSG>"), []byte("sig"), []byte("{}"), []byte("{}"), []byte("{}"), []byte(`{"execution_state":"busy"}`)},
		{[]byte("id"), {}, bytes.Repeat([]byte("L"), 300), []byte("end")}, // a long frame and an empty one
		{[]byte("single")},
	}
	for _, m := range messages {
		for i, f := range m {
			write(zmtpFrame(f, i < len(m)-1, false))
			write(f)
		}
	}
	if got, want := len(rec.writes), 2+len(messages); got != want {
		t.Errorf("writes: got %d, want %d (greeting, READY, one per message)", got, want)
	}
	if got := bytes.Join(rec.writes, nil); !bytes.Equal(got, all.Bytes()) {
		t.Errorf("bytes changed:\ngot  %q\nwant %q", got, all.Bytes())
	}
	if len(z.buf) != 0 {
		t.Errorf("held after the last message: %d bytes", len(z.buf))
	}
}

// FuzzZMTPWriter: whatever the chunking, the bytes come out unchanged, and
// nothing is held once a message has been written completely.
func FuzzZMTPWriter(f *testing.F) {
	f.Add(uint64(1), 3, 40)
	f.Add(uint64(7), 1, 1)
	f.Add(uint64(42), 10, 600)
	f.Fuzz(func(t *testing.T, seed uint64, nmsg, maxFrame int) {
		nmsg = 1 + abs(nmsg)%20
		maxFrame = 1 + abs(maxFrame)%(3*zmtpMaxCoalesce)
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		rec := &recordWriter{}
		z := &zmtpWriter{conn: rec, greetLeft: zmtpGreetingLen}
		var all bytes.Buffer
		var stream []byte
		var ends []int // offsets in stream where a message ends
		stream = append(stream, bytes.Repeat([]byte{1}, zmtpGreetingLen)...)
		ends = append(ends, len(stream))
		for range nmsg {
			nf := 1 + r.IntN(8)
			for i := range nf {
				body := bytes.Repeat([]byte{byte(i)}, r.IntN(maxFrame))
				stream = append(stream, zmtpFrame(body, i < nf-1, false)...)
				stream = append(stream, body...)
			}
			ends = append(ends, len(stream))
		}
		for off := 0; off < len(stream); {
			k := min(len(stream)-off, 1+r.IntN(1024))
			all.Write(stream[off : off+k])
			if _, err := z.Write(stream[off : off+k]); err != nil {
				t.Fatal(err)
			}
			off += k
			for _, e := range ends {
				if e == off && len(z.buf) != 0 {
					t.Fatalf("after a message ending at %d: %d bytes held", off, len(z.buf))
				}
			}
		}
		if got := bytes.Join(rec.writes, nil); !bytes.Equal(got, all.Bytes()) {
			t.Fatalf("bytes changed (%d in, %d out)", all.Len(), len(got))
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
