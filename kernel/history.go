package kernel

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/gilgo/gilgo/internal/rawio"
)

// historyFile is the name of the history file in HistoryDir.
const historyFile = "history.jsonl"

// maxHistoryLoad bounds how many earlier entries a query considers.
const maxHistoryLoad = 100000

// maxHistoryInput bounds the input stored per entry: a larger one is
// stored as oversizedInput, a Go comment saying so, under its line
// number (a truncated cell would not be the code that ran, and recalled
// it would not compile). The bound keeps the history's memory and the
// file's lines small whatever a cell's size.
const maxHistoryInput = 1 << 20

// maxHistoryLine bounds a line of the file that is read: a longer one
// (written by a gilgo before maxHistoryInput, or not by gilgo) is skipped
// without being held in memory; its session and line numbers still count,
// and queries show longLineInput in its place.
const maxHistoryLine = 16 << 20

// oversizedInput stands in the history for an input of n bytes over
// maxHistoryInput.
func oversizedInput(n int) string {
	return fmt.Sprintf("// gilgo: this cell's input (%d bytes) is not in the history, which keeps inputs of up to %d bytes", n, maxHistoryInput)
}

// longLineInput stands in a query's answer for an entry whose line is
// over maxHistoryLine.
const longLineInput = "// gilgo: this history entry is longer than the history reads and is not shown"

// histEntry is one stored input, one JSON line of the history file.
type histEntry struct {
	Session int    `json:"session"`
	Line    int    `json:"line"`
	Input   string `json:"input"`
}

// history holds the inputs of this session and appends them to a JSON-lines
// file shared with earlier (and concurrent) sessions. Earlier sessions are
// not kept in memory: opening reads the file from its end back to the last
// session's marker (highestSession), and a query reads the file again (history requests are rare, and
// a long-used file is megabytes). An input over maxHistoryInput is stored
// as a note (oversizedInput); unreadable lines and lines over
// maxHistoryLine are skipped, never ending a read; an unwritable file
// leaves the history in memory only. Safe for concurrent use.
type history struct {
	mu      sync.Mutex
	path    string
	log     *slog.Logger
	current []histEntry // this session's entries
	session int
	file    *os.File // open for appending, nil until the first write
}

// defaultHistoryDir is $XDG_DATA_HOME/gilgo or ~/.local/share/gilgo.
func defaultHistoryDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "gilgo")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".local", "share", "gilgo")
}

// historyDir is dir, or defaultHistoryDir if dir is "".
func historyDir(dir string) string {
	if dir == "" {
		return defaultHistoryDir()
	}
	return dir
}

func openHistory(dir string, log *slog.Logger) *history {
	dir = historyDir(dir)
	h := &history{log: log, session: 1}
	if dir == "" {
		log.Warn("history: no directory, keeping history in memory")
		return h
	}
	h.path = filepath.Join(dir, historyFile)
	highest, bad, err := highestSession(h.path)
	h.session = highest + 1
	if err != nil && !os.IsNotExist(err) {
		log.Warn("history: read", "err", err)
	}
	if bad > 0 {
		log.Warn("history: skipped unreadable lines", "count", bad, "path", h.path)
	}
	h.reserve()
	return h
}

// scanHistory calls f for every entry of the file at path, in file order,
// session markers (line 0) included; input decodes the entry's text on
// demand and fails for a line that is not valid JSON (one cut short by a
// crash). A line over maxHistoryLine is not read whole: its numbers come
// from its start (entryNumbers) and its input is longLineInput; it never
// stops the scan. It returns the number of lines without session and
// line.
func scanHistory(path string, f func(session, line int, input func() (string, bool))) (bad int, err error) {
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 64<<10)
	var buf []byte
	for {
		var long bool
		var rerr error
		buf, long, rerr = readLine(r, buf[:0], maxHistoryLine)
		if rerr != nil && rerr != io.EOF {
			return bad, fmt.Errorf("read %s: %w", path, rerr)
		}
		if len(buf) == 0 && rerr == io.EOF {
			return bad, nil
		}
		b := buf
		if session, line, ok := lineNumbers(b, long); !ok {
			bad++
		} else if long {
			f(session, line, func() (string, bool) { return longLineInput, true })
		} else {
			f(session, line, func() (string, bool) {
				var e histEntry
				if json.Unmarshal(b, &e) != nil {
					return "", false
				}
				return e.Input, true
			})
		}
		if rerr == io.EOF {
			return bad, nil
		}
	}
}

