package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

var dateRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)

func TestKernelInfoOnShellAndControl(t *testing.T) {
	c := startKernel(t, newFake(), Options{Banner: "hi", ImplementationVersion: "0.1", LanguageVersion: "go1.26"})
	for _, tc := range []struct {
		name string
		sock Socket
	}{{"shell", c.shell}, {"control", c.control}} {
		t.Run(tc.name, func(t *testing.T) {
			h := c.send(tc.sock, "kernel_info_request", nil)
			r := c.recv(tc.sock) // the reply comes back on the same socket
			if r.Header.MsgType != "kernel_info_reply" {
				t.Fatalf("reply type: got %s", r.Header.MsgType)
			}
			if r.Header.Username != "kernel" || r.Header.Version != "5.3" || r.Header.Session != c.k.Session() || !dateRE.MatchString(r.Header.Date) || r.Header.MsgID == "" {
				t.Errorf("reply header: got %+v", r.Header)
			}
			var parent msgHeader
			if err := json.Unmarshal(r.ParentHeader, &parent); err != nil || parent != h {
				t.Errorf("parent header: got %+v, want %+v", parent, h)
			}
			if string(r.Identities[0]) != "client-1" {
				t.Errorf("identities: got %q", r.Identities)
			}
			ct := c.content(r)
			li := ct["language_info"].(map[string]any)
			if ct["implementation"] != "gilgo" || ct["protocol_version"] != "5.3" || ct["banner"] != "hi" ||
				li["name"] != "go" || li["mimetype"] != "text/x-go" || li["file_extension"] != ".go" ||
				li["pygments_lexer"] != "go" || li["codemirror_mode"] != "go" || li["version"] != "go1.26" {
				t.Errorf("content: got %v", ct)
			}
			if got, want := c.kinds(c.untilIdle(h.MsgID)), []string{"status:busy", "status:idle"}; !reflect.DeepEqual(got, want) {
				t.Errorf("iopub: got %v, want %v", got, want)
			}
		})
	}
}

