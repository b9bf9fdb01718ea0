package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"math/bits"
	"sync"
	"time"
)

// delimiter separates routing identities from the signed message.
var delimiter = []byte("<IDS|MSG>")

// Wire limits. A message beyond them is dropped.
const (
	maxIdentities   = 64       // identity frames before the delimiter
	maxHeaderSize   = 64 << 10 // header, parent_header, metadata each
	maxContentSize  = 64 << 20 // content
	maxBuffers      = 256      // extra binary frames
	maxBufferSize   = 64 << 20 // each buffer
	protocolVersion = "5.3"
	// dateLayout is ISO 8601 in UTC with microseconds, as ipykernel writes it.
	dateLayout = "2006-01-02T15:04:05.000000Z"
	// replayHistory is how many digests are remembered to reject replays.
	replayHistory = 1 << 16
)

// msgHeader is a Jupyter message header.
type msgHeader struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// message is a decoded Jupyter message. Raw JSON parts are kept as they
// came so that a reply's parent_header is exactly the request's header.
type message struct {
	Identities   [][]byte
	Header       msgHeader
	RawHeader    json.RawMessage
	ParentHeader json.RawMessage
	Metadata     json.RawMessage
	Content      json.RawMessage
	Buffers      [][]byte
	// received is when the kernel read it off its socket (zero in tests
	// that decode by hand).
	received time.Time
	// tooLarge is the size of a content over maxContentSize, which was
	// dropped (see contentSizeError).
	tooLarge int
}

// outMsg is a message to encode: Content and Metadata are marshalled.
type outMsg struct {
	Identities [][]byte
	Header     msgHeader
	Parent     json.RawMessage // nil means {}
	Metadata   any             // nil means {}
	Content    any             // nil means {}
	Buffers    [][]byte
}

// signer signs and verifies messages and remembers digests to reject
// replays, in memory and, with a store, in a file that the next kernel
// with the same key loads. Safe for concurrent use.
type signer struct {
	newHash func() hash.Hash
	key     []byte

	mu    sync.Mutex
	ring  replayRing
	store *replayStore // nil: memory only
}

// replayRing remembers the last replayHistory digests. It holds no
// pointers (a flat ring and a table of slot numbers), so the garbage
// collector never scans it: as a []string and a map[string]struct{} it
// was most of the kernel's live heap, scanned by every collection (one
// every 20 or so cells). Its index is an open-addressing table of
// int32 that grows with the digests remembered, to twice replayHistory:
// about 8-16 bytes a digest next to the ring's own, where a map of the
// keys took 66-82 and grew by the megabyte in a long session. Digests
// are told apart by their key (digestKeyLen). Not safe for concurrent use.
type replayRing struct {
	size int    // digest size
	ring []byte // replayHistory slots of size bytes; nil until first use
	next int    // the slot the next digest goes to
	// index holds slot+1 of each digest remembered (0: empty) at its
	// key's hash, probed linearly; its length is a power of two, at
	// least twice n.
	index []int32
	n     int // digests remembered
}

// digestKeyLen is how much of a digest identifies it: its first 32
// bytes (all of an hmac-sha1 or hmac-sha256 digest). HMAC-SHA512 cut to
// 256 bits is still a MAC (HMAC-SHA512/256), so a message whose digest
// shares its first 32 bytes with a remembered one is a replay or a
// forgery.
const digestKeyLen = 32

// minIndex is the index's first length.
const minIndex = 1 << 10

// key returns the part of digest d that identifies it (digestKeyLen).
func (r *replayRing) key(d []byte) []byte { return d[:min(len(d), digestKeyLen)] }

// slot returns the digest in slot i.
func (r *replayRing) slot(i int) []byte { return r.ring[i*r.size : (i+1)*r.size] }

// home is where key k's probe starts in an index of length n (a power of
// two). A verified digest is an HMAC, spread evenly already; the mix
// keeps digests that differ in a few bytes apart as well.
func home(k []byte, n int) int {
	var h uint64
	for i := 0; i < len(k); i += 8 {
		var w uint64
		for j := i; j < min(i+8, len(k)); j++ {
			w |= uint64(k[j]) << (8 * (j - i))
		}
		h = (h ^ w) * 0x9e3779b97f4a7c15
	}
	return int(h >> (64 - bits.TrailingZeros(uint(n)))) // the product's top bits mix all of k
}

