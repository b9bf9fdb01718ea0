package multiprocessing

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/gilgo/gilgo/engine"
)

// lineOutput forwards a child's output to the calling cell's output a
// whole line at a time, so that lines of several children do not mix
// mid-line. A nil out keeps the text (for error messages). Results and
// clear_output of the child are dropped; displays are forwarded.
type lineOutput struct {
	out engine.Output

	mu      sync.Mutex
	partial map[string]string // stream name → unfinished line
	kept    strings.Builder
}

var _ engine.Output = (*lineOutput)(nil)

func (o *lineOutput) Stream(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.out == nil {
		o.kept.WriteString(text)
		return
	}
	if o.partial == nil {
		o.partial = map[string]string{}
	}
	text = o.partial[name] + text
	i := strings.LastIndexByte(text, '\n')
	o.partial[name] = text[i+1:]
	if i >= 0 {
		o.out.Stream(name, text[:i+1])
	}
}

// flush writes unfinished lines.
func (o *lineOutput) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for name, text := range o.partial {
		if text != "" && o.out != nil {
			o.out.Stream(name, text)
		}
		delete(o.partial, name)
	}
}

func (o *lineOutput) Result(engine.MIMEBundle, map[string]any) {}

func (o *lineOutput) Display(data engine.MIMEBundle, md map[string]any, id string, update bool) {
	if o.out != nil {
		o.out.Display(data, md, id, update)
	}
}

func (o *lineOutput) ClearOutput(bool) {}

var errNoStdin = errors.New("stdin is not available in a child process")

func (o *lineOutput) Input(context.Context, string, bool) (string, error) {
	return "", errNoStdin
}