func TestExecute(t *testing.T) {
	fi := newFake()
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		switch req.Code {
		case "print":
			out.Stream("stdout", "a\n")
			out.Stream("stdout", "b\n")
			out.Result(engine.MIMEBundle{"text/plain": "2"}, nil)
		case "fail":
			out.Stream("stderr", "oops\n")
			return engine.ExecuteResult{Error: &engine.Error{Name: "runtime.Error", Value: "index out of range", Traceback: []string{"cell[1]:2:5"}}}
		case "display":
			out.Display(engine.MIMEBundle{"text/plain": "d"}, nil, "id1", false)
			out.Display(engine.MIMEBundle{"text/plain": "e"}, nil, "id1", true)
			out.ClearOutput(true)
		case "exprs":
			return engine.ExecuteResult{UserExpressions: map[string]any{"x": map[string]any{"status": "ok"}}}
		}
		return engine.ExecuteResult{}
	}
	tests := []struct {
		name      string
		content   map[string]any
		status    string
		count     float64
		iopub     []string
		wantInput bool
	}{
		{"ok", map[string]any{"code": "print"}, "ok", 1,
			[]string{"status:busy", "execute_input", "stream:stdout", "execute_result", "status:idle"}, true},
		{"silent", map[string]any{"code": "print", "silent": true}, "ok", 1,
			[]string{"status:busy", "status:idle"}, false},
		{"no store", map[string]any{"code": "print", "store_history": false}, "ok", 1,
			[]string{"status:busy", "execute_input", "stream:stdout", "execute_result", "status:idle"}, true},
		{"error", map[string]any{"code": "fail"}, "error", 2,
			[]string{"status:busy", "execute_input", "stream:stderr", "error", "status:idle"}, true},
		{"display", map[string]any{"code": "display"}, "ok", 3,
			[]string{"status:busy", "execute_input", "display_data", "update_display_data", "clear_output", "status:idle"}, true},
		{"silent error", map[string]any{"code": "fail", "silent": true}, "error", 3,
			[]string{"status:busy", "status:idle"}, false},
		{"user expressions", map[string]any{"code": "exprs", "user_expressions": map[string]string{"x": "1"}}, "ok", 4,
			[]string{"status:busy", "execute_input", "status:idle"}, true},
		{"empty", map[string]any{"code": " \n"}, "ok", 4,
			[]string{"status:busy", "execute_input", "status:idle"}, true},
	}
	c := startKernel(t, fi, Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, io := c.execute(tc.content)
			ct := c.content(r)
			if r.Header.MsgType != "execute_reply" || ct["status"] != tc.status || ct["execution_count"] != tc.count {
				t.Errorf("reply: got %s %v, want status %s count %v", r.Header.MsgType, ct, tc.status, tc.count)
			}
			if _, ok := ct["user_expressions"].(map[string]any); !ok {
				t.Errorf("reply user_expressions: got %v", ct["user_expressions"])
			}
			if _, ok := ct["payload"].([]any); !ok {
				t.Errorf("reply payload: got %v", ct["payload"])
			}
			if got := c.kinds(io); !reflect.DeepEqual(got, tc.iopub) {
				t.Errorf("iopub: got %v, want %v", got, tc.iopub)
			}
			for _, m := range io {
				mc := c.content(m)
				switch m.Header.MsgType {
				case "execute_input":
					if mc["execution_count"] != tc.count || mc["code"] != tc.content["code"] {
						t.Errorf("execute_input: got %v", mc)
					}
				case "execute_result":
					if mc["execution_count"] != tc.count {
						t.Errorf("execute_result count: got %v, want %v", mc["execution_count"], tc.count)
					}
				case "stream":
					if tc.status == "ok" && mc["text"] != "a\nb\n" {
						t.Errorf("stream text: got %q", mc["text"])
					}
				case "error":
					if mc["ename"] != "runtime.Error" || mc["evalue"] != "index out of range" {
						t.Errorf("error: got %v", mc)
					}
				case "update_display_data":
					if mc["transient"].(map[string]any)["display_id"] != "id1" {
						t.Errorf("update_display_data: got %v", mc)
					}
				}
			}
			if tc.status == "error" {
				if ct["ename"] != "runtime.Error" || ct["evalue"] != "index out of range" || fmt.Sprint(ct["traceback"]) != "[cell[1]:2:5]" {
					t.Errorf("error reply: got %v", ct)
				}
			}
			if tc.name == "user expressions" && ct["user_expressions"].(map[string]any)["x"] == nil {
				t.Errorf("user_expressions: got %v", ct["user_expressions"])
			}
		})
	}
	// The interpreter saw the counts and flags the kernel decided.
	reqs := fi.requests()
	if len(reqs) != len(tests) { // every cell reaches the interpreter, also an empty one
		t.Fatalf("requests: got %d", len(reqs))
	}
	if !reqs[0].StoreHistory || reqs[1].StoreHistory || !reqs[1].Silent || reqs[2].StoreHistory || reqs[0].ExecutionCount != 1 || reqs[3].ExecutionCount != 2 || !reqs[0].AllowStdin {
		t.Errorf("requests: got %+v", reqs)
	}
}

