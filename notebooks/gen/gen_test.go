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
	src := "<!-- en -->\n# Title\n\ntext\n<!-- zh -->\n# 标题\n\n文字\n<!-- en -->\nmore\n" +
		"<!-- cell -->\n<!-- zh -->\n更多\n```python\n>>> x\n```\n<!-- en -->\nmore\n```python\n>>> x\n```\n" +
		"```go tags=wall-clock,raises-exception\nx := 1\n\nx\n```\n\n```go tags=exercise\ny := 0\n```\n\n```go solution\ny := 1\n```\n"
	s, err := parse(src)
	if err != nil {
		t.Fatal(err)
	}
	type cell struct{ typ, src, tags string }
	code := []cell{
		{notebook.CodeCell, "x := 1\n\nx", "wall-clock raises-exception"},
		{notebook.CodeCell, "y := 0", "exercise"},
	}
	for _, tc := range []struct {
		lang      string
		solutions bool
		want      []cell
	}{
		{"en", false, append([]cell{
			{notebook.MarkdownCell, "# Title\n\ntext\nmore", ""},
			{notebook.MarkdownCell, "more\n```python\n>>> x\n```", ""}}, code...)},
		{"zh", false, append([]cell{
			{notebook.MarkdownCell, "# 标题\n\n文字", ""},
			{notebook.MarkdownCell, "更多\n```python\n>>> x\n```", ""}}, code...)},
		{"zh", true, append([]cell{
			{notebook.MarkdownCell, "# 标题\n\n文字", ""},
			{notebook.MarkdownCell, "更多\n```python\n>>> x\n```", ""}}, code[0],
			cell{notebook.CodeCell, "y := 1", "exercise"})},
	} {
		nb := s.notebook(tc.lang, tc.solutions)
		if len(nb.Cells) != len(tc.want) {
			t.Fatalf("%s (solutions %v): got %d cells, want %d", tc.lang, tc.solutions, len(nb.Cells), len(tc.want))
		}
		for i, c := range nb.Cells {
			got := cell{c.Type, c.Source, strings.Join(c.Tags(), " ")}
			if got != tc.want[i] {
				t.Errorf("%s (solutions %v): cell %d = %q, want %q", tc.lang, tc.solutions, i, got, tc.want[i])
			}
		}
	}
}

func TestJoinCJK(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"中文，\n  接着写", "中文，接着写"},
		{"一行\n二行\n三行", "一行二行三行"},
		{"English\nlines", "English\nlines"},
		{"`k` 个\ngoroutine 各做", "`k` 个\ngoroutine 各做"},
		{"通道、\n`WaitGroup`", "通道、\n`WaitGroup`"},
		{"```text\n中\n文\n```\n中\n文", "```text\n中\n文\n```\n中文"},
		{"* 一项\n* 二项", "* 一项\n* 二项"},
	} {
		if got := joinCJK(tc.in); got != tc.want {
			t.Errorf("joinCJK(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"<!-- en -->\n```go\nx", "line 2: code cell not closed"},
		{"<!-- en -->\n```text\nx", "a Markdown fence is not closed"},
		{"# Title\n", "line 1: text outside a language block"},
		{"<!-- en -->\nx\n<!-- zh -->\n字\n```go\ny\n```\nz\n", "line 8: text outside a language block"},
		{"<!-- en -->\nx\n<!-- cell -->\n<!-- zh -->\n字\n", "line 1: Markdown cell without text in zh"},
		{"<!-- en -->\nx\n<!-- zh -->\n字\n```go\ny\n```\n<!-- zh -->\n字\n", "line 8: Markdown cell without text in en"},
		{"```go\ny\n```\n```go solution\nz\n```\n", "line 4: a solution that does not follow a cell tagged exercise"},
		{"```go tags=exercise\ny\n```\n<!-- en -->\nx\n```go solution\nz\n```\n", "line 6: text between an exercise and its solution"},
		{"```go tags=exercise\ny\n```\n```go solution\nz\n```\n```go solution\nz\n```\n", "line 7: a second solution for one exercise"},
		{"```go tags=exercise\ny\n```\n", `an exercise without a solution: "y"`},
	} {
		_, err := parse(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parse(%q) = %v, want an error with %q", tc.src, err, tc.want)
		}
	}
}
