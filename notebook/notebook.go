package notebook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gilgo/gilgo/engine"
)

// Cell types.
const (
	CodeCell     = "code"
	MarkdownCell = "markdown"
	RawCell      = "raw"
)

// Output types.
const (
	StreamOutput        = "stream"
	DisplayDataOutput   = "display_data"
	ExecuteResultOutput = "execute_result"
	ErrorOutput         = "error"
)

// TagRaisesException marks a cell that may fail without failing the run
// (nbclient's convention).
const TagRaisesException = "raises-exception"

// TagWallClock marks a cell whose output shows wall-clock times, so that
// reproducibility checks skip it.
const TagWallClock = "wall-clock"

// Notebook is an nbformat 4 notebook.
type Notebook struct {
	// Metadata is the notebook's metadata, kept as read (numbers as
	// json.Number).
	Metadata map[string]any
	Cells    []*Cell
	// NBFormatMinor is the minor version read; Write always writes 4.5.
	NBFormatMinor int
}

// Cell is one cell of a notebook.
type Cell struct {
	// ID is the cell id (nbformat 4.5); empty ids are filled in by Write.
	ID string
	// Type is CodeCell, MarkdownCell or RawCell.
	Type   string
	Source string
	// Metadata is the cell's metadata, kept as read.
	Metadata map[string]any
	// Attachments of markdown and raw cells, kept as read.
	Attachments map[string]any
	// ExecutionCount of a code cell; 0 is written as null.
	ExecutionCount int
	// Outputs of a code cell.
	Outputs []*Output
}

// Output is one output of a code cell.
type Output struct {
	// Type is StreamOutput, DisplayDataOutput, ExecuteResultOutput or
	// ErrorOutput.
	Type string
	// Name ("stdout" or "stderr") and Text of a stream.
	Name, Text string
	// Data and Metadata of display_data and execute_result.
	Data     engine.MIMEBundle
	Metadata map[string]any
	// ExecutionCount of an execute_result; 0 is written as null.
	ExecutionCount int
	// EName, EValue and Traceback of an error.
	EName, EValue string
	Traceback     []string
}

// Tags returns the cell's metadata.tags.
func (c *Cell) Tags() []string {
	raw, _ := c.Metadata["tags"].([]any)
	tags := make([]string, 0, len(raw))
	for _, t := range raw {
		if s, ok := t.(string); ok {
			tags = append(tags, s)
		}
	}
	return tags
}

// HasTag reports whether the cell's metadata.tags holds tag.
func (c *Cell) HasTag(tag string) bool {
	return slices.Contains(c.Tags(), tag)
}

// New returns an empty notebook with gilgo's kernelspec.
func New() *Notebook {
	nb := &Notebook{Metadata: map[string]any{}, NBFormatMinor: 5}
	SetKernelMetadata(nb, "")
	return nb
}

// SetKernelMetadata sets metadata.kernelspec and metadata.language_info to
// gilgo's; goVersion (e.g. "1.26.8") is language_info.version, left out when
// empty.
func SetKernelMetadata(nb *Notebook, goVersion string) {
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	nb.Metadata["kernelspec"] = map[string]any{
		"name":         "gilgo",
		"display_name": "Go (gilgo)",
		"language":     "go",
	}
	li := map[string]any{
		"name":            "go",
		"mimetype":        "text/x-go",
		"file_extension":  ".go",
		"pygments_lexer":  "go",
		"codemirror_mode": "go",
	}
	if goVersion != "" {
		li["version"] = goVersion
	}
	nb.Metadata["language_info"] = li
}