func TestStopOnErrorAbortsQueued(t *testing.T) {
	fi := newFake()
	release := make(chan struct{})
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		if req.Code == "fail" {
			<-release
			return engine.ExecuteResult{Error: &engine.Error{Name: "E", Value: "v"}}
		}
		return engine.ExecuteResult{}
	}
	c := startKernel(t, fi, Options{})
	h1 := c.send(c.shell, "execute_request", map[string]any{"code": "fail"})
	h2 := c.send(c.shell, "execute_request", map[string]any{"code": "two"})
	h3 := c.send(c.shell, "kernel_info_request", nil)
	h4 := c.send(c.shell, "execute_request", map[string]any{"code": "four", "stop_on_error": false})
	waitFor(t, func() bool { return len(c.k.shellQ) == 3 }) // all three queued behind the failing cell
	close(release)
	want := []struct {
		id, typ, status string
	}{{h1.MsgID, "execute_reply", "error"}, {h2.MsgID, "execute_reply", "aborted"}, {h3.MsgID, "kernel_info_reply", "ok"}, {h4.MsgID, "execute_reply", "aborted"}}
	for _, w := range want {
		r := c.recv(c.shell)
		if parentID(r) != w.id || r.Header.MsgType != w.typ || c.content(r)["status"] != w.status {
			t.Errorf("reply: got %s %s %v, want %s %s", parentID(r), r.Header.MsgType, c.content(r)["status"], w.typ, w.status)
		}
		if got := c.kinds(c.untilIdle(w.id)); got[0] != "status:busy" || got[len(got)-1] != "status:idle" {
			t.Errorf("iopub for %s: got %v", w.typ, got)
		}
	}
	// The abort does not leak into the next request.
	r, _ := c.execute(map[string]any{"code": "five"})
	if c.content(r)["status"] != "ok" {
		t.Errorf("after abort: got %v", c.content(r))
	}
	if n := len(fi.requests()); n != 2 {
		t.Errorf("executed: got %d cells, want 2 (fail, five)", n)
	}
}

// TestStopOnErrorWindow: an execute request that reaches the kernel just
// after a cell failed (a frontend's "Run All" racing a fast error) is
// aborted too; one that comes after the window runs.
func TestStopOnErrorWindow(t *testing.T) {
	fi := newFake()
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		if req.Code == "fail" {
			return engine.ExecuteResult{Error: &engine.Error{Name: "E", Value: "v"}}
		}
		return engine.ExecuteResult{}
	}
	const window = 300 * time.Millisecond
	c := startKernel(t, fi, Options{StopOnErrorTimeout: window})
	r, _ := c.execute(map[string]any{"code": "fail"})
	if got := c.content(r)["status"]; got != "error" {
		t.Fatalf("fail: got status %v", got)
	}
	failed := time.Now()
	r, _ = c.execute(map[string]any{"code": "late"})
	inWindow := time.Since(failed) < window
	if got := c.content(r)["status"]; inWindow && got != "aborted" {
		t.Errorf("request inside the window: got status %v, want aborted", got)
	}
	time.Sleep(window)
	r, _ = c.execute(map[string]any{"code": "after"})
	if got := c.content(r)["status"]; got != "ok" {
		t.Errorf("request after the window: got status %v, want ok", got)
	}
}

func TestControlAnsweredWhileCellBlocks(t *testing.T) {
	fi := newFake()
	running := make(chan struct{})
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		close(running)
		select {
		case <-fi.intr:
		case <-ctx.Done():
		}
		return engine.ExecuteResult{Error: &engine.Error{Name: engine.ErrInterrupted, Value: "interrupted"}}
	}
	c := startKernel(t, fi, Options{})
	hx := c.send(c.shell, "execute_request", map[string]any{"code": "for {}"})
	<-running
	for _, typ := range []string{"kernel_info_request", "comm_info_request", "history_request"} {
		c.send(c.control, typ, map[string]any{"hist_access_type": "tail", "n": 1})
		if r := c.recv(c.control); r.Header.MsgType != strings.Replace(typ, "_request", "_reply", 1) {
			t.Errorf("control reply: got %s", r.Header.MsgType)
		}
	}
	c.send(c.control, "interrupt_request", nil)
	if r := c.recv(c.control); r.Header.MsgType != "interrupt_reply" || c.content(r)["status"] != "ok" {
		t.Errorf("interrupt reply: got %s %s", r.Header.MsgType, r.Content)
	}
	r := c.recv(c.shell)
	if parentID(r) != hx.MsgID || c.content(r)["ename"] != engine.ErrInterrupted {
		t.Errorf("execute reply: got %s", r.Content)
	}
	if fi.interrupts.Load() != 1 {
		t.Errorf("interrupts: got %d, want 1", fi.interrupts.Load())
	}
}

func TestInterruptMethod(t *testing.T) {
	fi := newFake()
	c := startKernel(t, fi, Options{})
	c.k.Interrupt()
	c.k.Interrupt()
	if fi.interrupts.Load() != 2 {
		t.Errorf("interrupts: got %d, want 2", fi.interrupts.Load())
	}
}

