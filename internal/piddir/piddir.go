package piddir

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Name returns a new path in os.TempDir() for a directory of this
// process, prefix + pid + "-" + random, without making it.
func Name(prefix string) string {
	return filepath.Join(os.TempDir(), prefix+strconv.Itoa(os.Getpid())+"-"+strings.ToLower(rand.Text()))
}

// Make makes a new directory of this process in os.TempDir() (mode 0700,
// as os.MkdirTemp makes them) and returns its path.
func Make(prefix string) (string, error) {
	dir := Name(prefix)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", fmt.Errorf("piddir: %w", err)
	}
	return dir, nil
}

// Sweep removes the directories in os.TempDir() named by Name with one of
// prefixes whose process has ended. Directories it cannot remove are in
// its error; it removes the others all the same.
func Sweep(prefixes ...string) error {
	tmp := os.TempDir()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("piddir: sweep: %w", err)
	}
	uid := os.Getuid()
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		pid, ok := owner(e.Name(), prefixes)
		if !ok || !ended(pid) || !ownedBy(e, uid) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(tmp, e.Name())); err != nil {
			errs = append(errs, fmt.Errorf("piddir: remove a stale directory: %w", err))
		}
	}
	return errors.Join(errs...)
}

// owner returns the pid in name, a directory name of one of prefixes.
func owner(name string, prefixes []string) (int, bool) {
	for _, p := range prefixes {
		rest, ok := strings.CutPrefix(name, p)
		if !ok {
			continue
		}
		digits, _, ok := strings.Cut(rest, "-")
		if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
			continue
		}
		pid, err := strconv.Atoi(digits)
		if err != nil || pid <= 0 {
			continue
		}
		return pid, true
	}
	return 0, false
}

// ended reports whether process pid has ended. A process of another user
// (EPERM) is alive.
func ended(pid int) bool {
	return syscall.Kill(pid, 0) == syscall.ESRCH
}

// ownedBy reports whether directory entry e belongs to user uid (a
// directory whose owner cannot be read is taken as not).
func ownedBy(e os.DirEntry, uid int) bool {
	fi, err := e.Info()
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == uid
}
