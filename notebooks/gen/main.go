// Command gen builds the bundled notebooks from their readable sources
// (notebooks/src/*.md), so that they are reviewed as text: one source gives
// the English and the Chinese notebook, with the same code cells, and the
// instructors' solutions build of each.
//
//	go run ./notebooks/gen            rewrite the notebooks
//	go run ./notebooks/gen -check     fail if any is out of date
//
// From src/NN-name.md it writes en/NN-name.ipynb, zh/NN-name.ipynb,
// solutions/en/NN-name.ipynb and solutions/zh/NN-name.ipynb.
//
// A source is Markdown. A fenced block opened by a line "```go" (the whole
// line, optionally followed by " tags=a,b") is a code cell; everything
// between code cells is a Markdown cell, and a line "<!-- cell -->" starts
// a new Markdown cell. Other fences (```python, ```text) stay inside the
// Markdown. The notebooks are written without outputs; `gilgo run` fills
// them in.
//
// Prose is written in both languages. A line "<!-- en -->" or
// "<!-- zh -->" starts text in that language only; the block runs to the
// next such line, "<!-- cell -->" or code cell. Blocks may alternate
// (paragraph by paragraph, or a whole cell each); each language's
// notebook gets its blocks in order. Every Markdown line that is not blank
// must be in a block, and every Markdown cell must have text in both
// languages, so nothing is left untranslated by accident.
//
// A code cell tagged "exercise" holds what students start from, and must
// be followed by a block opened by "```go solution" holding the answer:
// the solutions build puts the answer in its place (the tags stay).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gilgo/gilgo/notebook"
)

// Langs are the languages a source is written in, in the order their
// notebooks are written.
var langs = []string{"en", "zh"}

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

// generate builds every dir/src/*.md into its four notebooks; with check
// it writes nothing and returns the notebooks that differ.
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
		s, err := parse(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		name := strings.TrimSuffix(filepath.Base(src), ".md") + ".ipynb"
		for _, lang := range langs {
			for _, solutions := range []bool{false, true} {
				out, err := notebook.Marshal(s.notebook(lang, solutions))
				if err != nil {
					return nil, fmt.Errorf("%s: %w", src, err)
				}
				dst := filepath.Join(dir, lang, name)
				if solutions {
					dst = filepath.Join(dir, "solutions", lang, name)
				}
				if check {
					old, err := os.ReadFile(dst)
					if err != nil || !bytes.Equal(old, out) {
						stale = append(stale, dst)
					}
					continue
				}
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return nil, err
				}
				if err := os.WriteFile(dst, out, 0o644); err != nil {
					return nil, err
				}
			}
		}
	}
	return stale, nil
}

// A source is a parsed notebook source: its cells in both languages.
type source struct {
	cells []cell
}

// A cell is a Markdown cell (text per language) or a code cell (code,
// tags, and for an exercise the solution).
type cell struct {
	text     map[string]string // Markdown by language; nil for code
	code     string
	solution string
	tags     []string
}

// notebook returns the source's notebook in lang, with the exercises'
// solutions when solutions is set.
func (s *source) notebook(lang string, solutions bool) *notebook.Notebook {
	nb := notebook.New()
	for _, c := range s.cells {
		if c.text != nil {
			nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.MarkdownCell, Source: joinCJK(c.text[lang]), Metadata: map[string]any{}})
			continue
		}
		meta := map[string]any{}
		if len(c.tags) > 0 {
			t := make([]any, len(c.tags))
			for j, s := range c.tags {
				t[j] = s
			}
			meta["tags"] = t
		}
		code := c.code
		if solutions && c.solution != "" {
			code = c.solution
		}
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.CodeCell, Source: code, Metadata: meta})
	}
	return nb
}