func TestStreamBatching(t *testing.T) {
	fi := newFake()
	late := make(chan struct{})
	lateDone := make(chan struct{})
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		if req.Code == "many" {
			for i := range 100000 {
				out.Stream("stdout", fmt.Sprintf("line %d\n", i))
			}
			out.Stream("stderr", "warn\n")
			out.Stream("stdout", "last\n")
			go func() { // a goroutine the cell started prints after the reply
				<-late
				out.Stream("stdout", "late\n")
				close(lateDone)
			}()
		}
		return engine.ExecuteResult{}
	}
	c := startKernel(t, fi, Options{})
	h := c.send(c.shell, "execute_request", map[string]any{"code": "many"})
	c.recv(c.shell)
	io := c.untilIdle(h.MsgID)
	var stdout, stderr strings.Builder
	streams := 0
	for _, m := range io {
		if m.Header.MsgType == "stream" {
			streams++
			ct := c.content(m)
			if ct["name"] == "stdout" {
				stdout.WriteString(ct["text"].(string))
			} else {
				stderr.WriteString(ct["text"].(string))
			}
		}
	}
	var want strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	want.WriteString("last\n")
	if stdout.String() != want.String() || stderr.String() != "warn\n" {
		t.Errorf("stream text differs: got %d/%d bytes", stdout.Len(), stderr.Len())
	}
	if streams > 20 {
		t.Errorf("stream messages: got %d, want <= 20", streams)
	}
	if k := c.kinds(io); !strings.HasPrefix(k[len(k)-2], "stream:") {
		t.Errorf("iopub: the last stream must precede idle: got %v", k[len(k)-3:])
	}
	// Late output goes to the first cell, flushed before the next message.
	close(late)
	<-lateDone
	h2 := c.send(c.shell, "kernel_info_request", nil)
	c.recv(c.shell)
	var got *message
	for {
		m := c.recv(c.iopub)
		if m.Header.MsgType == "stream" {
			got = m
			break
		}
		if parentID(m) == h2.MsgID {
			t.Fatal("busy before the late stream")
		}
	}
	if parentID(got) != h.MsgID || c.content(got)["text"] != "late\n" {
		t.Errorf("late stream: got parent %s %s", parentID(got), got.Content)
	}
}

func TestCompleteUnicodeCursor(t *testing.T) {
	fi := newFake()
	code := "héllo := 1; hé"
	fi.complete = func(got string, cursor int) (engine.Completion, error) {
		if got != code || cursor != len(code) {
			return engine.Completion{}, fmt.Errorf("complete: got cursor %d, want %d", cursor, len(code))
		}
		start := strings.LastIndex(code, "hé")
		return engine.Completion{Matches: []string{"héllo"}, CursorStart: start, CursorEnd: len(code),
			Types: []engine.CompletionType{{Start: start, End: len(code), Text: "héllo", Type: "variable"}}}, nil
	}
	c := startKernel(t, fi, Options{})
	runes := len([]rune(code))
	c.send(c.shell, "complete_request", map[string]any{"code": code, "cursor_pos": runes})
	ct := c.content(c.recv(c.shell))
	if ct["status"] != "ok" || ct["cursor_start"] != float64(runes-2) || ct["cursor_end"] != float64(runes) || fmt.Sprint(ct["matches"]) != "[héllo]" {
		t.Errorf("complete_reply: got %v", ct)
	}
	types := ct["metadata"].(map[string]any)["_jupyter_types_experimental"].([]any)
	if ty := types[0].(map[string]any); ty["start"] != float64(runes-2) || ty["end"] != float64(runes) || ty["type"] != "variable" {
		t.Errorf("types: got %v", types)
	}
}

