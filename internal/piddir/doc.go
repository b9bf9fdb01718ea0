// Package piddir makes temporary directories named after the process that
// owns them, prefix + pid + "-" + random (gilgo-compiled-pid1234-…), and
// removes those of processes that have ended: a worker that is killed
// never runs its Close, and its directories would stay in os.TempDir()
// for good.
//
// Make makes such a directory; Name only names one, for an owner that
// must hand out a stable path before it needs the directory (it makes it
// later with os.Mkdir, which fails if the name is taken; the random part
// is long enough that another process cannot guess it). Sweep removes the
// directories of the given prefixes whose process has ended: kill(pid, 0)
// fails with ESRCH. It leaves alone a directory of a live process (a pid
// reused by another process keeps its dead owner's directory until that
// process ends too), one of another user, and every name that is not a
// prefix followed by a pid and "-".
//
// Every function is safe for concurrent use; the package has no state.
package piddir
