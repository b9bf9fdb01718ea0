// Command gen builds the bundled notebooks (notebooks/*.ipynb) from their
// readable sources (notebooks/src/*.md), so that they are reviewed as text.
//
//	go run ./notebooks/gen            rewrite notebooks/*.ipynb
//	go run ./notebooks/gen -check     fail if any is out of date
//
// A source is Markdown. A fenced block opened by a line "```go" (the whole
// line, optionally followed by " tags=a,b") is a code cell; everything
// between code cells is a Markdown cell, and a line "<!-- cell -->" starts
// a new Markdown cell. Other fences (```python, ```text) stay inside the
// Markdown. The notebooks are written without outputs; `gilgo run` fills
// them in.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gilgo/gilgo/notebook"
)

func main() {
	dir := flag.String("dir", "notebooks", "the notebooks `directory` (holding src/)")
	check := flag.Bool("check", false, "only check that the notebooks are up to date")
	flag.Parse()
	stale, err := generate(*dir, *check)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
	if *check && len(stale) > 0 {
		fmt.Fprintf(os.Stderr, "gen: out of date (run go run ./notebooks/gen): %s\n", strings.Join(stale, ", "))
		os.Exit(1)
	}
}

// generate builds every dir/src/*.md into dir/*.ipynb; with check it
// writes nothing and returns the notebooks that differ.
func generate(dir string, check bool) (stale []string, err error) {
	srcs, err := filepath.Glob(filepath.Join(dir, "src", "*.md"))
	if err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no sources in %s", filepath.Join(dir, "src"))
	}
	for _, src := range srcs {
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		nb, err := parse(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		out, err := notebook.Marshal(nb)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		dst := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".md")+".ipynb")
		if check {
			old, err := os.ReadFile(dst)
			if err != nil || !bytes.Equal(old, out) {
				stale = append(stale, dst)
			}
			continue
		}
		if err := os.WriteFile(dst, out, 0o644); err != nil {
			return nil, err
		}
	}
	return stale, nil
}

// parse turns a source into a notebook.
func parse(src string) (*notebook.Notebook, error) {
	nb := notebook.New()
	var (
		md       []string
		code     []string
		tags     []string
		inCode   bool
		inFence  bool // a non-code fence inside Markdown
		codeLine int
	)
	flushMD := func() {
		text := strings.Trim(strings.Join(md, "\n"), "\n")
		if strings.TrimSpace(text) != "" {
			nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.MarkdownCell, Source: text, Metadata: map[string]any{}})
		}
		md = nil
	}
	for i, line := range strings.Split(src, "\n") {
		switch {
		case inCode && line == "```":
			meta := map[string]any{}
			if len(tags) > 0 {
				t := make([]any, len(tags))
				for j, s := range tags {
					t[j] = s
				}
				meta["tags"] = t
			}
			nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.CodeCell, Source: strings.Join(code, "\n"), Metadata: meta})
			inCode, code, tags = false, nil, nil
		case inCode:
			code = append(code, line)
		case !inFence && (line == "```go" || strings.HasPrefix(line, "```go tags=")):
			flushMD()
			inCode, codeLine = true, i+1
			if t, ok := strings.CutPrefix(line, "```go tags="); ok {
				tags = strings.Split(t, ",")
			}
		case !inFence && strings.TrimSpace(line) == "<!-- cell -->":
			flushMD()
		default:
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inFence = !inFence
			}
			md = append(md, line)
		}
	}
	if inCode {
		return nil, fmt.Errorf("line %d: code cell not closed", codeLine)
	}
	if inFence {
		return nil, fmt.Errorf("a Markdown fence is not closed")
	}
	flushMD()
	return nb, nil
}