func TestCursorConversion(t *testing.T) {
	tests := []struct {
		code       string
		runes, off int
	}{
		{"abc", 2, 2}, {"é", 1, 2}, {"aé b", 3, 4}, {"日本語", 2, 6}, {"x", 5, 1}, {"x", -1, 0}, {"", 0, 0}, {"😀x", 1, 4},
	}
	for _, tc := range tests {
		if got := runeToByte(tc.code, tc.runes); got != tc.off {
			t.Errorf("runeToByte(%q, %d): got %d, want %d", tc.code, tc.runes, got, tc.off)
		}
		if tc.runes >= 0 && tc.runes <= len([]rune(tc.code)) {
			if got := byteToRune(tc.code, tc.off); got != tc.runes {
				t.Errorf("byteToRune(%q, %d): got %d, want %d", tc.code, tc.off, got, tc.runes)
			}
		}
	}
}

func TestIntrospectionHandlers(t *testing.T) {
	c := startKernel(t, newFake(), Options{})
	tests := []struct {
		name, typ string
		content   map[string]any
		reply     string // "" means no reply
		check     func(map[string]any) bool
		iopub     []string
	}{
		{"inspect", "inspect_request", map[string]any{"code": "fmt.Println", "cursor_pos": 3, "detail_level": 0}, "inspect_reply",
			func(c map[string]any) bool {
				return c["found"] == true && c["data"].(map[string]any)["text/plain"] == "fmt"
			}, nil},
		{"is_complete incomplete", "is_complete_request", map[string]any{"code": "{"}, "is_complete_reply",
			func(c map[string]any) bool { return c["status"] == "incomplete" && c["indent"] == "\t" }, nil},
		{"is_complete complete", "is_complete_request", map[string]any{"code": "x"}, "is_complete_reply",
			func(c map[string]any) bool { _, ok := c["indent"]; return c["status"] == "complete" && !ok }, nil},
		{"is_complete failure", "is_complete_request", map[string]any{"code": "boom"}, "is_complete_reply",
			func(c map[string]any) bool { return c["status"] == "unknown" }, nil},
		{"comm_info", "comm_info_request", nil, "comm_info_reply",
			func(c map[string]any) bool { return len(c["comms"].(map[string]any)) == 0 && c["status"] == "ok" }, nil},
		{"comm_open", "comm_open", map[string]any{"comm_id": "c1", "target_name": "jupyter.widget", "data": map[string]any{}}, "", nil,
			[]string{"status:busy", "comm_close", "status:idle"}},
		{"comm_msg", "comm_msg", map[string]any{"comm_id": "c1", "data": map[string]any{}}, "", nil, []string{"status:busy", "status:idle"}},
		{"unknown", "frobnicate_request", nil, "", nil, []string{"status:busy", "status:idle"}},
		{"connect", "connect_request", nil, "connect_reply", func(c map[string]any) bool { return c["status"] == "ok" }, nil},
		{"bad content", "inspect_request", map[string]any{"code": 3}, "inspect_reply", func(c map[string]any) bool { return c["status"] == "error" }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := c.send(c.shell, tc.typ, tc.content)
			io := c.kinds(c.untilIdle(h.MsgID))
			if tc.iopub != nil && !reflect.DeepEqual(io, tc.iopub) {
				t.Errorf("iopub: got %v, want %v", io, tc.iopub)
			}
			if tc.reply == "" {
				return
			}
			r := c.recv(c.shell)
			if r.Header.MsgType != tc.reply || parentID(r) != h.MsgID || !tc.check(c.content(r)) {
				t.Errorf("reply: got %s %s", r.Header.MsgType, r.Content)
			}
		})
	}
	// Nothing was answered for the requests that get no reply: the next
	// reply on shell is for the next request.
	h := c.send(c.shell, "kernel_info_request", nil)
	if r := c.recv(c.shell); parentID(r) != h.MsgID {
		t.Errorf("stray reply: got %s", r.Header.MsgType)
	}
}

