package engine

import (
	"fmt"
	"sync"
	"time"
)

// NoteMetadata is the display metadata of every note and progress display,
// which tells them from the displays of the cell's program.
const NoteMetadata = "gilgo_note"

// Note shows text (one line or more, without a trailing newline) from gilgo
// itself as a display_data of the cell, marked with NoteMetadata.
func Note(out Output, text string) {
	data, metadata := NoteDisplay(text)
	out.Display(data, metadata, "", false)
}

// NoteDisplay is the data and metadata of a note showing text, for code
// that sends a display without an Output (the worker's wire).
func NoteDisplay(text string) (MIMEBundle, map[string]any) {
	return MIMEBundle{"text/plain": text}, map[string]any{NoteMetadata: true}
}

// IsNote reports whether a display's metadata marks it as a note of
// gilgo's (Note, Progress).
func IsNote(metadata map[string]any) bool { return metadata[NoteMetadata] == true }

// Progress shows what a slow step of gilgo's is doing, in a note it
// updates in place, once the step has taken a second (a quick step shows
// nothing); the elapsed seconds tick while it runs. Its methods are safe
// for concurrent use.
type Progress struct {
	out   Output
	id    string
	start time.Time

	mu    sync.Mutex
	line  string
	shown bool
	stop  chan struct{}
	done  chan struct{}
}

// StartProgress starts a Progress showing line. A nil out shows nothing.
func StartProgress(out Output, line string) *Progress {
	p := &Progress{out: out, start: time.Now(), line: line, stop: make(chan struct{}), done: make(chan struct{}),
		id: fmt.Sprintf("gilgo-progress-%d", time.Now().UnixNano())}
	if out == nil {
		close(p.done)
		return p
	}
	go p.tick()
	return p
}

func (p *Progress) tick() {
	defer close(p.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.showLocked(false)
			p.mu.Unlock()
		}
	}
}

// showLocked displays (or updates) the current line with the time spent.
func (p *Progress) showLocked(final bool) {
	text := fmt.Sprintf("%s … %.0f s", p.line, time.Since(p.start).Seconds())
	if final {
		text = fmt.Sprintf("%s (%.1f s)", p.line, time.Since(p.start).Seconds())
	}
	data, metadata := NoteDisplay(text)
	p.out.Display(data, metadata, p.id, p.shown)
	p.shown = true
}

// Set changes the line shown.
func (p *Progress) Set(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line = line
	if p.shown {
		p.showLocked(false)
	}
}

// Finish stops the ticking; a display already shown ends with line and
// the time taken. Call it once.
func (p *Progress) Finish(line string) {
	if p.out == nil {
		return
	}
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.shown {
		return
	}
	p.line = line
	p.showLocked(true)
}
