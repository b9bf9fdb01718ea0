package worker

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCrashReportGolden feeds real runtime dumps (testdata/dumps/*.stderr,
// captured from Go 1.26 programs) through the stderr filter in small chunks,
// as a pipe would deliver them, and compares what is forwarded and the
// crash report with testdata/dumps/*.golden. Run with -update to rewrite.
func TestCrashReportGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/dumps/*.stderr")
	if err != nil || len(files) == 0 {
		t.Fatalf("no dumps: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".stderr")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var forwarded strings.Builder
			f := newStderrFilter(func(s string) { forwarded.WriteString(s) })
			for chunk := range slices.Chunk(in, 7) {
				f.Write(chunk)
			}
			dump, fromTail := f.crash()
			value, tb := crashReport(dump, "exit status 2")
			var got strings.Builder
			fmt.Fprintf(&got, "forwarded: %q\nfrom tail: %v\nvalue: %s\ntraceback:\n", forwarded.String(), fromTail, value)
			for _, l := range tb {
				fmt.Fprintf(&got, "\t%s\n", l)
			}
			golden := strings.TrimSuffix(file, ".stderr") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got.String() != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got.String(), want)
			}
		})
	}
}

func TestStderrFilter(t *testing.T) {
	tests := []struct {
		name      string
		writes    []string
		release   bool // the child lives on: held bytes are released
		forwarded string
		dump      string // after crash (or release)
	}{
		{name: "plain", writes: []string{"a\nb", "c\n"}, forwarded: "a\nbc\n"},
		{name: "partial without prefix is forwarded at once", writes: []string{"progress 10%"}, forwarded: "progress 10%"},
		{name: "partial that may start a dump waits", writes: []string{"fat"}, dump: "fat"},
		{name: "partial prefix that turns out plain", writes: []string{"fat", "her\n"}, forwarded: "father\n"},
		{name: "dump held", writes: []string{"ok\nfatal error: x\n", "goroutine 1\n"}, forwarded: "ok\n", dump: "fatal error: x\ngoroutine 1\n"},
		{name: "dump split inside prefix", writes: []string{"pa", "nic: boom\n\ngoroutine 1 [running]:\n"}, dump: "panic: boom\n\ngoroutine 1 [running]:\n"},
		{name: "held then released", writes: []string{"panic: not really\n", "more\n"}, release: true, forwarded: "panic: not really\nmore\n"},
		{name: "runtime line", writes: []string{"runtime: goroutine stack exceeds\n"}, dump: "runtime: goroutine stack exceeds\n"},
		{name: "prefix mid-line is plain", writes: []string{"x fatal error: y\n"}, forwarded: "x fatal error: y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fw strings.Builder
			f := newStderrFilter(func(s string) { fw.WriteString(s) })
			for _, w := range tt.writes {
				f.Write([]byte(w))
			}
			if tt.release {
				f.releaseHold(f.gen)
			}
			dump, fromTail := f.crash()
			if tt.release || fromTail {
				dump = ""
			}
			if fw.String() != tt.forwarded || dump != tt.dump {
				t.Errorf("forwarded %q, dump %q; want %q, %q", fw.String(), dump, tt.forwarded, tt.dump)
			}
		})
	}
}

func TestHeldDumpIsBounded(t *testing.T) {
	f := newStderrFilter(func(string) {})
	f.Write([]byte("fatal error: x\n"))
	line := []byte(strings.Repeat("g", 1023) + "\n")
	for range 1024 {
		f.Write(line)
	}
	dump, _ := f.crash()
	if len(dump) != holdLimit || !strings.HasPrefix(dump, "fatal error: x\n") {
		t.Errorf("dump: got %d bytes starting %q, want %d starting with the fatal line", len(dump), dump[:20], holdLimit)
	}
}

func TestFatalMessage(t *testing.T) {
	tests := []struct{ dump, want string }{
		{"", ""},
		{"hello\n", ""},
		{"runtime: goroutine stack exceeds 1000000000-byte limit\nruntime: sp=1\nfatal error: stack overflow\n", "fatal error: stack overflow"},
		{"panic: x [recovered]\n\tpanic: y\n", "panic: x [recovered]"},
		{"SIGSEGV: segmentation violation\n", "SIGSEGV: segmentation violation"},
		{"panic: a\nfatal error: b\n", "fatal error: b"},
	}
	for _, tt := range tests {
		if got := fatalMessage(tt.dump); got != tt.want {
			t.Errorf("fatalMessage(%q): got %q, want %q", tt.dump, got, tt.want)
		}
	}
}

// FuzzStderrFilter checks that the filter loses and invents nothing: what is
// forwarded followed by the crash dump is exactly the input (below the hold
// limit), however the input is cut into writes.
func FuzzStderrFilter(f *testing.F) {
	f.Add([]byte("a\nfatal error: x\ny\n"), uint8(3))
	f.Add([]byte("pani"), uint8(1))
	f.Add([]byte("runtime: \xe2\x82"), uint8(2))
	f.Add([]byte("plain\n\n\nSIGSEGV"), uint8(5))
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		if len(in) > holdLimit/2 {
			return
		}
		n := int(step%16) + 1
		var fw strings.Builder
		flt := newStderrFilter(func(s string) { fw.WriteString(s) })
		for chunk := range slices.Chunk(in, n) {
			flt.Write(chunk)
		}
		dump, fromTail := flt.crash()
		if fromTail {
			dump = ""
		}
		if got := fw.String() + dump; got != string(in) {
			t.Fatalf("forwarded %q + dump %q != input %q", fw.String(), dump, in)
		}
	})
}

func TestSplitCrash(t *testing.T) {
	tests := []struct {
		name           string
		tb, said, dump []string
	}{
		{"report and dump", []string{"died", "fresh session", "", "fatal error: x", "goroutine 1"},
			[]string{"died", "fresh session"}, []string{"fatal error: x", "goroutine 1"}},
		{"no dump", []string{"stopped", "fresh session"}, []string{"stopped", "fresh session"}, nil},
		{"empty lines in the dump", []string{"died", "", "a", "", "b"}, []string{"died"}, []string{"a", "", "b"}},
	}
	for _, tt := range tests {
		said, dump := splitCrash(tt.tb)
		if !slices.Equal(said, tt.said) || !slices.Equal(dump, tt.dump) {
			t.Errorf("%s: got %q, %q; want %q, %q", tt.name, said, dump, tt.said, tt.dump)
		}
	}
	// crashReport's own shape splits the same way.
	_, tb := crashReport("fatal error: stack overflow\n\ngoroutine 1 [running]:\n", "exit status 2")
	said, dump := splitCrash(tb)
	if len(said) != 2 || !strings.HasPrefix(said[0], "The Go worker process died") || len(dump) == 0 || dump[0] != "fatal error: stack overflow" {
		t.Errorf("crashReport split: %q / %q", said, dump)
	}
}