func TestIntrospectionOnControl(t *testing.T) {
	c := startKernel(t, newFake(), Options{})
	for _, typ := range []string{"complete_request", "inspect_request", "is_complete_request"} {
		h := c.send(c.control, typ, map[string]any{"code": "abc", "cursor_pos": 1})
		r := c.recv(c.control)
		if parentID(r) != h.MsgID || r.Header.MsgType != strings.Replace(typ, "_request", "_reply", 1) {
			t.Errorf("%s on control: got %s", typ, r.Header.MsgType)
		}
	}
	// execute_request is not served on control.
	h := c.send(c.control, "execute_request", map[string]any{"code": "x"})
	if got := c.kinds(c.untilIdle(h.MsgID)); !reflect.DeepEqual(got, []string{"status:busy", "status:idle"}) {
		t.Errorf("execute on control: got %v", got)
	}
}

func TestShutdown(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run(fmt.Sprint("restart=", restart), func(t *testing.T) {
			fi := newFake()
			c := startKernel(t, fi, Options{})
			h := c.send(c.control, "shutdown_request", map[string]any{"restart": restart})
			r := c.recv(c.control)
			if r.Header.MsgType != "shutdown_reply" || c.content(r)["restart"] != restart {
				t.Errorf("reply: got %s %s", r.Header.MsgType, r.Content)
			}
			if got := c.kinds(c.untilIdle(h.MsgID)); !reflect.DeepEqual(got, []string{"status:busy", "shutdown_reply", "status:idle"}) {
				t.Errorf("iopub: got %v", got)
			}
			if err := <-c.runErr; err != nil {
				t.Errorf("run: %v", err)
			}
			c.runErr <- nil
			if c.k.RestartRequested() != restart || fi.shutdowns.Load() != 1 || fi.restart.Load() != restart {
				t.Errorf("restart: got %v, shutdowns %d", c.k.RestartRequested(), fi.shutdowns.Load())
			}
		})
	}
}

