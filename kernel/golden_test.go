package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestTranscriptGolden records what the kernel sends for a scripted session
// (every reply and IOPub message, ids and dates removed) and compares it
// with testdata/transcript.golden. Review changes with go test -update and
// git diff.
func TestTranscriptGolden(t *testing.T) {
	fi := newFake()
	fi.exec = func(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
		switch req.Code {
		case "x := 1\nx + 1":
			out.Stream("stdout", "hello\n")
			out.Stream("stderr", "careful\n")
			out.Result(engine.MIMEBundle{"text/plain": "2"}, nil)
		case "panic(1)":
			return engine.ExecuteResult{Error: &engine.Error{Name: "panic", Value: "1", Traceback: []string{"panic: 1", "  cell[2]:1:1"}}}
		}
		return engine.ExecuteResult{}
	}
	fi.complete = func(code string, cursor int) (engine.Completion, error) {
		return engine.Completion{Matches: []string{"Println"}, CursorStart: cursor - 3, CursorEnd: cursor,
			Types: []engine.CompletionType{{Start: cursor - 3, End: cursor, Text: "Println", Type: "function", Signature: "func(a ...any) (n int, err error)"}}}, nil
	}
	c := startKernel(t, fi, Options{Banner: "gilgo test", ImplementationVersion: "test", LanguageVersion: "go1.26"})
	script := []struct {
		sock    string
		typ     string
		content map[string]any
	}{
		{"shell", "kernel_info_request", nil},
		{"shell", "execute_request", map[string]any{"code": "x := 1\nx + 1", "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": true, "stop_on_error": true}},
		{"shell", "execute_request", map[string]any{"code": "panic(1)"}},
		{"shell", "complete_request", map[string]any{"code": "é := fmt.Pri", "cursor_pos": 12}},
		{"shell", "is_complete_request", map[string]any{"code": "{"}},
		{"shell", "history_request", map[string]any{"hist_access_type": "tail", "n": 10, "output": false, "raw": true}},
		{"shell", "comm_info_request", map[string]any{}},
		{"shell", "comm_open", map[string]any{"comm_id": "c1", "target_name": "t", "data": map[string]any{}}},
		{"shell", "no_such_request", nil},
		{"control", "interrupt_request", nil},
		{"control", "shutdown_request", map[string]any{"restart": false}},
	}
	var out bytes.Buffer
	for _, step := range script {
		sock := c.shell
		if step.sock == "control" {
			sock = c.control
		}
		h := c.send(sock, step.typ, step.content)
		fmt.Fprintf(&out, "## %s %s\n", step.sock, step.typ)
		for _, m := range c.untilIdle(h.MsgID) {
			writeMsg(t, &out, "iopub", m)
		}
		if step.typ == "comm_open" || step.typ == "no_such_request" {
			continue
		}
		writeMsg(t, &out, step.sock, c.recv(sock))
	}
	golden := filepath.Join("testdata", "transcript.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("transcript differs from %s (go test -update, then git diff):\n%s", golden, out.String())
	}
}

// writeMsg writes one message with its volatile fields replaced.
func writeMsg(t *testing.T, w *bytes.Buffer, sock string, m *message) {
	var content, md any
	if err := json.Unmarshal(m.Content, &content); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(m.Metadata, &md); err != nil {
		t.Fatal(err)
	}
	if mm, ok := md.(map[string]any); ok {
		for _, k := range []string{"started", "engine"} {
			if _, ok := mm[k]; ok {
				mm[k] = "…"
			}
		}
	}
	rec := map[string]any{"socket": sock, "msg_type": m.Header.MsgType, "content": content}
	if mm, ok := md.(map[string]any); ok && len(mm) > 0 {
		rec["metadata"] = md
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.WriteByte('\n')
}