// tailChunk is how much of the history file highestSession reads at a
// time, from the end.
const tailChunk = 64 << 10

// highestSession returns the highest session number in the history file
// at path, reading it from the end, and the number of lines it read that
// have no session and line. Every kernel appends a marker (line 0) when it
// opens the history, numbered after every session in the file then, so
// nothing before the last marker can be higher than it: the read stops
// with the chunk that holds the last marker (the rest of that chunk covers
// kernels that opened at the same moment). Opening a history that years of
// cells made long costs what its last session wrote, not the file's size:
// a 69 MB file took 100 ms to scan from the start. A file without a
// readable marker is read whole, as the forward scan did. Lines over
// maxHistoryLine count by the numbers at their start, never held whole.
func highestSession(path string) (highest, bad int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("stat %s: %w", path, err)
	}
	// carry is the start of the line that continues into the chunk read
	// before (later in the file); carryLong says that line is over
	// maxHistoryLine, and carry then holds only its first bytes so far.
	var carry []byte
	carryLong, marker := false, false
	visit := func(l []byte, long bool) {
		if len(l) == 0 {
			return
		}
		session, line, ok := lineNumbers(l, long)
		if !ok {
			bad++
			return
		}
		highest = max(highest, session)
		if line == 0 {
			marker = true
		}
	}
	buf := make([]byte, tailChunk)
	for pos := fi.Size(); pos > 0 && !marker; {
		n := int(min(int64(tailChunk), pos))
		pos -= int64(n)
		chunk := buf[:n]
		if _, err := f.ReadAt(chunk, pos); err != nil {
			return highest, bad, fmt.Errorf("read %s: %w", path, err)
		}
		// Complete lines of this chunk, last first; the piece before the
		// chunk's first newline starts in an earlier chunk.
		for {
			i := bytes.LastIndexByte(chunk, '\n')
			if i < 0 {
				break
			}
			piece := chunk[i+1:]
			if carryLong || len(piece)+len(carry) > maxHistoryLine {
				visit(append(piece[:len(piece):len(piece)], carry[:min(len(carry), longLinePrefix)]...), true)
			} else {
				visit(append(piece[:len(piece):len(piece)], carry...), false)
			}
			carry, carryLong = carry[:0], false
			chunk = chunk[:i]
		}
		carryLong = carryLong || len(chunk)+len(carry) > maxHistoryLine
		if carryLong {
			carry = append(append([]byte(nil), chunk...), carry[:min(len(carry), longLinePrefix)]...)
		} else {
			carry = append(append([]byte(nil), chunk...), carry...)
		}
	}
	if !marker {
		visit(carry, carryLong) // the file's first line
	}
	return highest, bad, nil
}

// longLinePrefix is how much of a line over the limit readLine keeps:
// enough for entryNumbers.
const longLinePrefix = 64