func TestRunStopsOnContext(t *testing.T) {
	fi := newFake()
	ks, _ := memSockets()
	k, err := NewWithSockets(ConnectionInfo{}, ks, fi, Options{HistoryDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- k.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	if fi.shutdowns.Load() != 1 || k.RestartRequested() {
		t.Errorf("shutdowns: got %d", fi.shutdowns.Load())
	}
	if err := k.Run(context.Background()); err == nil {
		t.Error("second run: got nil error")
	}
}

func memSockets() (kernelEnds, clientEnds Sockets) {
	kernelEnds.Shell, clientEnds.Shell = NewMemPair()
	kernelEnds.Control, clientEnds.Control = NewMemPair()
	kernelEnds.Stdin, clientEnds.Stdin = NewMemPair()
	kernelEnds.IOPub, clientEnds.IOPub = NewMemPair()
	kernelEnds.HB, clientEnds.HB = NewMemPair()
	return
}

func TestHeartbeatEchoes(t *testing.T) {
	c := startKernel(t, newFake(), Options{})
	for _, ping := range [][][]byte{{[]byte("ping")}, {[]byte("a"), []byte("b")}} {
		if err := c.hb.Send(ping); err != nil {
			t.Fatal(err)
		}
		got, err := c.hb.Recv()
		if err != nil || !reflect.DeepEqual(got, ping) {
			t.Errorf("echo: got %q %v, want %q", got, err, ping)
		}
	}
}

func TestBadMessagesDropped(t *testing.T) {
	c := startKernel(t, newFake(), Options{})
	// Wrong signature.
	h := newHeader("kernel_info_request", c.session, nowForTest())
	frames, _ := encode(&outMsg{Identities: [][]byte{c.ident}, Header: h}, c.sign)
	bad := append([][]byte(nil), frames...)
	bad[2] = []byte(strings.Repeat("0", 64))
	// Malformed.
	for _, f := range [][][]byte{bad, {[]byte("x")}, {c.ident, delimiter, []byte("sig")}, {}} {
		if err := c.shell.Send(f); err != nil {
			t.Fatal(err)
		}
	}
	// The good one is answered, its replay is not.
	if err := c.shell.Send(frames); err != nil {
		t.Fatal(err)
	}
	if err := c.shell.Send(frames); err != nil {
		t.Fatal(err)
	}
	h2 := c.send(c.shell, "kernel_info_request", nil)
	for _, want := range []string{h.MsgID, h2.MsgID} {
		if r := c.recv(c.shell); parentID(r) != want {
			t.Errorf("reply: got parent %s, want %s", parentID(r), want)
		}
	}
}

func TestMetadataOfExecuteReply(t *testing.T) {
	c := startKernel(t, newFake(), Options{})
	r, _ := c.execute(map[string]any{"code": "x"})
	var md map[string]any
	if err := json.Unmarshal(r.Metadata, &md); err != nil || md["status"] != "ok" || md["engine"] != c.k.Session() || !dateRE.MatchString(md["started"].(string)) {
		t.Errorf("metadata: got %s", r.Metadata)
	}
}

// TestMetadataFromTheInterpreter: ExecuteResult.Metadata joins the
// execute_reply's metadata; the kernel's own keys stay the kernel's.
func TestMetadataFromTheInterpreter(t *testing.T) {
	f := newFake()
	f.exec = func(context.Context, engine.ExecuteRequest, engine.Output) engine.ExecuteResult {
		return engine.ExecuteResult{Metadata: map[string]any{"gilgo": map[string]any{"tier": "compiled"}, "status": "forged"}}
	}
	c := startKernel(t, f, Options{})
	r, _ := c.execute(map[string]any{"code": "x"})
	var md struct {
		Status string
		Gilgo  struct{ Tier string }
	}
	if err := json.Unmarshal(r.Metadata, &md); err != nil || md.Status != "ok" || md.Gilgo.Tier != "compiled" {
		t.Errorf("metadata: got %s", r.Metadata)
	}
}

func TestInterpreterPanicsRecovered(t *testing.T) {
	fi := newFake()
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		panic("engine bug")
	}
	fi.complete = func(string, int) (engine.Completion, error) { panic("complete bug") }
	c := startKernel(t, fi, Options{})
	r, _ := c.execute(map[string]any{"code": "x"})
	if ct := c.content(r); ct["status"] != "error" || ct["ename"] != engine.ErrInterpreter || !strings.Contains(ct["evalue"].(string), "engine bug") {
		t.Errorf("execute reply: got %v", ct)
	}
	c.send(c.shell, "complete_request", map[string]any{"code": "x", "cursor_pos": 1})
	if ct := c.content(c.recv(c.shell)); ct["status"] != "error" || !strings.Contains(ct["evalue"].(string), "complete bug") {
		t.Errorf("complete reply: got %v", ct)
	}
	// The kernel still serves.
	r, _ = c.execute(map[string]any{"code": "y"})
	if r.Header.MsgType != "execute_reply" {
		t.Errorf("after panics: got %s", r.Header.MsgType)
	}
}

// TestEmptyKeyWarned: a connection file without a key leaves messages
// unsigned; the kernel says so in its log, and only then.
func TestEmptyKeyWarned(t *testing.T) {
	for _, tt := range []struct {
		key  string
		warn bool
	}{{"", true}, {testKey, false}} {
		var logged bytes.Buffer
		ks, _ := memSockets()
		info := ConnectionInfo{Key: tt.key, SignatureScheme: "hmac-sha256"}
		if _, err := NewWithSockets(info, ks, newFake(), Options{HistoryDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&logged, nil))}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logged.String(), "key is empty"); got != tt.warn {
			t.Errorf("key %q: warned %v, want %v (log %q)", tt.key, got, tt.warn, logged.String())
		}
	}
}

// TestLogLimit: at most logBurst lines a window; the next allowed line
// counts those not logged.
func TestLogLimit(t *testing.T) {
	var l logLimit
	now := time.Unix(1000, 0)
	allowed := 0
	for range 1000 {
		if _, ok := l.allow(now); ok {
			allowed++
		}
	}
	if allowed != logBurst {
		t.Errorf("in one window: %d lines allowed, want %d", allowed, logBurst)
	}
	more, ok := l.allow(now.Add(logWindow))
	if !ok || more != 1000-logBurst {
		t.Errorf("next window: allowed %v, not logged %d; want true, %d", ok, more, 1000-logBurst)
	}
}