// find returns the index position of key k: where it is, or the empty
// position where it would go.
func (r *replayRing) find(k []byte) (pos int, found bool) {
	mask := len(r.index) - 1
	for p := home(k, len(r.index)); ; p = (p + 1) & mask {
		s := r.index[p]
		if s == 0 {
			return p, false
		}
		if bytes.Equal(r.key(r.slot(int(s-1))), k) {
			return p, true
		}
	}
}

// has reports whether d's key is in the ring.
func (r *replayRing) has(d []byte) bool {
	if r.n == 0 {
		return false
	}
	_, ok := r.find(r.key(d))
	return ok
}

// put stores d (of the ring's digest size) in slot i, forgetting the
// digest that was there.
func (r *replayRing) put(i int, d []byte) {
	if r.ring == nil {
		r.ring = make([]byte, replayHistory*r.size)
		r.index = make([]int32, minIndex)
	}
	// Only slot i's own entry goes: the index may point the old key at
	// another slot (a digest put twice), and an empty slot has none.
	if r.n > 0 {
		if p, ok := r.find(r.key(r.slot(i))); ok && int(r.index[p]) == i+1 {
			r.removeAt(p)
		}
	}
	copy(r.slot(i), d)
	if 2*(r.n+1) > len(r.index) {
		r.grow()
	}
	p, ok := r.find(r.key(d))
	if !ok {
		r.n++
	}
	r.index[p] = int32(i + 1)
}

// removeAt empties index position p and moves the entries after it that
// their probe would no longer reach (backward-shift deletion).
func (r *replayRing) removeAt(p int) {
	mask := len(r.index) - 1
	r.n--
	for q := (p + 1) & mask; r.index[q] != 0; q = (q + 1) & mask {
		h := home(r.key(r.slot(int(r.index[q]-1))), len(r.index))
		if (q-h)&mask >= (q-p)&mask { // p lies on q's probe: move it there
			r.index[p] = r.index[q]
			p = q
		}
	}
	r.index[p] = 0
}

// grow doubles the index.
func (r *replayRing) grow() {
	old := r.index
	r.index = make([]int32, 2*len(old))
	for _, s := range old {
		if s != 0 {
			p, _ := r.find(r.key(r.slot(int(s - 1))))
			r.index[p] = s
		}
	}
}

// add stores d in the next slot and returns that slot.
func (r *replayRing) add(d []byte) int {
	i := r.next
	r.put(i, d)
	r.next = (i + 1) % replayHistory
	return i
}

// len returns the number of digests remembered.
func (r *replayRing) len() int { return r.n }

func newSigner(scheme string, key []byte) (*signer, error) {
	s := &signer{key: key}
	switch scheme {
	case "hmac-sha256", "":
		s.newHash = sha256.New
	case "hmac-sha1":
		s.newHash = sha1.New
	case "hmac-sha512":
		s.newHash = sha512.New
	default:
		return nil, fmt.Errorf("signature scheme: got %q, want hmac-sha256, hmac-sha1 or hmac-sha512", scheme)
	}
	s.ring.size = s.newHash().Size()
	return s, nil
}

// sign returns the hex digest of parts, or "" when the key is empty.
func (s *signer) sign(parts ...[]byte) string {
	if len(s.key) == 0 {
		return ""
	}
	m := hmac.New(s.newHash, s.key)
	for _, p := range parts {
		m.Write(p)
	}
	return hex.EncodeToString(m.Sum(nil))
}

var (
	errBadSignature = errors.New("bad signature")
	errReplay       = errors.New("duplicate signature (replay)")
)

// verify checks sig against parts and records it; it fails for a wrong
// signature and for one already seen.
func (s *signer) verify(sig []byte, parts ...[]byte) error {
	if len(s.key) == 0 {
		return nil
	}
	got, err := hex.DecodeString(string(sig))
	if err != nil {
		return errBadSignature
	}
	m := hmac.New(s.newHash, s.key)
	for _, p := range parts {
		m.Write(p)
	}
	if !hmac.Equal(got, m.Sum(nil)) {
		return errBadSignature
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring.has(got) {
		return errReplay
	}
	i := s.ring.add(got)
	if s.store != nil {
		s.store.record(i, got)
	}
	return nil
}

// persist loads the replay file of s's key from dir and keeps it up to
// date from now on (openReplayStore); without a key it does nothing.
func (s *signer) persist(dir string, log *slog.Logger) {
	if len(s.key) == 0 || dir == "" {
		return
	}
	st := openReplayStore(dir, s, log)
	s.mu.Lock()
	s.store = st
	s.mu.Unlock()
}

// closeStore closes the replay file; the ring stays in memory.
func (s *signer) closeStore() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		s.store.close()
		s.store = nil
	}
}

