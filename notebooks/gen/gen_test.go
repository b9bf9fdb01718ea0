package main

import (
	"strings"
	"testing"

	"github.com/gilgo/gilgo/notebook"
)

// TestNotebooksUpToDate fails when a bundled notebook was not regenerated
// after its source changed.
func TestNotebooksUpToDate(t *testing.T) {
	stale, err := generate("..", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("out of date, run go run ./notebooks/gen: %s", strings.Join(stale, ", "))
	}
}

func TestParse(t *testing.T) {
	src := "# Title\n\ntext\n<!-- cell -->\nmore\n```python\n>>> x\n```\n```go tags=wall-clock,raises-exception\nx := 1\n\nx\n```\n\n```go\ny\n```\n"
	nb, err := parse(src)
	if err != nil {
		t.Fatal(err)
	}
	type cell struct{ typ, src, tags string }
	want := []cell{
		{notebook.MarkdownCell, "# Title\n\ntext", ""},
		{notebook.MarkdownCell, "more\n```python\n>>> x\n```", ""},
		{notebook.CodeCell, "x := 1\n\nx", "wall-clock raises-exception"},
		{notebook.CodeCell, "y", ""},
	}
	if len(nb.Cells) != len(want) {
		t.Fatalf("got %d cells, want %d", len(nb.Cells), len(want))
	}
	for i, c := range nb.Cells {
		got := cell{c.Type, c.Source, strings.Join(c.Tags(), " ")}
		if got != want[i] {
			t.Errorf("cell %d = %q, want %q", i, got, want[i])
		}
	}
	for _, bad := range []string{"```go\nx", "```text\nx"} {
		if _, err := parse(bad); err == nil {
			t.Errorf("parse(%q) succeeded, want an error", bad)
		}
	}
}
