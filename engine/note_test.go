package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// displays records what Note and Progress show, one line a display.
type displays struct {
	mu    sync.Mutex
	lines []string
	shown chan struct{} // receives on every display, if set
}

func (d *displays) Stream(name, text string) {
	d.add(fmt.Sprintf("stream %s %q", name, text))
}
func (*displays) Result(MIMEBundle, map[string]any) {}
func (d *displays) Display(data MIMEBundle, metadata map[string]any, id string, update bool) {
	kind := "display"
	if update {
		kind = "update"
	}
	if id != "" {
		kind += " id"
	}
	d.add(fmt.Sprintf("%s note=%v %s", kind, metadata[NoteMetadata], data["text/plain"]))
}
func (*displays) ClearOutput(bool)                                    {}
func (*displays) Input(context.Context, string, bool) (string, error) { return "", nil }

func (d *displays) add(line string) {
	d.mu.Lock()
	d.lines = append(d.lines, line)
	d.mu.Unlock()
	if d.shown != nil {
		d.shown <- struct{}{}
	}
}

func (d *displays) String() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.lines, "\n")
}

func TestNote(t *testing.T) {
	d := &displays{}
	Note(d, "note: two\nlines")
	if got, want := d.String(), "display note=true note: two\nlines"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestProgressQuick(t *testing.T) {
	d := &displays{}
	p := StartProgress(d, "building")
	p.Set("loading")
	p.Finish("built")
	if got := d.String(); got != "" {
		t.Errorf("a step quicker than a second showed %q", got)
	}
	StartProgress(nil, "nowhere").Finish("done") // a nil Output shows nothing and does not block
}

func TestProgressSlow(t *testing.T) {
	d := &displays{shown: make(chan struct{}, 16)}
	p := StartProgress(d, "building")
	select {
	case <-d.shown:
	case <-time.After(30 * time.Second):
		t.Fatal("no display after 30 s")
	}
	p.Set("loading")
	p.Finish("built")
	lines := strings.Split(d.String(), "\n")
	if len(lines) < 3 {
		t.Fatalf("got %q, want a display, its update to loading and the final one", lines)
	}
	if !strings.HasPrefix(lines[0], "display id note=true building … ") {
		t.Errorf("first: %q", lines[0])
	}
	if !strings.HasPrefix(lines[len(lines)-2], "update id note=true loading … ") {
		t.Errorf("after Set: %q", lines[len(lines)-2])
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "update id note=true built (") || !strings.HasSuffix(last, " s)") {
		t.Errorf("last: %q", last)
	}
}

func TestIsNote(t *testing.T) {
	_, metadata := NoteDisplay("x")
	for _, tt := range []struct {
		metadata map[string]any
		want     bool
	}{
		{metadata, true},
		{nil, false},
		{map[string]any{"image/png": map[string]any{"width": 3}}, false},
		{map[string]any{NoteMetadata: "yes"}, false},
	} {
		if got := IsNote(tt.metadata); got != tt.want {
			t.Errorf("IsNote(%v) = %v, want %v", tt.metadata, got, tt.want)
		}
	}
}