// Read parses and validates an nbformat 4 notebook.
func Read(r io.Reader) (*Notebook, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read notebook: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a notebook: %s", jsonError(data, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		off := int(dec.InputOffset())
		for off < len(data) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
			off++
		}
		line, col := position(data, off+1)
		return nil, fmt.Errorf("not a notebook: data after the JSON value at line %d, column %d", line, col)
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a notebook: want a JSON object, got %s", kind(doc))
	}
	major, ok := top["nbformat"]
	if !ok {
		return nil, errors.New("not a notebook: no nbformat field")
	}
	v, err := integer(major)
	if err != nil {
		return nil, fmt.Errorf("not a notebook: nbformat: %w", err)
	}
	if v != 4 {
		return nil, fmt.Errorf("unsupported nbformat %d, want 4", v)
	}
	nb := &Notebook{}
	if m, ok := top["nbformat_minor"]; ok {
		if nb.NBFormatMinor, err = integer(m); err != nil {
			return nil, fmt.Errorf("invalid notebook: nbformat_minor: %w", err)
		}
	}
	if nb.Metadata, err = object(top["metadata"], "metadata"); err != nil {
		return nil, fmt.Errorf("invalid notebook: %w", err)
	}
	rawCells, ok := top["cells"].([]any)
	if !ok {
		if _, present := top["cells"]; !present {
			return nil, errors.New("invalid notebook: no cells field")
		}
		return nil, fmt.Errorf("invalid notebook: cells: want an array, got %s", kind(top["cells"]))
	}
	seen := map[string]bool{}
	for i, rc := range rawCells {
		c, err := readCell(rc)
		if err != nil {
			return nil, fmt.Errorf("invalid notebook: cells[%d]: %w", i, err)
		}
		if c.ID != "" && seen[c.ID] {
			c.ID = "" // nbformat repairs duplicate ids too
		}
		seen[c.ID] = true
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

var idPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

func readCell(v any) (*Cell, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want an object, got %s", kind(v))
	}
	c := &Cell{}
	var err error
	if c.Type, err = str(m["cell_type"], "cell_type"); err != nil {
		return nil, err
	}
	switch c.Type {
	case CodeCell, MarkdownCell, RawCell:
	default:
		return nil, fmt.Errorf("cell_type: got %q, want code, markdown or raw", c.Type)
	}
	if id, ok := m["id"]; ok {
		if c.ID, err = str(id, "id"); err != nil {
			return nil, err
		}
		if !idPattern.MatchString(c.ID) {
			return nil, fmt.Errorf("id: got %q, want 1 to 64 letters, digits, '-' or '_'", c.ID)
		}
	}
	if c.Source, err = text(m["source"], "source"); err != nil {
		return nil, err
	}
	if c.Metadata, err = object(m["metadata"], "metadata"); err != nil {
		return nil, err
	}
	if c.Type != CodeCell {
		if a, ok := m["attachments"]; ok {
			if c.Attachments, err = object(a, "attachments"); err != nil {
				return nil, err
			}
		}
		return c, nil
	}
	if c.ExecutionCount, err = count(m["execution_count"], "execution_count"); err != nil {
		return nil, err
	}
	outs, ok := m["outputs"].([]any)
	if !ok && m["outputs"] != nil {
		return nil, fmt.Errorf("outputs: want an array, got %s", kind(m["outputs"]))
	}
	for j, ro := range outs {
		o, err := readOutput(ro)
		if err != nil {
			return nil, fmt.Errorf("outputs[%d]: %w", j, err)
		}
		c.Outputs = append(c.Outputs, o)
	}
	return c, nil
}

func readOutput(v any) (*Output, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want an object, got %s", kind(v))
	}
	o := &Output{}
	var err error
	if o.Type, err = str(m["output_type"], "output_type"); err != nil {
		return nil, err
	}
	switch o.Type {
	case StreamOutput:
		if o.Name, err = str(m["name"], "name"); err != nil {
			return nil, err
		}
		if o.Text, err = text(m["text"], "text"); err != nil {
			return nil, err
		}
	case DisplayDataOutput, ExecuteResultOutput:
		data, err := object(m["data"], "data")
		if err != nil {
			return nil, err
		}
		o.Data = engine.MIMEBundle{}
		for mime, d := range data {
			if isJSONMIME(mime) {
				o.Data[mime] = d
				continue
			}
			if o.Data[mime], err = text(d, "data."+mime); err != nil {
				return nil, err
			}
		}
		if o.Metadata, err = object(m["metadata"], "metadata"); err != nil {
			return nil, err
		}
		if o.Type == ExecuteResultOutput {
			if o.ExecutionCount, err = count(m["execution_count"], "execution_count"); err != nil {
				return nil, err
			}
		}
	case ErrorOutput:
		if o.EName, err = str(m["ename"], "ename"); err != nil {
			return nil, err
		}
		if o.EValue, err = str(m["evalue"], "evalue"); err != nil {
			return nil, err
		}
		tb, ok := m["traceback"].([]any)
		if !ok {
			return nil, fmt.Errorf("traceback: want an array of strings, got %s", kind(m["traceback"]))
		}
		for _, l := range tb {
			s, ok := l.(string)
			if !ok {
				return nil, fmt.Errorf("traceback: want an array of strings, got an element of type %s", kind(l))
			}
			o.Traceback = append(o.Traceback, s)
		}
	default:
		return nil, fmt.Errorf("output_type: got %q, want stream, display_data, execute_result or error", o.Type)
	}
	return o, nil
}

// Write writes nb as nbformat 4.5 JSON the way Jupyter does: one-space
// indent, sorted keys, multi-line strings as lists of lines, a trailing
// newline. Cells without an id get a deterministic one.
func Write(w io.Writer, nb *Notebook) error {
	b, err := Marshal(nb)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	return nil
}