// parse reads a source.
func parse(src string) (*source, error) {
	s := &source{}
	var (
		md       = map[string][]string{}
		lang     string // the language block being read; "" outside
		code     []string
		tags     []string
		inCode   bool
		solution bool // the code block is a solution
		inFence  bool // a non-code fence inside Markdown
		codeLine int
		mdLine   = 1 // the first line of the Markdown cell being read
	)
	flushMD := func() error {
		lang = ""
		c := cell{text: map[string]string{}}
		empty := 0
		for _, l := range langs {
			c.text[l] = strings.Trim(strings.Join(md[l], "\n"), "\n")
			if strings.TrimSpace(c.text[l]) == "" {
				empty++
			}
		}
		md = map[string][]string{}
		switch empty {
		case len(langs):
			return nil
		case 0:
			s.cells = append(s.cells, c)
			return nil
		}
		var missing []string
		for _, l := range langs {
			if strings.TrimSpace(c.text[l]) == "" {
				missing = append(missing, l)
			}
		}
		return fmt.Errorf("line %d: Markdown cell without text in %s", mdLine, strings.Join(missing, ", "))
	}
	lines := strings.Split(src, "\n")
	for i, line := range lines {
		n := i + 1
		switch {
		case inCode && line == "```":
			switch {
			case !solution:
				s.cells = append(s.cells, cell{code: strings.Join(code, "\n"), tags: tags})
			case len(s.cells) == 0 || s.cells[len(s.cells)-1].text != nil || !slices.Contains(s.cells[len(s.cells)-1].tags, "exercise"):
				return nil, fmt.Errorf("line %d: a solution that does not follow a cell tagged exercise", codeLine)
			case s.cells[len(s.cells)-1].solution != "":
				return nil, fmt.Errorf("line %d: a second solution for one exercise", codeLine)
			default:
				s.cells[len(s.cells)-1].solution = strings.Join(code, "\n")
			}
			inCode, solution, code, tags = false, false, nil, nil
			mdLine = n + 1
		case inCode:
			code = append(code, line)
		case !inFence && (line == "```go" || line == "```go solution" || strings.HasPrefix(line, "```go tags=")):
			solution = line == "```go solution"
			if solution && strings.TrimSpace(strings.Join(lines[mdLine-1:i], "")) != "" {
				return nil, fmt.Errorf("line %d: text between an exercise and its solution", n)
			}
			if err := flushMD(); err != nil {
				return nil, err
			}
			inCode, codeLine = true, n
			if t, ok := strings.CutPrefix(line, "```go tags="); ok {
				tags = strings.Split(t, ",")
			}
		case !inFence && strings.TrimSpace(line) == "<!-- cell -->":
			if err := flushMD(); err != nil {
				return nil, err
			}
			mdLine = n + 1
		case !inFence && (strings.TrimSpace(line) == "<!-- en -->" || strings.TrimSpace(line) == "<!-- zh -->"):
			lang = strings.TrimSpace(line)[5:7]
		default:
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inFence = !inFence
			}
			if lang == "" {
				if strings.TrimSpace(line) != "" {
					return nil, fmt.Errorf("line %d: text outside a language block (<!-- en --> or <!-- zh -->)", n)
				}
				continue
			}
			md[lang] = append(md[lang], line)
		}
	}
	if inCode {
		return nil, fmt.Errorf("line %d: code cell not closed", codeLine)
	}
	if inFence {
		return nil, fmt.Errorf("a Markdown fence is not closed")
	}
	if err := flushMD(); err != nil {
		return nil, err
	}
	for _, c := range s.cells {
		if c.text == nil && slices.Contains(c.tags, "exercise") && c.solution == "" {
			return nil, fmt.Errorf("an exercise without a solution: %q", firstLine(c.code))
		}
	}
	return s, nil
}

// joinCJK joins a line that ends in a Chinese character or punctuation
// mark to the next when that starts with one (outside fences): Markdown
// renders a line break as a space, which Chinese text does not have.
func joinCJK(text string) string {
	lines := strings.Split(text, "\n")
	out := lines[:1]
	fence := strings.HasPrefix(strings.TrimSpace(lines[0]), "```")
	for _, l := range lines[1:] {
		prev := out[len(out)-1]
		next := strings.TrimLeft(l, " ")
		r, _ := utf8.DecodeLastRuneInString(prev)
		n, _ := utf8.DecodeRuneInString(next)
		if !fence && isCJK(r) && isCJK(n) {
			out[len(out)-1] = prev + next
			continue
		}
		if strings.HasPrefix(next, "```") {
			fence = !fence
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// isCJK reports whether r is a Chinese character or a full-width or CJK
// punctuation mark.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) ||
		r == '—' || r == '…' || r == '“' || r == '”'
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