// readLine reads one line from r into buf (without its newline). A line
// longer than limit is read to its end but not kept: long is true and buf
// holds its first longLinePrefix bytes. err is io.EOF after the last
// line, which may be empty.
func readLine(r *bufio.Reader, buf []byte, limit int) (line []byte, long bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !long {
			if len(buf)+len(chunk) > limit+1 { // +1: the newline
				long = true
				buf = append(buf, chunk[:min(len(chunk), max(0, longLinePrefix-len(buf)))]...)
				buf = buf[:min(len(buf), longLinePrefix)]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSuffix(buf, []byte("\n")), long, err
	}
}

// lineNumbers reads session and line from a line of the file: from its
// start (entryNumbers), else, for a line not over the read's limit
// (long), by decoding it as JSON; ok is false for a line without them.
func lineNumbers(b []byte, long bool) (session, line int, ok bool) {
	if session, line, ok = entryNumbers(b); ok || long {
		return session, line, ok
	}
	var e histEntry
	if json.Unmarshal(b, &e) != nil || e.Session <= 0 || e.Line < 0 {
		return 0, 0, false
	}
	return e.Session, e.Line, true
}

// entryNumbers reads session and line from the start of a line in the form
// appendFile writes ({"session":N,"line":M,...}) without decoding or
// validating the rest; ok is false for anything else, and the caller
// decodes it as JSON.
func entryNumbers(b []byte) (session, line int, ok bool) {
	rest, ok := bytes.CutPrefix(b, []byte(`{"session":`))
	if !ok {
		return 0, 0, false
	}
	session, rest, ok = leadingInt(rest)
	if !ok || session <= 0 {
		return 0, 0, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"line":`)); !ok {
		return 0, 0, false
	}
	line, rest, ok = leadingInt(rest)
	if !ok || len(rest) == 0 || (rest[0] != ',' && rest[0] != '}') {
		return 0, 0, false
	}
	return session, line, true
}

// leadingInt parses the decimal digits at the start of b (at most 9).
func leadingInt(b []byte) (n int, rest []byte, ok bool) {
	i := 0
	for i < len(b) && i < 9 && '0' <= b[i] && b[i] <= '9' {
		n = n*10 + int(b[i]-'0')
		i++
	}
	return n, b[i:], i > 0 && (i == len(b) || b[i] < '0' || b[i] > '9')
}

// reserve writes a marker (line 0) for the new session, so that a kernel
// started later on the same directory numbers its session after ours.
func (h *history) reserve() {
	if h.path == "" {
		return
	}
	if err := h.appendFile(histEntry{Session: h.session}); err != nil {
		h.log.Warn("history: write", "err", err)
	}
}

// add stores input as line of the current session.
func (h *history) add(line int, input string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(input) > maxHistoryInput {
		input = oversizedInput(len(input))
	}
	e := histEntry{Session: h.session, Line: line, Input: input}
	h.current = append(h.current, e)
	if h.path == "" {
		return
	}
	if err := h.appendFile(e); err != nil {
		h.log.Warn("history: write", "err", err)
	}
}

// appendFile writes e as one line; h.mu is held (or h is not shared yet).
// The file stays open for the next entry (one write per cell); after a
// failed write it is reopened next time.
func (h *history) appendFile(e histEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode entry: %w", err)
	}
	if h.file == nil {
		if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
			return err
		}
		f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		h.file = f
	}
	// One write per line keeps concurrent kernels' lines whole.
	if _, err := rawio.WriteFile(h.file, append(data, '\n')); err != nil {
		h.file.Close()
		h.file = nil
		return err
	}
	return nil
}

// close closes the history file; a later add opens it again.
func (h *history) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.file != nil {
		if err := h.file.Close(); err != nil {
			h.log.Warn("history: close", "err", err)
		}
		h.file = nil
	}
}

// historyQuery is the content of a history_request.
type historyQuery struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           *int   `json:"stop"`
	N              *int   `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// query answers q as IPython's history manager does: tail gives the last n
// inputs, range the lines start <= line < stop of one session (0 is the
// current one, negative counts back), search the last n inputs matching a
// glob pattern. Entries are in chronological order.
func (h *history) query(q historyQuery) []histEntry {
	entries := h.load()
	var out []histEntry
	switch q.HistAccessType {
	case "range":
		session := q.Session
		if session <= 0 {
			session += h.session
		}
		for _, e := range entries {
			if e.Session == session && e.Line >= q.Start && (q.Stop == nil || *q.Stop <= 0 || e.Line < *q.Stop) {
				out = append(out, e)
			}
		}
		return out
	case "search":
		pattern := q.Pattern
		if pattern == "" {
			pattern = "*"
		}
		out = lastMatching(entries, func(e histEntry) bool { return globMatch(pattern, e.Input) }, q.N, q.Unique)
	default: // "tail"
		n := 10
		if q.N != nil {
			n = *q.N
		}
		out = lastMatching(entries, func(histEntry) bool { return true }, &n, q.Unique)
	}
	return out
}

// load returns the entries of earlier and concurrent sessions from the
// file (at most maxHistoryLoad, the latest), then this session's.
func (h *history) load() []histEntry {
	h.mu.Lock()
	path, session := h.path, h.session
	current := append([]histEntry(nil), h.current...)
	h.mu.Unlock()
	var entries []histEntry
	if path != "" {
		_, err := scanHistory(path, func(s, line int, input func() (string, bool)) {
			if line == 0 || s == session {
				return
			}
			in, ok := input()
			if !ok {
				return
			}
			entries = append(entries, histEntry{Session: s, Line: line, Input: in})
			if len(entries) > 2*maxHistoryLoad {
				entries = append(entries[:0], entries[len(entries)-maxHistoryLoad:]...)
			}
		})
		if err != nil && !os.IsNotExist(err) {
			h.log.Warn("history: read", "err", err)
		}
		if len(entries) > maxHistoryLoad {
			entries = entries[len(entries)-maxHistoryLoad:]
		}
	}
	return append(entries, current...)
}

// lastMatching returns the last n (all when n is nil or <= 0) entries for
// which ok holds, oldest first; unique keeps only the latest of equal inputs.
func lastMatching(entries []histEntry, ok func(histEntry) bool, n *int, unique bool) []histEntry {
	var rev []histEntry
	seen := map[string]bool{}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if !ok(e) {
			continue
		}
		if unique {
			if seen[e.Input] {
				continue
			}
			seen[e.Input] = true
		}
		rev = append(rev, e)
		if n != nil && *n > 0 && len(rev) == *n {
			break
		}
	}
	out := make([]histEntry, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

// globMatch reports whether s matches the fnmatch-style pattern: * any
// run, ? one character, [abc] [a-z] a class, [!x] or [^x] its complement,
// \ escapes. Unlike path.Match, * crosses '/'.
func globMatch(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	// Iterative matching with backtracking to the last star.
	pi, ti, starP, starT := 0, 0, -1, 0
	for ti < len(t) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				starP, starT = pi, ti
				pi++
				continue
			case '?':
				pi++
				ti++
				continue
			case '[':
				if ok, next, valid := matchClass(p, pi, t[ti]); valid {
					if ok {
						pi = next
						ti++
						continue
					}
				} else if t[ti] == '[' { // an unclosed [ is literal
					pi++
					ti++
					continue
				}
			case '\\':
				if pi+1 < len(p) && p[pi+1] == t[ti] {
					pi += 2
					ti++
					continue
				}
			default:
				if p[pi] == t[ti] {
					pi++
					ti++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starT++
		pi, ti = starP+1, starT
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchClass matches c against the class starting at p[i] == '['. It
// returns whether c is in it, the index after the class, and whether the
// class is closed.
func matchClass(p []rune, i int, c rune) (ok bool, next int, valid bool) {
	j := i + 1
	negate := false
	if j < len(p) && (p[j] == '!' || p[j] == '^') {
		negate = true
		j++
	}
	first := true
	for j < len(p) && (first || p[j] != ']') {
		first = false
		lo := p[j]
		hi := lo
		if j+2 < len(p) && p[j+1] == '-' && p[j+2] != ']' {
			hi = p[j+2]
			j += 2
		}
		if lo <= c && c <= hi {
			ok = true
		}
		j++
	}
	if j >= len(p) {
		return false, 0, false
	}
	return ok != negate, j + 1, true
}
