//go:build linux

package memtrim

import (
	"os"
	"reflect"
	"testing"
)

const sampleSmaps = `00400000-00847000 r--p 00000000 fe:00 10069985                           /opt/gilgo/bin/gilgo
Size:               4380 kB
Rss:                1884 kB
Anonymous:             0 kB
00847000-013ac000 r-xp 00447000 fe:00 10069985                           /opt/gilgo/bin/gilgo
Size:              11668 kB
Anonymous:             0 kB
01f67000-01f68000 r--p 01b66000 fe:00 10069985                           /opt/gilgo/bin/gilgo
Size:                  4 kB
Anonymous:             4 kB
01f68000-02002000 rw-p 01b67000 fe:00 10069985                           /opt/gilgo/bin/gilgo
Anonymous:           120 kB
02002000-02100000 rw-p 00000000 00:00 0
Anonymous:           900 kB
7f00000000-7f00100000 r-xp 00000000 fe:00 42                             /usr/lib/x86_64-linux-gnu/libc.so.6
Anonymous:             0 kB
7f10000000-7f10001000 r--s 00000000 fe:00 10069985                       /opt/gilgo/bin/gilgo
Anonymous:             0 kB
7f20000000-7f20200000 r-xp 00000000 fe:00 10069985                       /opt/gilgo/bin/gilgo (deleted)
Anonymous:             0 kB
7f30000000-7f30001000 r--p 00000000 fe:00 10069985                       /opt/gilgo/bin/gilgo
7ffd000000-7ffd001000 r-xp 00000000 00:00 0                              [vdso]
Anonymous:             0 kB
`

// TestTrimmable: only the executable's read-only private mappings without
// private copies are advised; RELRO (read-only with a copied page), the
// data segment, shared mappings, other files, and a mapping whose
// Anonymous line is missing are left alone.
func TestTrimmable(t *testing.T) {
	got := trimmable(parseSmaps([]byte(sampleSmaps)), "/opt/gilgo/bin/gilgo")
	want := []mapping{
		{start: 0x400000, end: 0x847000, perms: "r--p", path: "/opt/gilgo/bin/gilgo", rss: 1884},
		{start: 0x847000, end: 0x13ac000, perms: "r-xp", path: "/opt/gilgo/bin/gilgo"},
		{start: 0x7f20000000, end: 0x7f20200000, perms: "r-xp", path: "/opt/gilgo/bin/gilgo (deleted)"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trimmable:\n got %+v\nwant %+v", got, want)
	}
}

// TestTextLowersRSS: after Text, this test binary maps fewer pages of its
// executable than before, and it still runs (the code it calls next
// faults back in).
func TestTextLowersRSS(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rss := func() int64 {
		data, err := os.ReadFile("/proc/self/smaps")
		if err != nil {
			t.Fatal(err)
		}
		var kib int64
		for _, m := range trimmable(parseSmaps(data), exe) {
			kib += m.rss
		}
		return kib
	}
	before := rss()
	n, err := Text()
	if err != nil {
		t.Fatal(err)
	}
	after := rss()
	if n == 0 || after >= before {
		t.Errorf("Text advised %d bytes; the executable's resident read-only mappings went from %d KiB to %d KiB, want fewer", n, before, after)
	}
	t.Logf("advised %d KiB; resident %d -> %d KiB", n>>10, before, after)
}
