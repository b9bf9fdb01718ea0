package goldencells

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/gilgo/gilgo/engine"
)

// Recorder is an engine.Output that renders what a cell shows, in order,
// in the format of the want files: a "[kind]" header whenever the kind of
// output changes ("[stdout]", "[result text/plain]", "[display id=1
// text/html]", "[clear_output wait=true]"), MIME bundles by sorted type,
// PNG and SVG data cut short, display ids numbered in order of
// appearance. Input answers with Inputs in order, then io.EOF. Its methods
// are safe for concurrent use.
type Recorder struct {
	Inputs []string

	mu   sync.Mutex
	b    strings.Builder
	last string
	ids  map[string]int
}

func (r *Recorder) section(name string) {
	if r.last != name {
		if r.b.Len() > 0 && !strings.HasSuffix(r.b.String(), "\n") {
			r.b.WriteString("\n")
		}
		r.b.WriteString("[" + name + "]\n")
		r.last = name
	}
}

// Stream records text written to stream name.
func (r *Recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.section(name)
	r.b.WriteString(text)
}

func (r *Recorder) bundle(kind string, data engine.MIMEBundle) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.last = ""
		r.section(kind + " " + k)
		v := fmt.Sprint(data[k])
		if k == "image/png" && len(v) > 16 {
			v = v[:16] + "..."
		}
		if k == "image/svg+xml" && len(v) > 60 {
			v = v[:60] + "..."
		}
		r.b.WriteString(v + "\n")
		r.last = ""
	}
}

// Result records an execute_result.
func (r *Recorder) Result(data engine.MIMEBundle, _ map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bundle("result", data)
}

// Display records display_data, or update_display_data with update; a
// note of gilgo's (engine.IsNote) is recorded as "note".
func (r *Recorder) Display(data engine.MIMEBundle, metadata map[string]any, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kind := "display"
	if engine.IsNote(metadata) {
		kind = "note" // engine.Note, engine.Progress
	}
	if id != "" {
		if r.ids == nil {
			r.ids = map[string]int{}
		}
		if r.ids[id] == 0 {
			r.ids[id] = len(r.ids) + 1
		}
		kind = fmt.Sprintf("%s id=%d", kind, r.ids[id])
	}
	if update {
		kind = "update " + kind
	}
	r.bundle(kind, data)
}

// ClearOutput records clear_output.
func (r *Recorder) ClearOutput(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = ""
	r.section(fmt.Sprintf("clear_output wait=%v", wait))
	r.last = ""
}

// Input answers an input_request with the next of Inputs, io.EOF after
// the last.
func (r *Recorder) Input(_ context.Context, _ string, _ bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.Inputs) == 0 {
		return "", io.EOF
	}
	l := r.Inputs[0]
	r.Inputs = r.Inputs[1:]
	return l, nil
}

// String returns what was recorded, ending in a newline unless empty.
func (r *Recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.b.String()
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}
