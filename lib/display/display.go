package display

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"  // DecodeConfig of sniffed GIF bytes
	_ "image/jpeg" // DecodeConfig of sniffed JPEG bytes
	"image/png"
	"net/http"
	"strings"
	"sync"

	"github.com/gilgo/gilgo/engine"
)

// Sink receives what cells display; the session implements it for the
// current cell.
type Sink interface {
	Display(data engine.MIMEBundle, metadata map[string]any, displayID string, update bool)
	ClearOutput(wait bool)
}

// MIMEBundler is a value that describes its own display: MIME type to data
// (strings for text and base64 binary types, JSON values for JSON types).
type MIMEBundler interface {
	MimeBundle() map[string]any
}

// Data is a ready MIME bundle with optional metadata; it displays itself.
type Data struct {
	Bundle   map[string]any
	Metadata map[string]any
}

// MimeBundle implements MIMEBundler.
func (d Data) MimeBundle() map[string]any { return d.Bundle }

// MimeMetadata returns the bundle's metadata.
func (d Data) MimeMetadata() map[string]any { return d.Metadata }

// MIME returns Data with one representation.
func MIME(mimeType string, data any) Data {
	return Data{Bundle: map[string]any{mimeType: data}}
}

// With returns a copy of d with one more representation.
func (d Data) With(mimeType string, data any) Data {
	out := Data{Bundle: make(map[string]any, len(d.Bundle)+1), Metadata: d.Metadata}
	for k, v := range d.Bundle {
		out.Bundle[k] = v
	}
	out.Bundle[mimeType] = data
	return out
}

// HTMLData returns HTML as Data.
func HTMLData(s string) Data { return MIME("text/html", s) }

// MarkdownData returns Markdown as Data.
func MarkdownData(s string) Data { return MIME("text/markdown", s) }

// SVGData returns an SVG document as Data.
func SVGData(s string) Data { return MIME("image/svg+xml", s) }

// TextData returns plain text as Data.
func TextData(s string) Data { return MIME("text/plain", s) }

// LaTeXData returns LaTeX as Data. Math without $ delimiters or a \begin
// environment is wrapped in $$ … $$ so that front ends render it.
func LaTeXData(s string) Data {
	t := strings.TrimSpace(s)
	if !strings.Contains(t, "$") && !strings.HasPrefix(t, `\begin`) {
		t = "$$" + t + "$$"
	}
	return MIME("text/latex", t).With("text/plain", s)
}

// PNGData returns PNG bytes as Data (base64, with width and height when
// the header decodes).
func PNGData(b []byte) Data { return imageBytes("image/png", b) }

// JPEGData returns JPEG bytes as Data.
func JPEGData(b []byte) Data { return imageBytes("image/jpeg", b) }

func imageBytes(mimeType string, b []byte) Data {
	d := MIME(mimeType, base64.StdEncoding.EncodeToString(b))
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil {
		d.Metadata = map[string]any{mimeType: map[string]any{"width": cfg.Width, "height": cfg.Height}}
		return d.With("text/plain", fmt.Sprintf("<%s %dx%d>", mimeType, cfg.Width, cfg.Height))
	}
	return d.With("text/plain", fmt.Sprintf("<%s %d bytes>", mimeType, len(b)))
}

// ImageData encodes img as PNG Data; an encoding failure gives a text/plain
// message.
func ImageData(img image.Image) Data {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TextData(fmt.Sprintf("display: encode png: %v", err))
	}
	return PNGData(buf.Bytes())
}

// JSONData returns v as application/json Data, with indented text/plain. A
// string or []byte holding valid JSON is taken as JSON text; anything else
// is marshalled. A value that cannot be marshalled gives a text/plain
// message.
func JSONData(v any) Data {
	var raw []byte
	switch x := v.(type) {
	case string:
		if json.Valid([]byte(x)) {
			raw = []byte(x)
		}
	case []byte:
		if json.Valid(x) {
			raw = x
		}
	case json.RawMessage:
		raw = x
	}
	if raw == nil {
		b, err := json.Marshal(v)
		if err != nil {
			return TextData(fmt.Sprintf("display: json: %v", err))
		}
		raw = b
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return TextData(fmt.Sprintf("display: json: %v", err))
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		pretty.Reset()
		pretty.Write(raw)
	}
	return MIME("application/json", generic).With("text/plain", pretty.String())
}

type htmler interface{ HTML() string }
type markdowner interface{ Markdown() string }
type svger interface{ SVG() string }
type metadataer interface{ MimeMetadata() map[string]any }

// Bundle renders v richly for a cell's trailing expression: Data, Chart, a
// MIMEBundler, a value with an HTML, Markdown or SVG method, an image.Image,
// or []byte holding a PNG, JPEG or GIF image. ok is false for other values,
// which the session formats itself. A *Handle gives ok with an empty bundle:
// it was shown already, and nothing more should be.
func Bundle(v any) (data engine.MIMEBundle, metadata map[string]any, ok bool) {
	var d Data
	switch x := v.(type) {
	case nil:
		return nil, nil, false
	case *Handle:
		return engine.MIMEBundle{}, map[string]any{}, x != nil
	case MIMEBundler:
		d.Bundle = x.MimeBundle()
		if m, ok := v.(metadataer); ok {
			d.Metadata = m.MimeMetadata()
		}
		if d.Bundle == nil {
			return nil, nil, false
		}
	case htmler:
		d = HTMLData(x.HTML())
	case markdowner:
		d = MarkdownData(x.Markdown())
	case svger:
		d = SVGData(x.SVG())
	case image.Image:
		d = ImageData(x)
	case []byte:
		switch ct := http.DetectContentType(x); ct {
		case "image/png", "image/jpeg", "image/gif":
			d = imageBytes(ct, x)
		default:
			return nil, nil, false
		}
	default:
		return nil, nil, false
	}
	data = make(engine.MIMEBundle, len(d.Bundle))
	for k, val := range d.Bundle {
		data[k] = val
	}
	metadata = make(map[string]any, len(d.Metadata))
	for k, val := range d.Metadata {
		metadata[k] = val
	}
	return data, metadata, true
}