// decode parses and verifies one multipart message.
func decode(frames [][]byte, s *signer) (*message, error) {
	delim := -1
	for i := 0; i < len(frames) && i <= maxIdentities; i++ {
		if bytes.Equal(frames[i], delimiter) {
			delim = i
			break
		}
	}
	if delim < 0 {
		return nil, fmt.Errorf("decode: no delimiter in the first %d frames", maxIdentities+1)
	}
	rest := frames[delim+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("decode: got %d frames after delimiter, want at least 5", len(rest))
	}
	if len(rest)-5 > maxBuffers {
		return nil, fmt.Errorf("decode: got %d buffers, want at most %d", len(rest)-5, maxBuffers)
	}
	sig, header, parent, meta, content := rest[0], rest[1], rest[2], rest[3], rest[4]
	for i, f := range [][]byte{header, parent, meta} {
		if len(f) > maxHeaderSize {
			return nil, fmt.Errorf("decode: frame %d is %d bytes, want at most %d", delim+2+i, len(f), maxHeaderSize)
		}
	}
	for _, b := range rest[5:] {
		if len(b) > maxBufferSize {
			return nil, fmt.Errorf("decode: buffer is %d bytes, want at most %d", len(b), maxBufferSize)
		}
	}
	if err := s.verify(sig, header, parent, meta, content); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	m := &message{
		Identities:   frames[:delim],
		RawHeader:    json.RawMessage(header),
		ParentHeader: json.RawMessage(parent),
		Metadata:     json.RawMessage(meta),
		Content:      json.RawMessage(content),
		Buffers:      rest[5:],
	}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("decode header: %w", err)
	}
	if m.Header.MsgID == "" || m.Header.MsgType == "" {
		return nil, fmt.Errorf("decode header: msg_id or msg_type missing")
	}
	if len(content) > maxContentSize {
		// Signed and addressed: the sender learns why it gets no answer.
		// Nothing may keep the content alive.
		m.Identities = append([][]byte(nil), m.Identities...)
		m.Content, m.Buffers = nil, nil
		m.tooLarge = len(content)
		return nil, &contentSizeError{m: m}
	}
	for _, p := range []struct {
		name string
		raw  []byte
	}{{"parent_header", parent}, {"metadata", meta}, {"content", content}} {
		if !isJSONObject(p.raw) {
			return nil, fmt.Errorf("decode %s: not a JSON object", p.name)
		}
	}
	return m, nil
}

// contentSizeError is a message whose content is over maxContentSize but
// whose signature and header are good: m has no content, and the kernel
// answers it with an InputTooLarge error.
type contentSizeError struct{ m *message }

func (e *contentSizeError) Error() string {
	return fmt.Sprintf("decode: content is %d bytes, want at most %d", e.m.tooLarge, maxContentSize)
}

// isJSONObject reports whether b is one valid JSON object.
func isJSONObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return false
	}
	return json.Valid(b)
}

// encode signs m and returns its frames.
func encode(m *outMsg, s *signer) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	parent := []byte(m.Parent)
	if len(parent) == 0 {
		parent = []byte("{}")
	}
	meta := []byte("{}")
	if m.Metadata != nil {
		if meta, err = json.Marshal(m.Metadata); err != nil {
			return nil, fmt.Errorf("encode metadata: %w", err)
		}
		if string(meta) == "null" {
			meta = []byte("{}")
		}
	}
	content := []byte("{}")
	if m.Content != nil {
		if content, err = json.Marshal(m.Content); err != nil {
			return nil, fmt.Errorf("encode %s content: %w", m.Header.MsgType, err)
		}
		if string(content) == "null" { // a typed nil map
			content = []byte("{}")
		}
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, []byte(s.sign(header, parent, meta, content)), header, parent, meta, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

// newHeader returns a header for a message the kernel sends.
func newHeader(msgType, session string, now time.Time) msgHeader {
	return msgHeader{
		MsgID:    newID(),
		Session:  session,
		Username: "kernel",
		Date:     now.UTC().Format(dateLayout),
		MsgType:  msgType,
		Version:  protocolVersion,
	}
}
