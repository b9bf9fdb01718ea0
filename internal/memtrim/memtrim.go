//go:build linux

package memtrim

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Text drops this process's page-table entries for the read-only
// mappings of its own executable file that hold no private copy of a page
// (code, read-only data, symbol tables; not the relocated RELRO pages,
// which are private and would revert to the file's contents); see the
// package comment. It returns the bytes of address space it advised.
func Text() (int64, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("find executable: %w", err)
	}
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, fmt.Errorf("read mappings: %w", err)
	}
	var total int64
	for _, m := range trimmable(parseSmaps(data), exe) {
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(m.start), uintptr(m.end-m.start), syscall.MADV_DONTNEED); errno != 0 {
			return total, fmt.Errorf("madvise %x-%x: %w", m.start, m.end, errno)
		}
		total += int64(m.end - m.start)
	}
	return total, nil
}

// trimmable returns the mappings of the file exe that are read-only,
// private and hold no private copy of a page.
func trimmable(ms []mapping, exe string) []mapping {
	var out []mapping
	for _, m := range ms {
		if strings.TrimSuffix(m.path, " (deleted)") != exe || len(m.perms) < 4 || m.perms[1] == 'w' || m.perms[3] != 'p' || m.anonymous != 0 {
			continue
		}
		out = append(out, m)
	}
	return out
}

// mapping is one entry of /proc/PID/smaps.
type mapping struct {
	start, end  uint64
	perms, path string
	anonymous   int64 // KiB of private (copied) pages; -1 if the line is missing
	rss         int64 // KiB resident
}

// parseSmaps reads /proc/PID/smaps: a header line
// "start-end perms offset dev inode [path]" per mapping, then "Key: value"
// lines, of which it keeps Anonymous and Rss.
func parseSmaps(data []byte) []mapping {
	var out []mapping
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			lo, hi, _ := strings.Cut(f[0], "-")
			s, err1 := strconv.ParseUint(lo, 16, 64)
			e, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 != nil || err2 != nil || e <= s {
				continue
			}
			m := mapping{start: s, end: e, perms: f[1], anonymous: -1}
			if len(f) >= 6 {
				m.path = strings.Join(f[5:], " ")
			}
			out = append(out, m)
			continue
		}
		if len(out) == 0 || len(f) < 2 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "Anonymous:":
			out[len(out)-1].anonymous = n
		case "Rss:":
			out[len(out)-1].rss = n
		}
	}
	return out
}