// TestSideRequestsBounded: while a cell holds the interpreter, a flood of
// complete_requests on control leaves at most maxSideRequests waiting;
// the rest are answered at once with a Busy error, and the waiting ones
// are answered when the cell ends.
func TestSideRequestsBounded(t *testing.T) {
	fi := newFake()
	release := make(chan struct{})
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		<-release
		return engine.ExecuteResult{}
	}
	fi.complete = func(string, int) (engine.Completion, error) { return engine.Completion{Matches: []string{"x"}}, nil }
	c := startKernel(t, fi, Options{})
	c.send(c.shell, "execute_request", map[string]any{"code": "spin", "silent": false})
	time.Sleep(50 * time.Millisecond) // let the cell take the interpreter (order only, no bound checked)
	const n = maxSideRequests + 20
	for range n {
		c.send(c.control, "complete_request", map[string]any{"code": "x", "cursor_pos": 1})
	}
	busy := 0
	for range n - maxSideRequests {
		ct := c.content(c.recv(c.control))
		if ct["status"] == "error" && ct["ename"] == "Busy" {
			busy++
		}
	}
	if busy != n-maxSideRequests {
		t.Errorf("%d Busy replies while the cell runs, want %d", busy, n-maxSideRequests)
	}
	close(release)
	ok := 0
	for range maxSideRequests {
		if c.content(c.recv(c.control))["status"] == "ok" {
			ok++
		}
	}
	if ok != maxSideRequests {
		t.Errorf("%d ok replies after the cell, want %d", ok, maxSideRequests)
	}
}

// TestContentTooLarge: a request whose content is over maxContentSize gets
// an InputTooLarge error reply (an execute_request its error on IOPub too)
// instead of silence, and the kernel goes on; an interpreter's
// InputTooLarge names the complete_reply's error.
func TestContentTooLarge(t *testing.T) {
	fi := newFake()
	fi.complete = func(code string, cursor int) (engine.Completion, error) {
		return engine.Completion{}, fmt.Errorf("complete: %w", &engine.Error{Name: engine.ErrInputTooLarge, Value: "too much"})
	}
	c := startKernel(t, fi, Options{})
	huge := strings.Repeat("x", maxContentSize)
	tests := []struct {
		name, typ string
		content   map[string]any
		reply     string
		iopub     []string
	}{
		{"execute", "execute_request", map[string]any{"code": huge}, "execute_reply",
			[]string{"status:busy", "error", "status:idle"}},
		{"complete", "complete_request", map[string]any{"code": huge, "cursor_pos": 1}, "complete_reply",
			[]string{"status:busy", "status:idle"}},
		{"complete, the interpreter's", "complete_request", map[string]any{"code": "x", "cursor_pos": 1}, "complete_reply",
			[]string{"status:busy", "status:idle"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := c.send(c.shell, tc.typ, tc.content)
			r := c.recv(c.shell)
			ct := c.content(r)
			if r.Header.MsgType != tc.reply || parentID(r) != h.MsgID || ct["status"] != "error" || ct["ename"] != engine.ErrInputTooLarge {
				t.Errorf("reply: got %s %.200s", r.Header.MsgType, r.Content)
			}
			if tc.content["code"] == huge && !strings.Contains(ct["evalue"].(string), fmt.Sprint(maxContentSize)) {
				t.Errorf("evalue %q does not say the limit", ct["evalue"])
			}
			if got := c.kinds(c.untilIdle(h.MsgID)); !reflect.DeepEqual(got, tc.iopub) {
				t.Errorf("iopub: got %v, want %v", got, tc.iopub)
			}
		})
	}
	r, _ := c.execute(map[string]any{"code": "after"})
	if ct := c.content(r); ct["status"] != "ok" || ct["execution_count"] != float64(1) {
		t.Errorf("next cell: got %v, want ok, count 1", ct)
	}
	if reqs := fi.requests(); len(reqs) != 1 || reqs[0].Code != "after" {
		t.Errorf("the interpreter got %d requests, want only the cell after", len(reqs))
	}
}
