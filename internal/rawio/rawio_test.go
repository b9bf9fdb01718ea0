package rawio

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// pair returns the two ends of a pipe or of a TCP connection.
func pair(t *testing.T, kind string) (r, w any) {
	t.Helper()
	switch kind {
	case "pipe":
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pr.Close(); pw.Close() })
		return pr, pw
	case "tcp":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		accepted := make(chan net.Conn, 1)
		go func() {
			c, _ := l.Accept()
			accepted <- c
		}()
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s := <-accepted
		if s == nil {
			t.Fatal("accept failed")
		}
		t.Cleanup(func() { c.Close(); s.Close() })
		return s, c
	}
	t.Fatalf("unknown kind %q", kind)
	return nil, nil
}

// closeWrite ends the writing side so that the reader sees EOF.
func closeWrite(w any) {
	switch w := w.(type) {
	case *os.File:
		w.Close()
	case *net.TCPConn:
		w.CloseWrite()
	}
}

// TestConnRoundTrip: what Write and Writev send (more than a pipe or a
// socket buffer holds, so that they wait in the poller) arrives whole and
// in order through Read, which ends with io.EOF.
func TestConnRoundTrip(t *testing.T) {
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB
	for _, kind := range []string{"pipe", "tcp"} {
		for _, op := range []string{"write", "writev"} {
			t.Run(kind+"/"+op, func(t *testing.T) {
				r, w := pair(t, kind)
				rc, wc := New(r), New(w)
				if rc == nil || wc == nil {
					t.Fatal("no RawConn")
				}
				var want []byte
				sent := make(chan error, 1)
				go func() {
					var err error
					for i := range 4 {
						part := chunk[:len(chunk)-i*1000]
						switch op {
						case "write":
							var n int
							n, err = wc.Write(part)
							if err == nil && n != len(part) {
								err = errors.New("short write")
							}
						case "writev":
							bufs := [][]byte{part[:10], nil, part[10:]}
							var n int64
							n, err = wc.Writev(&bufs)
							if err == nil && (n != int64(len(part)) || len(bufs) != 0) {
								err = errors.New("short writev")
							}
						}
						if err != nil {
							break
						}
					}
					closeWrite(w)
					sent <- err
				}()
				for i := range 4 {
					want = append(want, chunk[:len(chunk)-i*1000]...)
				}
				got, err := io.ReadAll(rc)
				if err != nil {
					t.Fatalf("read: %v", err)
				}
				if err := <-sent; err != nil {
					t.Fatalf("%s: %v", op, err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("got %d bytes, want %d (or not in order)", len(got), len(want))
				}
			})
		}
	}
}

// TestReadClosedFile: reading a file closed meanwhile fails with
// os.ErrClosed, as the file's own Read does.
func TestReadClosedFile(t *testing.T) {
	r, _ := pair(t, "pipe")
	rc := New(r)
	done := make(chan error, 1)
	go func() {
		_, err := rc.Read(make([]byte, 8))
		done <- err
	}()
	r.(*os.File).Close()
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Errorf("got %v, want os.ErrClosed", err)
	}
	if _, err := rc.Read(make([]byte, 8)); !errors.Is(err, os.ErrClosed) {
		t.Errorf("after close: got %v, want os.ErrClosed", err)
	}
}

// TestNewWithoutRawConn: New answers nil for what has no RawConn.
func TestNewWithoutRawConn(t *testing.T) {
	if c := New(&bytes.Buffer{}); c != nil {
		t.Errorf("New(bytes.Buffer): got %v, want nil", c)
	}
}

// TestWriteFile: appends go to the end of an O_APPEND file, WriteFileAt
// writes where it is told, and a closed file is an error.
func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name string
		op   func() (int, error)
		n    int
		want string
	}{
		{"append", func() (int, error) { return WriteFile(f, []byte("hello\n")) }, 6, "hello\n"},
		{"append again", func() (int, error) { return WriteFile(f, []byte("world\n")) }, 6, "hello\nworld\n"},
		{"empty", func() (int, error) { return WriteFile(f, nil) }, 0, "hello\nworld\n"},
	} {
		n, err := tc.op()
		if err != nil || n != tc.n {
			t.Errorf("%s: got %d, %v, want %d, nil", tc.name, n, err, tc.n)
		}
		if got, _ := os.ReadFile(path); string(got) != tc.want {
			t.Errorf("%s: file %q, want %q", tc.name, got, tc.want)
		}
	}
	g, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := WriteFileAt(g, []byte("J"), 0); err != nil || n != 1 {
		t.Errorf("WriteFileAt: got %d, %v", n, err)
	}
	g.Close()
	if got, _ := os.ReadFile(path); string(got) != "Jello\nworld\n" {
		t.Errorf("after WriteFileAt: %q", got)
	}
	if _, err := WriteFileAt(g, []byte("x"), 0); err == nil {
		t.Error("WriteFileAt on a closed file: no error")
	}
}
