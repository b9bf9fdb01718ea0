package kernel

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything/with/slashes", true},
		{"fmt*", "fmt.Println(x)", true},
		{"*Println*", "fmt.Println(x)", true},
		{"*println*", "fmt.Println(x)", false}, // case sensitive, like IPython
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "aéc", true},
		{"[ab]x", "bx", true},
		{"[a-c]x", "dx", false},
		{"[!a-c]x", "dx", true},
		{"[^a-c]x", "ax", false},
		{"[]]x", "]x", true},
		{"[x", "[x", true}, // unclosed class is literal
		{`\*x`, "*x", true},
		{`\*x`, "ax", false},
		{"*a*b*c*", "xxaxxbxxcxx", true},
		{"*a*b*c*", "xxaxxcxxbxx", false},
		{"import \"net/http\"", "import \"net/http\"", true},
		{"", "", true},
		{"", "a", false},
	}
	for _, tc := range tests {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q): got %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func intp(n int) *int { return &n }

func TestHistoryQueries(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	h1 := openHistory(dir, log)
	for i, in := range []string{"a := 1", "fmt.Println(a)", "a := 1"} {
		h1.add(i+1, in)
	}
	// A corrupt line, as left by a crash mid-write, is skipped.
	f, err := os.OpenFile(filepath.Join(dir, historyFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "{\"session\": 1, \"line\": 9, \"inp\nnot json\n")
	f.Close()
	h2 := openHistory(dir, log)
	if h2.session != 2 {
		t.Fatalf("second session: got %d, want 2", h2.session)
	}
	// A kernel started while h2 runs gets the next session.
	if h3 := openHistory(dir, log); h3.session != 3 {
		t.Errorf("third session: got %d, want 3", h3.session)
	}
	h2.add(1, "b := 2")
	h2.add(2, "fmt.Println(b)")
	e := func(s, l int, in string) histEntry { return histEntry{s, l, in} }
	tests := []struct {
		name string
		q    historyQuery
		want []histEntry
	}{
		{"tail 2", historyQuery{HistAccessType: "tail", N: intp(2)}, []histEntry{e(2, 1, "b := 2"), e(2, 2, "fmt.Println(b)")}},
		{"tail across sessions", historyQuery{HistAccessType: "tail", N: intp(3)}, []histEntry{e(1, 3, "a := 1"), e(2, 1, "b := 2"), e(2, 2, "fmt.Println(b)")}},
		{"tail unique", historyQuery{HistAccessType: "tail", N: intp(10), Unique: true}, []histEntry{e(1, 2, "fmt.Println(a)"), e(1, 3, "a := 1"), e(2, 1, "b := 2"), e(2, 2, "fmt.Println(b)")}},
		{"range current", historyQuery{HistAccessType: "range", Session: 0, Start: 2}, []histEntry{e(2, 2, "fmt.Println(b)")}},
		{"range previous", historyQuery{HistAccessType: "range", Session: -1, Start: 1, Stop: intp(3)}, []histEntry{e(1, 1, "a := 1"), e(1, 2, "fmt.Println(a)")}},
		{"range absolute", historyQuery{HistAccessType: "range", Session: 1, Start: 3}, []histEntry{e(1, 3, "a := 1")}},
		{"search", historyQuery{HistAccessType: "search", Pattern: "fmt*"}, []histEntry{e(1, 2, "fmt.Println(a)"), e(2, 2, "fmt.Println(b)")}},
		{"search n", historyQuery{HistAccessType: "search", Pattern: "*:=*", N: intp(2)}, []histEntry{e(1, 3, "a := 1"), e(2, 1, "b := 2")}},
		{"search unique", historyQuery{HistAccessType: "search", Pattern: "a*", Unique: true}, []histEntry{e(1, 3, "a := 1")}},
		{"search none", historyQuery{HistAccessType: "search", Pattern: "zzz"}, []histEntry{}},
	}
	for _, tc := range tests {
		if got := h2.query(tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestHistoryUnwritableDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := openHistory(filepath.Join(dir, "sub"), slog.New(slog.DiscardHandler))
	h.add(1, "x")
	if got := h.query(historyQuery{HistAccessType: "tail", N: intp(1)}); len(got) != 1 || got[0].Input != "x" {
		t.Errorf("in-memory history: got %v", got)
	}
}

func TestHistoryRequestAcrossKernels(t *testing.T) {
	dir := t.TempDir()
	c1 := startKernel(t, newFake(), Options{HistoryDir: dir})
	c1.execute(map[string]any{"code": "x := 1"})
	c1.execute(map[string]any{"code": "silent", "silent": true})
	c1.execute(map[string]any{"code": "nostore", "store_history": false})
	c1.stop()
	c2 := startKernel(t, newFake(), Options{HistoryDir: dir})
	c2.execute(map[string]any{"code": "y := 2"})
	c2.send(c2.shell, "history_request", map[string]any{"hist_access_type": "tail", "n": 5, "output": false, "raw": true})
	got := fmt.Sprint(c2.content(c2.recv(c2.shell))["history"])
	if want := "[[1 1 x := 1] [2 1 y := 2]]"; got != want {
		t.Errorf("history: got %s, want %s", got, want)
	}
	c2.send(c2.shell, "history_request", map[string]any{"hist_access_type": "range", "session": -1, "start": 1, "output": true})
	got = fmt.Sprint(c2.content(c2.recv(c2.shell))["history"])
	if want := "[[1 1 [x := 1 <nil>]]]"; got != want {
		t.Errorf("history with output: got %s, want %s", got, want)
	}
}

func TestEntryNumbers(t *testing.T) {
	tests := []struct {
		line          string
		session, want int
		ok            bool
	}{
		{`{"session":12,"line":3,"input":"x := 1"}`, 12, 3, true},
		{`{"session":4,"line":0}`, 4, 0, true},
		{`{"session":12,"line":3,"inp`, 12, 3, true},             // cut short by a crash: queries skip it
		{`{"session": 1, "line": 2, "input": "x"}`, 0, 0, false}, // other spelling: JSON decides
		{`{"session":0,"line":1,"input":"x"}`, 0, 0, false},
		{`{"session":01,"line":1,"input":"x"}`, 1, 1, true}, // not JSON: queries skip it
		{`{"session":1234567890,"line":1,"input":"x"}`, 0, 0, false},
		{`{"session":-1,"line":1,"input":"x"}`, 0, 0, false},
		{`not json`, 0, 0, false},
	}
	for _, tc := range tests {
		s, l, ok := entryNumbers([]byte(tc.line))
		if s != tc.session || l != tc.want || ok != tc.ok {
			t.Errorf("entryNumbers(%s): got %d, %d, %v, want %d, %d, %v", tc.line, s, l, ok, tc.session, tc.want, tc.ok)
		}
	}
}

// FuzzEntryNumbers checks the fast path against encoding/json: whatever it
// accepts must decode to the same numbers.
func FuzzEntryNumbers(f *testing.F) {
	for _, s := range []string{`{"session":12,"line":3,"input":"x := 1"}`, `{"session":4,"line":0}`, `{"session":1,"line":2,"input":"a\"b"}`, `{"session":1,"line":2,"x":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		s, l, ok := entryNumbers([]byte(line))
		var e histEntry
		if !ok || json.Unmarshal([]byte(line), &e) != nil {
			return
		}
		if e.Session != s || e.Line != l {
			t.Fatalf("%q: fast path %d/%d, json %d/%d", line, s, l, e.Session, e.Line)
		}
	})
}

func TestHistoryCutLineSkipped(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	h1 := openHistory(dir, log)
	h1.add(1, "a := 1")
	f, err := os.OpenFile(filepath.Join(dir, historyFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, `{"session":1,"line":2,"inp`+"\n")
	f.Close()
	h2 := openHistory(dir, log)
	if h2.session != 2 {
		t.Errorf("session after a cut line: got %d, want 2", h2.session)
	}
	got := h2.query(historyQuery{HistAccessType: "tail", N: intp(10)})
	if want := []histEntry{{1, 1, "a := 1"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("tail: got %v, want %v", got, want)
	}
}

// BenchmarkOpenHistory opens a history of 20,000 cells (a few weeks of
// use). The baseline, measured in the same run, decodes every line with
// encoding/json as the kernel used to: ratio = open / decode-all.
func BenchmarkOpenHistory(b *testing.B) {
	dir := b.TempDir()
	var sb strings.Builder
	for i := range 20000 {
		data, _ := json.Marshal(histEntry{Session: 1 + i/100, Line: i%100 + 1, Input: fmt.Sprintf("for i := 0; i < %d; i++ {\n\tfmt.Println(i)\n}", i)})
		sb.Write(data)
		sb.WriteByte('\n')
	}
	path := filepath.Join(dir, historyFile)
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	base := time.Now()
	const baseN = 5
	for range baseN {
		var all []histEntry
		for _, l := range strings.Split(strings.TrimSpace(sb.String()), "\n") {
			var e histEntry
			if err := json.Unmarshal([]byte(l), &e); err == nil {
				all = append(all, e)
			}
		}
		if len(all) != 20000 {
			b.Fatal(len(all))
		}
	}
	baseNs := float64(time.Since(base).Nanoseconds()) / baseN
	b.ResetTimer()
	for b.Loop() {
		// Truncate the markers each open appends, keeping the file fixed.
		if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
			b.Fatal(err)
		}
		openHistory(dir, log)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseNs, "ratio")
}

// TestHistoryLongLines: lines over maxHistoryLine (written before inputs
// were capped) neither stop the reading nor hide the sessions after them:
// a later kernel numbers its session after every session in the file,
// and queries see every entry, a long one as longLineInput.
func TestHistoryLongLines(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", maxHistoryLine+1)
	lines := []string{
		`{"session":1,"line":0}`,
		`{"session":1,"line":1,"input":"a"}`,
		`{"session":1,"line":2,"input":"` + long + `"}`,
		`{"session":2,"line":0}`,
		`{"session":2,"line":1,"input":"b"}`,
		long, // no numbers: skipped
		`{"session":2,"line":2,"input":"c"}`,
	}
	if err := os.WriteFile(filepath.Join(dir, historyFile), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := openHistory(dir, slog.New(slog.DiscardHandler))
	if h.session != 3 {
		t.Errorf("session after long lines: got %d, want 3", h.session)
	}
	h.add(1, "d")
	e := func(s, l int, in string) histEntry { return histEntry{s, l, in} }
	tests := []struct {
		name string
		q    historyQuery
		want []histEntry
	}{
		{"tail", historyQuery{HistAccessType: "tail", N: intp(10)}, []histEntry{e(1, 1, "a"), e(1, 2, longLineInput), e(2, 1, "b"), e(2, 2, "c"), e(3, 1, "d")}},
		{"range after the long lines", historyQuery{HistAccessType: "range", Session: 2, Start: 1}, []histEntry{e(2, 1, "b"), e(2, 2, "c")}},
		{"search", historyQuery{HistAccessType: "search", Pattern: "c"}, []histEntry{e(2, 2, "c")}},
	}
	for _, tc := range tests {
		if got := h.query(tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, shortEntries(got), tc.want)
		}
	}
}

// TestHistoryCapsInput: an input over maxHistoryInput is stored as a
// comment saying so, under its line number, in memory and in the file.
func TestHistoryCapsInput(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"at the limit", strings.Repeat("a", maxHistoryInput), strings.Repeat("a", maxHistoryInput)},
		{"over the limit", strings.Repeat("b", maxHistoryInput+1), oversizedInput(maxHistoryInput + 1)},
		{"20 MiB", strings.Repeat("<", 20<<20), oversizedInput(20 << 20)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			log := slog.New(slog.DiscardHandler)
			h1 := openHistory(dir, log)
			h1.add(1, tc.input)
			h1.add(2, "after")
			h1.close()
			want := []histEntry{{1, 1, tc.want}, {1, 2, "after"}}
			if got := h1.query(historyQuery{HistAccessType: "range", Session: 0, Start: 1}); !reflect.DeepEqual(got, want) {
				t.Errorf("this session: got %v", shortEntries(got))
			}
			h2 := openHistory(dir, log)
			if got := h2.query(historyQuery{HistAccessType: "range", Session: 1, Start: 1}); !reflect.DeepEqual(got, want) {
				t.Errorf("read back: got %v", shortEntries(got))
			}
			fi, err := os.Stat(filepath.Join(dir, historyFile))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() > 6*maxHistoryInput+1024 {
				t.Errorf("file: %d bytes", fi.Size())
			}
		})
	}
}

// shortEntries cuts long inputs for error messages.
func shortEntries(es []histEntry) []histEntry {
	out := make([]histEntry, len(es))
	for i, e := range es {
		if len(e.Input) > 100 {
			e.Input = fmt.Sprintf("%s... (%d bytes)", e.Input[:100], len(e.Input))
		}
		out[i] = e
	}
	return out
}

func TestReadLine(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
		long  []bool
	}{
		{"short lines", "ab\ncd\n", 10, []string{"ab", "cd", ""}, []bool{false, false, false}},
		{"no final newline", "ab\ncd", 10, []string{"ab", "cd"}, []bool{false, false}},
		{"at the limit", "abcd\nx\n", 4, []string{"abcd", "x", ""}, []bool{false, false, false}},
		{"over the limit", "abcde\nx\n", 4, []string{"abcde", "x", ""}, []bool{true, false, false}},
		{"long prefix kept", strings.Repeat("y", 200) + "\nz", 100, []string{strings.Repeat("y", longLinePrefix), "z"}, []bool{true, false}},
	}
	for _, tc := range tests {
		r := bufio.NewReaderSize(strings.NewReader(tc.in), 16)
		var got []string
		var long []bool
		for {
			line, l, err := readLine(r, nil, tc.limit)
			got, long = append(got, string(line)), append(long, l)
			if err != nil {
				break
			}
		}
		if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(long, tc.long) {
			t.Errorf("%s: got %q %v, want %q %v", tc.name, got, long, tc.want, tc.long)
		}
	}
}

// TestHighestSession compares the read from the end with a scan of the
// whole file (scanHistory) on files whose markers come in order, as
// kernels write them, with lines crossing the read's chunks, long lines,
// lines without numbers and no final newline.
func TestHighestSession(t *testing.T) {
	entry := func(s, l int, in string) string {
		data, _ := json.Marshal(histEntry{Session: s, Line: l, Input: in})
		return string(data)
	}
	many := func(s, n, size int) []string {
		out := []string{entry(s, 0, "")}
		for i := range n {
			out = append(out, entry(s, i+1, strings.Repeat("y", size)))
		}
		return out
	}
	long := strings.Repeat("x", maxHistoryLine+1)
	tests := []struct {
		name  string
		lines []string
		tail  string // appended after the joined lines (no final newline by default)
	}{
		{"empty", nil, ""},
		{"one marker", []string{entry(1, 0, "")}, "\n"},
		{"sessions", append(many(1, 3, 10), many(2, 3, 10)...), "\n"},
		{"no final newline", append(many(1, 3, 10), many(4, 2, 10)...), ""},
		{"last session crosses chunks", append(many(2, 5, 10), many(3, 40, tailChunk/7)...), "\n"},
		{"lines exactly at chunk size", append(many(5, 1, 10), many(6, 8, tailChunk-30)...), "\n"},
		{"long line in the last session", append(many(1, 1, 10), entry(2, 0, ""), `{"session":2,"line":1,"input":"`+long+`"}`, entry(2, 2, "z")), "\n"},
		{"long line without numbers", append(many(1, 1, 10), entry(7, 0, ""), long, "not json", entry(7, 1, "a")), "\n"},
		{"concurrent session after the marker", append(many(3, 2, 10), entry(4, 0, ""), entry(3, 3, "late"), entry(4, 1, "b")), "\n"},
		{"no markers", []string{entry(3, 1, "a"), entry(9, 2, "b"), `{"line":3,"session":5,"input":"reordered"}`, entry(2, 1, "c")}, "\n"},
		{"reordered line across chunks", []string{entry(1, 1, "a"), `{"line":1,"session":9,"input":"` + strings.Repeat("y", tailChunk*3/2) + `"}`, entry(2, 1, "c")}, "\n"},
		{"first line long, no markers", []string{`{"session":8,"line":1,"input":"` + long + `"}`, entry(2, 1, "c")}, "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), historyFile)
			if err := os.WriteFile(path, []byte(strings.Join(tc.lines, "\n")+tc.tail), 0o600); err != nil {
				t.Fatal(err)
			}
			want := 0
			if _, err := scanHistory(path, func(s, _ int, _ func() (string, bool)) { want = max(want, s) }); err != nil {
				t.Fatal(err)
			}
			got, _, err := highestSession(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("highest session: got %d, want %d (the whole file's)", got, want)
			}
		})
	}
}

// TestHighestSessionStopsAtTheLastMarker: what lies before the chunk of
// the last marker is not read, however long the file.
func TestHighestSessionStopsAtTheLastMarker(t *testing.T) {
	var sb strings.Builder
	for range 4 * tailChunk / 10 {
		sb.WriteString("garbage!!\n") // unreadable lines, counted when read
	}
	for i := range 3 * tailChunk / 40 {
		data, _ := json.Marshal(histEntry{Session: 1 + i/100, Line: i % 100, Input: "x"})
		sb.Write(data)
		sb.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), historyFile)
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	got, bad, err := highestSession(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + (3*tailChunk/40-1)/100; got != want || bad != 0 {
		t.Errorf("got session %d with %d unreadable lines, want %d and 0 (the garbage lies before the last marker's chunk)", got, bad, want)
	}
	if _, bad, _ := highestSession(path + ".missing"); bad != 0 {
		t.Errorf("missing file: %d unreadable lines", bad)
	}
}
