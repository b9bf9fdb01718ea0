package kernel

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestReplayAcrossRestart: a kernel started after another with the same
// key and history directory (what jupyter_client's restart does) rejects
// the messages its predecessor accepted, however that one ended, and
// serves new ones.
func TestReplayAcrossRestart(t *testing.T) {
	for _, restart := range []bool{true, false} {
		t.Run(fmt.Sprintf("restart=%v", restart), func(t *testing.T) {
			dir := t.TempDir()
			c1 := startKernel(t, newFake(), Options{HistoryDir: dir})
			h := newHeader("execute_request", c1.session, time.Now())
			old, err := encode(&outMsg{Identities: [][]byte{c1.ident}, Header: h, Content: map[string]any{"code": "rm -rf"}}, c1.sign)
			if err != nil {
				t.Fatal(err)
			}
			if err := c1.shell.Send(old); err != nil {
				t.Fatal(err)
			}
			if r := c1.recv(c1.shell); parentID(r) != h.MsgID {
				t.Fatalf("first kernel: reply to %s", parentID(r))
			}
			c1.send(c1.control, "shutdown_request", map[string]any{"restart": restart})
			c1.recv(c1.control)
			c1.stop()

			fi := newFake()
			c2 := startKernel(t, fi, Options{HistoryDir: dir})
			if err := c2.shell.Send(old); err != nil {
				t.Fatal(err)
			}
			h2 := c2.send(c2.shell, "kernel_info_request", nil)
			if r := c2.recv(c2.shell); parentID(r) != h2.MsgID {
				t.Errorf("second kernel: first reply is to %s, want %s (the replay must be dropped)", parentID(r), h2.MsgID)
			}
			if n := len(fi.requests()); n != 0 {
				t.Errorf("second kernel ran %d cells, want 0", n)
			}
		})
	}
}

// TestReplayStoreRing: a reloaded ring holds the last replayHistory
// digests in their slots and goes on where the previous one stopped, so
// the oldest digests are evicted first, also after several restarts.
func TestReplayStoreRing(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	newS := func() *signer {
		s, err := newSigner("hmac-sha256", []byte(testKey))
		if err != nil {
			t.Fatal(err)
		}
		s.persist(dir, log)
		t.Cleanup(s.closeStore)
		return s
	}
	msg := func(i int) []byte { return []byte(fmt.Sprint("message ", i)) }
	verify := func(s *signer, i int) error { return s.verify([]byte(s.sign(msg(i))), msg(i)) }
	var recorded []int // the model: every message accepted, in order
	next := 0
	for _, tc := range []struct {
		name string
		add  int // new messages this kernel accepts
	}{
		{"a few", 10},
		{"more after a restart", 100},
		{"wrapped around", replayHistory},
		{"wrapped again", 7},
	} {
		s := newS()
		for range tc.add {
			if err := verify(s, next); err != nil {
				t.Fatalf("%s: new message %d: %v", tc.name, next, err)
			}
			recorded = append(recorded, next)
			next++
		}
		s.closeStore()
		r := newS() // the next kernel
		kept := recorded[max(0, len(recorded)-replayHistory):]
		if n := r.ring.len(); n != len(kept) {
			t.Errorf("%s: %d digests loaded, want %d", tc.name, n, len(kept))
		}
		for _, i := range []int{kept[0], kept[len(kept)-1]} {
			if err := verify(r, i); err == nil {
				t.Errorf("%s: message %d accepted again", tc.name, i)
			}
		}
		if len(kept) < len(recorded) {
			evicted := recorded[len(recorded)-len(kept)-1]
			if err := verify(r, evicted); err != nil {
				t.Errorf("%s: message %d, evicted, rejected: %v", tc.name, evicted, err)
			}
			recorded = append(recorded, evicted)
		}
		r.closeStore()
	}
}

// TestReplayStoreFiles: a file that is not a replay file of the scheme
// is started afresh; files nobody wrote to for replayMaxAge go when a
// kernel starts; a key with another scheme uses another file layout.
func TestReplayStoreFiles(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	s, _ := newSigner("hmac-sha256", []byte(testKey))
	rdir := filepath.Join(dir, replayDir)
	if err := os.MkdirAll(rdir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(rdir, replayFileName(s))
	stale := filepath.Join(rdir, "0123456789abcdef0123456789abcdef")
	fresh := filepath.Join(rdir, "fedcba9876543210fedcba9876543210")
	for _, p := range []string{path, stale, fresh} {
		if err := os.WriteFile(p, []byte("not a replay file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-replayMaxAge - time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	s.persist(dir, log)
	defer s.closeStore()
	if s.store == nil {
		t.Fatal("no store for a foreign file")
	}
	if err := s.verify([]byte(s.sign([]byte("m"))), []byte("m")); err != nil {
		t.Fatal(err)
	}
	s2, _ := newSigner("hmac-sha256", []byte(testKey))
	s2.persist(dir, log)
	defer s2.closeStore()
	if err := s2.verify([]byte(s2.sign([]byte("m"))), []byte("m")); err == nil {
		t.Error("replay accepted after the foreign file was replaced")
	}
	for _, tc := range []struct {
		path string
		want bool
	}{{stale, false}, {fresh, true}, {path, true}} {
		if _, err := os.Stat(tc.path); (err == nil) != tc.want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(tc.path), err == nil, tc.want)
		}
	}
	// Another scheme, the same key: its own file, its own slot size.
	s3, _ := newSigner("hmac-sha512", []byte(testKey))
	s3.persist(dir, log)
	defer s3.closeStore()
	if err := s3.verify([]byte(s3.sign([]byte("m"))), []byte("m")); err != nil {
		t.Errorf("sha512: %v", err)
	}
}

// BenchmarkVerifyPersisted: verifying a signature with the ring kept on
// disk (one write per message) against the ring in memory only, in the
// same run: ratio = persisted / memory.
func BenchmarkVerifyPersisted(b *testing.B) {
	msgs := make([][]byte, 4096)
	for i := range msgs {
		msgs[i] = []byte(fmt.Sprintf(`{"msg_id":"%d","msg_type":"execute_request"}`, i))
	}
	run := func(persist bool, n int) time.Duration {
		s, _ := newSigner("hmac-sha256", []byte(testKey))
		if persist {
			s.persist(b.TempDir(), slog.New(slog.DiscardHandler))
			defer s.closeStore()
		}
		sigs := make([][]byte, len(msgs))
		for i, m := range msgs {
			sigs[i] = []byte(s.sign(m))
		}
		start := time.Now()
		for i := range n {
			if i%len(msgs) == 0 && i > 0 { // the same messages again are not replays here
				s.mu.Lock()
				s.ring = replayRing{size: s.ring.size}
				s.mu.Unlock()
			}
			if err := s.verify(sigs[i%len(msgs)], msgs[i%len(msgs)]); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	base := run(false, b.N)
	b.ResetTimer()
	d := run(true, b.N)
	b.StopTimer()
	if base > 0 {
		b.ReportMetric(float64(d)/float64(base), "x-memory")
	}
}