// render is Bundle for Display: everything displays, []byte is sniffed and
// other values become text/plain.
func render(v any) (engine.MIMEBundle, map[string]any) {
	if data, md, ok := Bundle(v); ok {
		return data, md
	}
	switch x := v.(type) {
	case string:
		return engine.MIMEBundle{"text/plain": x}, map[string]any{}
	case []byte:
		ct := http.DetectContentType(x)
		switch {
		case bytes.HasPrefix(bytes.TrimSpace(x), []byte("<svg")):
			return engine.MIMEBundle{"image/svg+xml": string(x)}, map[string]any{}
		case strings.HasPrefix(ct, "text/html"):
			return engine.MIMEBundle{"text/html": string(x)}, map[string]any{}
		case strings.HasPrefix(ct, "text/"):
			return engine.MIMEBundle{"text/plain": string(x)}, map[string]any{}
		}
	}
	return engine.MIMEBundle{"text/plain": fmt.Sprint(v)}, map[string]any{}
}

// Env binds the cell functions to a sink. Its methods are what cells call
// as display.HTML, display.Show and so on (see Package).
type Env struct {
	sink func() Sink
}

// NewEnv returns the functions for cells bound to sink, which is called at
// display time and may return nil (then nothing is shown).
func NewEnv(sink func() Sink) *Env { return &Env{sink: sink} }

func (e *Env) send(data engine.MIMEBundle, md map[string]any, id string, update bool) {
	if e == nil || e.sink == nil {
		return
	}
	if s := e.sink(); s != nil {
		s.Display(data, md, id, update)
	}
}

func (e *Env) show(d Data) {
	data, md, _ := Bundle(d)
	e.send(data, md, "", false)
}

// HTML shows HTML.
func (e *Env) HTML(s string) { e.show(HTMLData(s)) }

// Markdown shows Markdown.
func (e *Env) Markdown(s string) { e.show(MarkdownData(s)) }

// SVG shows an SVG document.
func (e *Env) SVG(s string) { e.show(SVGData(s)) }

// PNG shows PNG bytes.
func (e *Env) PNG(b []byte) { e.show(PNGData(b)) }

// JPEG shows JPEG bytes.
func (e *Env) JPEG(b []byte) { e.show(JPEGData(b)) }

// JSON shows v as JSON (see JSONData).
func (e *Env) JSON(v any) { e.show(JSONData(v)) }

// LaTeX shows LaTeX (see LaTeXData).
func (e *Env) LaTeX(s string) { e.show(LaTeXData(s)) }

// Text shows plain text.
func (e *Env) Text(s string) { e.show(TextData(s)) }

// Image shows an image as PNG.
func (e *Env) Image(img image.Image) { e.show(ImageData(img)) }

// Display shows v in its richest form (see Bundle); []byte is sniffed for
// images, SVG, HTML and text, anything else is shown as text/plain.
func (e *Env) Display(v any) {
	data, md := render(v)
	e.send(data, md, "", false)
}

// Rich shows b. Display cannot see the methods of types declared in cells
// (the interpreter passes them to compiled code as bare structs); a
// parameter of interface type makes the interpreter wrap them, so cells
// show their own MIMEBundler types with display.Rich(v).
func (e *Env) Rich(b MIMEBundler) {
	if b == nil {
		return
	}
	data, md, ok := Bundle(b)
	if !ok {
		return
	}
	e.send(data, md, "", false)
}

// ClearOutput clears the cell's output, when the next output arrives if
// wait is set.
func (e *Env) ClearOutput(wait bool) {
	if e == nil || e.sink == nil {
		return
	}
	if s := e.sink(); s != nil {
		s.ClearOutput(wait)
	}
}

// New returns a handle for v with a fresh display id; nothing is shown until
// Show or Update.
func (e *Env) New(v any) *Handle {
	return &Handle{env: e, id: newID(), value: v}
}

// Show shows v and returns its handle.
func (e *Env) Show(v any) *Handle {
	h := e.New(v)
	h.Show()
	return h
}

// newID returns a random (version 4) UUID; the package avoids the uuid
// module so that runtime keeps to the dependencies ARCHITECTURE.md lists.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Handle is an output that can be replaced later, also from another cell or
// a goroutine. Safe for concurrent use.
type Handle struct {
	env   *Env
	id    string
	mu    sync.Mutex
	value any
	shown bool
}

// ID returns the display id.
func (h *Handle) ID() string { return h.id }

// Show displays the handle's current value as a new output.
func (h *Handle) Show() {
	h.mu.Lock()
	defer h.mu.Unlock()
	data, md := render(h.value)
	h.shown = true
	h.env.send(data, md, h.id, false)
}

// Update replaces the output with v everywhere it is shown; a handle not
// shown yet is shown.
func (h *Handle) Update(v any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.value = v
	data, md := render(v)
	update := h.shown
	h.shown = true
	h.env.send(data, md, h.id, update)
}
