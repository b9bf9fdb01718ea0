// Package cpython runs the CPython yardsticks that gilgo's benchmarks put
// their figures beside. It imports nothing of the module. It is for tests
// and benchmarks only; its functions are safe for concurrent use.
package cpython

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Path is Debian's CPython, the one the project's Python tools run on
// (another python3 may come first on PATH).
const Path = "/usr/bin/python3"

// Fib27 returns CPython's median of 5 runs of the naive recursive
// fib(27), or an error when Path is missing or the script fails.
func Fib27() (time.Duration, error) {
	if _, err := os.Stat(Path); err != nil {
		return 0, err
	}
	script := `import time, statistics
def fib(n):
    return n if n < 2 else fib(n-1) + fib(n-2)
ts = []
for _ in range(5):
    t = time.perf_counter(); fib(27); ts.append(time.perf_counter() - t)
print(statistics.median(ts))`
	out, err := exec.Command(Path, "-c", script).Output()
	if err != nil {
		return 0, fmt.Errorf("run %s: %w", Path, err)
	}
	s, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		return 0, fmt.Errorf("parse %q: %w", out, err)
	}
	return time.Duration(s * float64(time.Second)), nil
}
