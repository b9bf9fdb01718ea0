package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCodecRoundTrip(t *testing.T) {
	for _, tc := range []struct{ scheme, key string }{
		{"hmac-sha256", "k"}, {"hmac-sha1", "k"}, {"hmac-sha512", "k"}, {"hmac-sha256", ""},
	} {
		t.Run(tc.scheme+"/"+tc.key, func(t *testing.T) {
			s, err := newSigner(tc.scheme, []byte(tc.key))
			if err != nil {
				t.Fatal(err)
			}
			parent := json.RawMessage(`{"msg_id":"p","extra":[1,2]}`)
			in := &outMsg{
				Identities: [][]byte{[]byte("id1"), []byte("id2")},
				Header:     newHeader("execute_reply", "sess", time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)),
				Parent:     parent,
				Metadata:   map[string]any{"m": 1},
				Content:    map[string]any{"status": "ok"},
				Buffers:    [][]byte{{0, 1, 2}},
			}
			frames, err := encode(in, s)
			if err != nil {
				t.Fatal(err)
			}
			if tc.key == "" && len(frames[3]) != 0 {
				t.Errorf("unsigned signature: got %q, want empty", frames[3])
			}
			out, err := decode(frames, s)
			if err != nil {
				t.Fatal(err)
			}
			if out.Header != in.Header || out.Header.Date != "2026-01-02T03:04:05.000006Z" {
				t.Errorf("header: got %+v, want %+v", out.Header, in.Header)
			}
			if !bytes.Equal(out.ParentHeader, parent) || string(out.Content) != `{"status":"ok"}` || string(out.Metadata) != `{"m":1}` {
				t.Errorf("parts: got %s %s %s", out.ParentHeader, out.Metadata, out.Content)
			}
			if len(out.Identities) != 2 || string(out.Identities[1]) != "id2" || len(out.Buffers) != 1 || !bytes.Equal(out.Buffers[0], []byte{0, 1, 2}) {
				t.Errorf("frames: got ids %q buffers %q", out.Identities, out.Buffers)
			}
		})
	}
}

// TestSignatureKnownAnswer pins the digest to one computed by the Jupyter
// definition: hex(hmac(key, header+parent+metadata+content)).
func TestSignatureKnownAnswer(t *testing.T) {
	s, _ := newSigner("hmac-sha256", []byte("key"))
	// echo -n '{"a":1}{}{}{}' | openssl dgst -sha256 -hmac key
	const want = "f1128388193e4dd1aa760827bd756a1b40b627676b5efe22c0e8297919bfa218"
	if got := s.sign([]byte(`{"a":1}`), []byte("{}"), []byte("{}"), []byte("{}")); got != want {
		t.Errorf("sign: got %s, want %s", got, want)
	}
}

func TestUnknownScheme(t *testing.T) {
	if _, err := newSigner("hmac-md5", []byte("k")); err == nil {
		t.Error("hmac-md5: got nil error")
	}
}

func validFrames(t testing.TB, s *signer, mutate func(*outMsg)) [][]byte {
	m := &outMsg{Identities: [][]byte{[]byte("id")}, Header: newHeader("kernel_info_request", "s", time.Now())}
	if mutate != nil {
		mutate(m)
	}
	f, err := encode(m, s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// resign replaces the signature after parts were edited.
func resign(s *signer, f [][]byte) [][]byte {
	i := 0
	for !bytes.Equal(f[i], delimiter) {
		i++
	}
	f[i+1] = []byte(s.sign(f[i+2], f[i+3], f[i+4], f[i+5]))
	return f
}

func TestDecodeRejects(t *testing.T) {
	s, _ := newSigner("hmac-sha256", []byte("key"))
	manyIDs := make([][]byte, maxIdentities+1)
	for i := range manyIDs {
		manyIDs[i] = []byte("id")
	}
	tests := []struct {
		name   string
		frames func() [][]byte
		want   string
	}{
		{"empty", func() [][]byte { return nil }, "no delimiter"},
		{"no delimiter", func() [][]byte { return [][]byte{[]byte("a"), []byte("b")} }, "no delimiter"},
		{"delimiter too deep", func() [][]byte {
			return validFrames(t, s, func(m *outMsg) { m.Identities = manyIDs })
		}, "no delimiter"},
		{"too few frames", func() [][]byte { return validFrames(t, s, nil)[:5] }, "frames after delimiter"},
		{"wrong signature", func() [][]byte {
			f := validFrames(t, s, nil)
			f[2] = bytes.Repeat([]byte("a"), 64)
			return f
		}, "bad signature"},
		{"signature not hex", func() [][]byte {
			f := validFrames(t, s, nil)
			f[2] = []byte("zz")
			return f
		}, "bad signature"},
		{"tampered content", func() [][]byte {
			f := validFrames(t, s, nil)
			f[6] = []byte(`{"x":1}`)
			return f
		}, "bad signature"},
		{"bad header json", func() [][]byte {
			f := validFrames(t, s, nil)
			f[3] = []byte(`{"msg_id":`)
			return resign(s, f)
		}, "decode header"},
		{"missing msg_type", func() [][]byte {
			f := validFrames(t, s, nil)
			f[3] = []byte(`{"msg_id":"x"}`)
			return resign(s, f)
		}, "msg_type missing"},
		{"content not object", func() [][]byte {
			f := validFrames(t, s, nil)
			f[6] = []byte(`[1]`)
			return resign(s, f)
		}, "content: not a JSON object"},
		{"parent not json", func() [][]byte {
			f := validFrames(t, s, nil)
			f[4] = []byte(`{`)
			return resign(s, f)
		}, "parent_header: not a JSON object"},
		{"huge header", func() [][]byte {
			f := validFrames(t, s, nil)
			f[3] = append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), maxHeaderSize)...)
			return resign(s, f)
		}, "want at most"},
		{"too many buffers", func() [][]byte {
			return validFrames(t, s, func(m *outMsg) { m.Buffers = make([][]byte, maxBuffers+1) })
		}, "buffers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(tc.frames(), s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("decode: got %v, want error containing %q", err, tc.want)
			}
		})
	}
}

