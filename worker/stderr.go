package worker

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"time"
)

// fatalPrefixes start the lines the Go runtime writes when a process dies:
// fatal errors, unrecovered panics, signals, and the "runtime: ..." lines
// that precede a fatal error (stack overflow, out of memory).
var fatalPrefixes = []string{
	"fatal error: ",
	"panic: ",
	"runtime: ",
	"SIGSEGV",
	"SIGBUS",
	"SIGILL",
	"SIGFPE",
	"SIGABRT",
	"unexpected fault address",
}

const (
	// holdLimit bounds the dump kept from the first fatal-looking line.
	holdLimit = 256 << 10
	// tailLimit bounds the plain stderr tail kept for a crash without a dump.
	tailLimit = 4 << 10
	// holdRelease is how long a fatal-looking line is held back waiting for
	// the child to die before it is forwarded as ordinary output after all.
	holdRelease = 2 * time.Second
	// partialLimit bounds an unterminated line kept back because it might
	// start a fatal dump.
	partialLimit = 4 << 10
)

// stderrFilter forwards a child's raw stderr as output, except the runtime's
// fatal dump: from a line that looks like the start of one, bytes are held
// back. If the child dies, the held bytes describe the crash (see crash);
// if it lives on for holdRelease, they were ordinary output and are
// forwarded late. Safe for concurrent use.
type stderrFilter struct {
	forward func(text string)

	mu      sync.Mutex
	partial []byte // an unterminated line not yet forwarded
	held    []byte // nil unless holding
	heldAt  uint64 // generation of the current hold
	gen     uint64
	tail    []byte
	dead    bool
	release *time.Timer
}

func newStderrFilter(forward func(string)) *stderrFilter {
	return &stderrFilter{forward: forward}
}

// Write takes bytes read from the child's stderr. It never fails.
func (f *stderrFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	var out strings.Builder
	f.tail = appendTail(f.tail, p, tailLimit)
	data := append(f.partial, p...)
	f.partial = nil
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		line := data[:i+1]
		data = data[i+1:]
		f.line(line, &out)
	}
	if len(data) > 0 {
		switch {
		case f.held != nil:
			f.held = appendHeld(f.held, data)
		case mayStartFatal(data) && len(data) < partialLimit:
			f.partial = append([]byte(nil), data...)
		default:
			out.Write(data)
		}
	}
	f.mu.Unlock()
	if out.Len() > 0 {
		f.forward(out.String())
	}
	return len(p), nil
}

// line handles one complete line with f.mu held.
func (f *stderrFilter) line(line []byte, out *strings.Builder) {
	if f.held != nil {
		f.held = appendHeld(f.held, line)
		return
	}
	if !startsFatal(line) {
		out.Write(line)
		return
	}
	f.held = append(make([]byte, 0, len(line)), line...)
	f.gen++
	gen := f.gen
	if f.dead {
		return
	}
	f.release = time.AfterFunc(holdRelease, func() { f.releaseHold(gen) })
}

// releaseHold forwards held bytes if the child is still alive: they were not
// a fatal dump after all.
func (f *stderrFilter) releaseHold(gen uint64) {
	f.mu.Lock()
	if f.dead || f.gen != gen || f.held == nil {
		f.mu.Unlock()
		return
	}
	text := string(f.held)
	f.held = nil
	f.mu.Unlock()
	f.forward(text)
}

// crash marks the child dead and returns the held dump (or, if nothing was
// held, the stderr tail) for crash reporting.
func (f *stderrFilter) crash() (dump string, fromTail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dead = true
	if f.release != nil {
		f.release.Stop()
	}
	if f.held != nil {
		d := string(f.held) + string(f.partial)
		f.held, f.partial = nil, nil
		return d, false
	}
	d := string(f.partial)
	f.partial = nil
	if d != "" {
		return d, false
	}
	return string(f.tail), true
}

func startsFatal(line []byte) bool {
	for _, p := range fatalPrefixes {
		if bytes.HasPrefix(line, []byte(p)) {
			return true
		}
	}
	return false
}

// mayStartFatal tells whether an unterminated line could still become (or
// already is) the start of a fatal dump.
func mayStartFatal(b []byte) bool {
	for _, p := range fatalPrefixes {
		if bytes.HasPrefix(b, []byte(p)) || strings.HasPrefix(p, string(b)) {
			return true
		}
	}
	return false
}

func appendHeld(held, p []byte) []byte {
	if room := holdLimit - len(held); room < len(p) {
		if room <= 0 {
			return held
		}
		p = p[:room]
	}
	return append(held, p...)
}

func appendTail(tail, p []byte, limit int) []byte {
	tail = append(tail, p...)
	if len(tail) > limit {
		tail = append(tail[:0:0], tail[len(tail)-limit:]...)
	}
	return tail
}

// fatalMessage picks the line that names a crash from a dump: the first
// "fatal error: " line, else the first "panic: " line, else the first line
// of another fatal kind, else "" (the caller falls back to the exit status).
// "runtime: out of memory" dumps are named by their "fatal error: out of
// memory" line.
func fatalMessage(dump string) string {
	lines := strings.Split(dump, "\n")
	for _, want := range []string{"fatal error: ", "panic: "} {
		for _, l := range lines {
			if strings.HasPrefix(l, want) {
				return strings.TrimSpace(l)
			}
		}
	}
	for _, l := range lines {
		if startsFatal([]byte(l)) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// crashReport builds the InterpreterCrashed error value and traceback from a
// child's stderr dump and its exit status.
func crashReport(dump, exit string) (value string, traceback []string) {
	value = fatalMessage(dump)
	first := "The Go worker process died: " + value
	if value == "" {
		value = "worker process exited: " + exit
		first = "The Go worker process exited unexpectedly (" + exit + ")."
	}
	traceback = []string{
		first,
		"A fresh session was started: variables, imports, functions and goroutines from earlier cells are gone; re-run the cells you need.",
	}
	const maxLines = 12
	var shown []string
	for _, l := range strings.Split(strings.TrimRight(dump, "\n"), "\n") {
		if len(shown) == maxLines {
			shown = append(shown, "...")
			break
		}
		if l == "" && len(shown) == 0 {
			continue
		}
		shown = append(shown, l)
	}
	if len(shown) > 0 && !(len(shown) == 1 && shown[0] == "") {
		traceback = append(traceback, "")
		traceback = append(traceback, shown...)
	}
	return value, traceback
}

// splitCrash splits a crash's traceback (crashReport's, or the desync
// report's) into gilgo's explanation and the runtime's dump, which follows
// the first empty line.
func splitCrash(traceback []string) (said, dump []string) {
	i := slices.Index(traceback, "")
	if i < 0 {
		return traceback, nil
	}
	return traceback[:i], traceback[i+1:]
}