// Marshal returns what Write writes.
func Marshal(nb *Notebook) ([]byte, error) {
	cells := make([]any, 0, len(nb.Cells))
	used := map[string]bool{}
	for _, c := range nb.Cells {
		used[c.ID] = true
	}
	for i, c := range nb.Cells {
		if c.ID == "" {
			c.ID = newID(i, c.Source, used)
			used[c.ID] = true
		}
		cells = append(cells, cellJSON(c))
	}
	doc := map[string]any{
		"cells":          cells,
		"metadata":       orEmpty(nb.Metadata),
		"nbformat":       4,
		"nbformat_minor": 5,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode notebook: %w", err)
	}
	return buf.Bytes(), nil // Encode ends with a newline
}

func cellJSON(c *Cell) map[string]any {
	m := map[string]any{
		"cell_type": c.Type,
		"id":        c.ID,
		"metadata":  orEmpty(c.Metadata),
		"source":    splitLines(c.Source),
	}
	if c.Type != CodeCell {
		if c.Attachments != nil {
			m["attachments"] = c.Attachments
		}
		return m
	}
	m["execution_count"] = nullCount(c.ExecutionCount)
	outs := make([]any, 0, len(c.Outputs))
	for _, o := range c.Outputs {
		outs = append(outs, outputJSON(o))
	}
	m["outputs"] = outs
	return m
}

func outputJSON(o *Output) map[string]any {
	m := map[string]any{"output_type": o.Type}
	switch o.Type {
	case StreamOutput:
		m["name"] = o.Name
		m["text"] = splitLines(o.Text)
	case DisplayDataOutput, ExecuteResultOutput:
		data := map[string]any{}
		for mime, d := range o.Data {
			if s, ok := d.(string); ok && !isJSONMIME(mime) {
				data[mime] = splitLines(s)
				continue
			}
			data[mime] = d
		}
		m["data"] = data
		m["metadata"] = orEmpty(o.Metadata)
		if o.Type == ExecuteResultOutput {
			m["execution_count"] = nullCount(o.ExecutionCount)
		}
	case ErrorOutput:
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	}
	return m
}

// newID derives an id from the cell's position and source, so that the
// same notebook gets the same ids every time it is written.
func newID(i int, source string, used map[string]bool) string {
	for salt := 0; ; salt++ {
		h := sha256.Sum256([]byte(strconv.Itoa(i) + "\x00" + strconv.Itoa(salt) + "\x00" + source))
		id := hex.EncodeToString(h[:4])
		if !used[id] {
			return id
		}
	}
}

// splitLines splits s after each newline, as nbformat stores multi-line
// strings.
func splitLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

func isJSONMIME(mime string) bool {
	return mime == "application/json" || strings.HasSuffix(mime, "+json")
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func nullCount(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}

// text accepts a string or a list of strings (nbformat's multiline_string).
func text(v any, field string) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case []any:
		var b strings.Builder
		for _, l := range v {
			s, ok := l.(string)
			if !ok {
				return "", fmt.Errorf("%s: want a string or an array of strings, got an element of type %s", field, kind(l))
			}
			b.WriteString(s)
		}
		return b.String(), nil
	case nil:
		return "", fmt.Errorf("%s: missing", field)
	}
	return "", fmt.Errorf("%s: want a string or an array of strings, got %s", field, kind(v))
}

func str(v any, field string) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case nil:
		return "", fmt.Errorf("%s: missing", field)
	}
	return "", fmt.Errorf("%s: want a string, got %s", field, kind(v))
}

func object(v any, field string) (map[string]any, error) {
	switch v := v.(type) {
	case map[string]any:
		return v, nil
	case nil:
		return map[string]any{}, nil
	}
	return nil, fmt.Errorf("%s: want an object, got %s", field, kind(v))
}

func count(v any, field string) (int, error) {
	if v == nil {
		return 0, nil
	}
	n, err := integer(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", field, err)
	}
	return n, nil
}

func integer(v any) (int, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("want an integer, got %s", kind(v))
	}
	i, err := strconv.Atoi(n.String())
	if err != nil {
		return 0, fmt.Errorf("want an integer, got %s", n)
	}
	return i, nil
}

func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + v.String()
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// jsonError describes a decoding error with its line and column.
func jsonError(data []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := position(data, int(syn.Offset))
		return fmt.Sprintf("%s at line %d, column %d", syn.Error(), line, col)
	}
	if errors.Is(err, io.EOF) {
		return "empty file"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := position(data, len(data))
		return fmt.Sprintf("unexpected end of JSON input at line %d, column %d", line, col)
	}
	return err.Error()
}

// position converts a byte offset (as json reports it: just past the
// offending byte) into a 1-based line and column.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	if off > 0 {
		off-- // json's offset is past the offending byte
	}
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