func TestReplayRejected(t *testing.T) {
	s, _ := newSigner("hmac-sha256", []byte("key"))
	f := validFrames(t, s, nil)
	if _, err := decode(f, s); err != nil {
		t.Fatal(err)
	}
	if _, err := decode(f, s); !errors.Is(err, errReplay) {
		t.Errorf("replay: got %v, want %v", err, errReplay)
	}
	// Without a key there is no signature, hence no replay check.
	u, _ := newSigner("hmac-sha256", nil)
	g := validFrames(t, u, nil)
	for range 2 {
		if _, err := decode(g, u); err != nil {
			t.Errorf("unsigned: %v", err)
		}
	}
}

func TestReplayHistoryBounded(t *testing.T) {
	s, _ := newSigner("hmac-sha256", []byte("key"))
	first := validFrames(t, s, nil)
	if _, err := decode(first, s); err != nil {
		t.Fatal(err)
	}
	for i := range replayHistory {
		if err := s.verify([]byte(s.sign([]byte(fmt.Sprint(i)))), []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.ring.len(); n != replayHistory {
		t.Errorf("seen: got %d, want %d", n, replayHistory)
	}
	// The oldest digest was forgotten.
	if _, err := decode(first, s); err != nil {
		t.Errorf("after eviction: got %v", err)
	}
}

// TestReplayRing: the pointer-free ring tells digests apart by their
// first 32 bytes (all of an hmac-sha1 or hmac-sha256 digest), and a
// digest evicted from the ring is forgotten, also in the map.
func TestReplayRing(t *testing.T) {
	digest := func(size int, fill byte, n int) []byte {
		d := bytes.Repeat([]byte{fill}, size)
		d[size-2], d[size-1] = byte(n>>8), byte(n)
		return d
	}
	for _, tc := range []struct {
		name string
		size int
	}{{"hmac-sha1", 20}, {"hmac-sha256", 32}, {"hmac-sha512", 64}} {
		t.Run(tc.name, func(t *testing.T) {
			r := replayRing{size: tc.size}
			a, b := digest(tc.size, 1, 1), digest(tc.size, 1, 2)
			if r.has(a) {
				t.Fatal("empty ring has a digest")
			}
			r.add(a)
			if !r.has(a) {
				t.Error("added digest not found")
			}
			// b differs from a in its last bytes only: the same key for
			// hmac-sha512 (a replay, or a forgery of a's first 256
			// bits), another for the shorter digests.
			sameKey := tc.size > digestKeyLen
			if r.has(b) != sameKey {
				t.Errorf("b, a's digest but for its last bytes: has(b)=%v, want %v", r.has(b), sameKey)
			}
			if !sameKey {
				r.add(b)
				if !r.has(a) || !r.has(b) {
					t.Errorf("after adding b: has(a)=%v has(b)=%v, want both", r.has(a), r.has(b))
				}
			} else {
				r.add(digest(tc.size, 4, 0)) // keep the count: a is followed by one digest
			}
			for i := range replayHistory - 2 {
				r.add(digest(tc.size, 2, i))
			}
			if !r.has(a) {
				t.Error("a forgotten before replayHistory digests followed it")
			}
			r.add(digest(tc.size, 3, 0))
			if r.has(a) {
				t.Error("a still remembered after eviction")
			}
			if !sameKey && !r.has(b) {
				t.Error("b forgotten with a")
			}
			if r.len() > replayHistory {
				t.Errorf("map holds %d digests, want at most %d", r.len(), replayHistory)
			}
		})
	}
}

// FuzzDecode: no input makes decode panic, and what decodes re-encodes.
// The seed corpus is in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	s, _ := newSigner("hmac-sha256", []byte("key"))
	f.Add(joinFrames(validFrames(f, s, nil)))
	f.Add([]byte("<IDS|MSG>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		frames := splitFrames(data)
		ns, _ := newSigner("hmac-sha256", []byte("key"))
		u, _ := newSigner("hmac-sha256", nil)
		for _, sg := range []*signer{ns, u} {
			m, err := decode(frames, sg)
			if err != nil {
				continue
			}
			if m.Header.MsgID == "" || m.Header.MsgType == "" || !isJSONObject(m.Content) {
				t.Fatalf("decoded an invalid message: %+v", m)
			}
			if _, err := encode(&outMsg{Identities: m.Identities, Header: m.Header, Parent: m.RawHeader, Content: m.Content}, sg); err != nil {
				t.Fatalf("re-encode: %v", err)
			}
		}
	})
}

// joinFrames and splitFrames map frames to one fuzz input: frames
// separated by a 0xff 0x00 pair.
var frameSep = []byte{0xff, 0x00}

func joinFrames(f [][]byte) []byte { return bytes.Join(f, frameSep) }

func splitFrames(b []byte) [][]byte { return bytes.Split(b, frameSep) }

// TestFuzzCorpusPresent keeps the committed corpus from disappearing.
func TestFuzzCorpusPresent(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecode", "*"))
	if len(files) < 5 {
		t.Errorf("seed corpus: got %d files, want at least 5", len(files))
	}
	for _, f := range files {
		if b, err := os.ReadFile(f); err != nil || !bytes.HasPrefix(b, []byte("go test fuzz v1")) {
			t.Errorf("%s: not a fuzz corpus file", f)
		}
	}
}

// TestReplayRingModel checks the ring's index against a map of what it
// must remember, through more than a ring's worth of random digests,
// digests put again into other slots (as a replay file may hold), and
// evictions, which move entries of the open-addressing table back. The
// index grows with the digests, not to its full size at once.
func TestReplayRingModel(t *testing.T) {
	const size = 32
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() []byte {
		d := make([]byte, size)
		for i := range d {
			d[i] = byte(rng.Uint32())
		}
		return d
	}
	r := replayRing{size: size}
	model := map[string]int{} // digest -> slot
	var order [][]byte        // every digest added, by slot use
	check := func(when string) {
		t.Helper()
		if r.len() != len(model) {
			t.Fatalf("%s: len %d, want %d", when, r.len(), len(model))
		}
	}
	for step := range replayHistory + 5000 {
		var d []byte
		if step%97 == 5 && len(order) > 0 {
			d = order[rng.IntN(len(order))] // a digest again, in the next slot
		} else {
			d = random()
		}
		i := r.next
		if old := r.slot0(i); old != nil && model[string(old)] == i {
			delete(model, string(old))
		}
		r.add(d)
		model[string(d)] = i
		order = append(order, d)
		if step == 1000 && len(r.index) > 4*1024 {
			t.Errorf("after 1000 digests the index has %d entries, want at most %d", len(r.index), 4*1024)
		}
		if step%4096 == 0 {
			check(fmt.Sprint("step ", step))
			for _, d := range order[max(0, len(order)-3*replayHistory/2):] {
				_, want := model[string(d)]
				if got := r.has(d); got != want {
					t.Fatalf("step %d: has = %v, want %v", step, got, want)
				}
			}
		}
	}
	check("end")
	if len(r.index) != 2*replayHistory {
		t.Errorf("index of a full ring: %d entries, want %d", len(r.index), 2*replayHistory)
	}
}

// slot0 returns a copy of the digest in slot i, or nil while the ring is
// unallocated or the slot is empty (zeros).
func (r *replayRing) slot0(i int) []byte {
	if r.ring == nil {
		return nil
	}
	d := append([]byte(nil), r.slot(i)...)
	if bytes.Equal(d, make([]byte, len(d))) {
		return nil
	}
	return d
}
