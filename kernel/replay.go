// replay.go: the replay ring's copy on disk, so that a restarted kernel
// (the same key) still rejects the messages its predecessor accepted.

package kernel

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gilgo/gilgo/internal/rawio"
)

const (
	// replayDir is the folder of the replay files in the history
	// directory.
	replayDir = "replay"
	// replayMagic starts a replay file (format version 1).
	replayMagic = "gilgoRR1"
	// replayHeaderLen is the magic, the digest size and the ring size.
	replayHeaderLen = 16
	// replayMaxAge is how long a replay file nobody wrote to is kept;
	// older ones are removed when a kernel starts.
	replayMaxAge = 14 * 24 * time.Hour
)

// replayStore mirrors a signer's ring in a file named after the key, one
// fixed-size slot per ring entry: an 8-byte sequence number (0: empty)
// and the digest. Recording an entry is one write at its slot; loading
// puts every digest back in its slot and continues after the highest
// sequence number. Not safe for concurrent use: the signer calls it under
// its mutex.
type replayStore struct {
	f      *os.File
	path   string
	digest int // digest size of the signature scheme
	seq    uint64
	log    *slog.Logger
}

// replayFileName names the replay file of a key: an HMAC of a fixed
// text under the key, so that the name tells nothing about the key and
// differs between keys.
func replayFileName(s *signer) string {
	sum := s.sign([]byte("gilgo replay ring v1"))
	return sum[:32]
}

// openReplayStore opens (or creates) the replay file of s's key in dir
// and loads it into s's ring; it also removes replay files older than
// replayMaxAge. A file that is not a replay file of this scheme is
// started afresh. It returns nil (after a warning) when the file cannot
// be used; s then remembers digests in memory only. s must have a key.
func openReplayStore(dir string, s *signer, log *slog.Logger) *replayStore {
	rdir := filepath.Join(dir, replayDir)
	if err := os.MkdirAll(rdir, 0o700); err != nil {
		log.Warn("replay ring: kept in memory only", "err", err)
		return nil
	}
	pruneReplayFiles(rdir, time.Now(), log)
	path := filepath.Join(rdir, replayFileName(s))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		log.Warn("replay ring: kept in memory only", "err", err)
		return nil
	}
	st := &replayStore{f: f, path: path, digest: s.newHash().Size(), log: log}
	n, err := st.load(s)
	if err != nil {
		log.Warn("replay ring: starting afresh", "path", path, "err", err)
		if err := st.reset(); err != nil {
			log.Warn("replay ring: kept in memory only", "path", path, "err", err)
			f.Close()
			return nil
		}
	}
	log.Debug("replay ring loaded", "path", path, "digests", n)
	return st
}

// pruneReplayFiles removes the replay files in dir not written to for
// replayMaxAge.
func pruneReplayFiles(dir string, now time.Time, log *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || now.Sub(info.ModTime()) < replayMaxAge {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			log.Warn("replay ring: remove an old file", "err", err)
		}
	}
}

func (st *replayStore) slotLen() int { return 8 + st.digest }

// header returns the file header for this scheme.
func (st *replayStore) header() []byte {
	h := append([]byte(replayMagic), 0, 0, 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(h[8:], uint32(st.digest))
	binary.BigEndian.PutUint32(h[12:], replayHistory)
	return h
}

// reset empties the file and writes its header.
func (st *replayStore) reset() error {
	if err := st.f.Truncate(0); err != nil {
		return err
	}
	st.seq = 0
	_, err := st.f.WriteAt(st.header(), 0)
	return err
}

// load fills s's ring from the file and returns how many digests it
// holds. An empty file gets its header.
func (st *replayStore) load(s *signer) (int, error) {
	data, err := io.ReadAll(io.LimitReader(st.f, int64(replayHeaderLen+replayHistory*st.slotLen()+1)))
	if err != nil {
		return 0, err
	}
	if len(data) == 0 {
		return 0, st.reset()
	}
	if len(data) < replayHeaderLen || !bytes.Equal(data[:replayHeaderLen], st.header()) {
		return 0, fmt.Errorf("not a replay file of this signature scheme")
	}
	if len(data) > replayHeaderLen+replayHistory*st.slotLen() {
		return 0, fmt.Errorf("longer than a ring of %d digests", replayHistory)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, last := 0, -1
	for i, off := 0, replayHeaderLen; off+st.slotLen() <= len(data); i, off = i+1, off+st.slotLen() {
		seq := binary.BigEndian.Uint64(data[off:])
		if seq == 0 {
			continue
		}
		s.ring.put(i, data[off+8:off+st.slotLen()])
		n++
		if seq > st.seq {
			st.seq, last = seq, i
		}
	}
	s.ring.next = (last + 1) % replayHistory
	return n, nil
}

// record writes digest d into slot i. After a failed write the store
// gives up (one warning) and the ring stays in memory only.
func (st *replayStore) record(i int, d []byte) {
	if st.f == nil {
		return
	}
	st.seq++
	slot := make([]byte, 8, st.slotLen())
	binary.BigEndian.PutUint64(slot, st.seq)
	slot = append(slot, d...)
	if len(slot) != st.slotLen() {
		return // not this scheme's digest
	}
	if _, err := rawio.WriteFileAt(st.f, slot, int64(replayHeaderLen+i*st.slotLen())); err != nil {
		st.log.Warn("replay ring: write failed, kept in memory only from now on", "path", st.path, "err", err)
		st.f.Close()
		st.f = nil
	}
}

// close closes the file; it stays for the next kernel with this key.
func (st *replayStore) close() {
	if st.f != nil {
		st.f.Close()
		st.f = nil
	}
}
