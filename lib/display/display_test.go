package display

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gilgo/gilgo/engine"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// event is one call on the recording sink.
type event struct {
	Data    engine.MIMEBundle
	Meta    map[string]any
	ID      string
	Update  bool
	Clear   bool
	WaitArg bool
}

type recorder struct {
	mu     sync.Mutex
	events []event
}

func (r *recorder) Display(data engine.MIMEBundle, md map[string]any, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{Data: data, Meta: md, ID: id, Update: update})
}

func (r *recorder) ClearOutput(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{Clear: true, WaitArg: wait})
}

func testImage() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	return img
}

func pngBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type htmlValue struct{}

func (htmlValue) HTML() string { return "<i>h</i>" }

type mdValue struct{}

func (mdValue) Markdown() string { return "*m*" }

type bundler struct{}

func (bundler) MimeBundle() map[string]any { return map[string]any{"text/x-custom": "c"} }
func (bundler) MimeMetadata() map[string]any {
	return map[string]any{"text/x-custom": map[string]any{"k": 1}}
}

type stringer struct{}

func (stringer) String() string { return "str" }

func TestBundle(t *testing.T) {
	pngData := pngBytes(t)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name string
		v    any
		ok   bool
		want engine.MIMEBundle
		meta map[string]any
	}{
		{"nil", nil, false, nil, nil},
		{"int", 3, false, nil, nil},
		{"string", "<b>", false, nil, nil},
		{"stringer", stringer{}, false, nil, nil},
		{"error", errors.New("e"), false, nil, nil},
		{"text bytes", []byte("hello"), false, nil, nil},
		{"html data", HTMLData("<b>x</b>"), true, engine.MIMEBundle{"text/html": "<b>x</b>"}, map[string]any{}},
		{"data pointer", func() *Data { d := MarkdownData("# t"); return &d }(), true, engine.MIMEBundle{"text/markdown": "# t"}, map[string]any{}},
		{"svg data", SVGData("<svg/>"), true, engine.MIMEBundle{"image/svg+xml": "<svg/>"}, map[string]any{}},
		{"text data", TextData("t"), true, engine.MIMEBundle{"text/plain": "t"}, map[string]any{}},
		{"latex wrapped", LaTeXData(`x^2`), true, engine.MIMEBundle{"text/latex": "$$x^2$$", "text/plain": "x^2"}, map[string]any{}},
		{"latex kept", LaTeXData(`$x$`), true, engine.MIMEBundle{"text/latex": "$x$", "text/plain": "$x$"}, map[string]any{}},
		{"json value", JSONData(map[string]int{"a": 1}), true, engine.MIMEBundle{"application/json": map[string]any{"a": 1.0}, "text/plain": "{\n  \"a\": 1\n}"}, map[string]any{}},
		{"json text", JSONData(`[1, "x"]`), true, engine.MIMEBundle{"application/json": []any{1.0, "x"}, "text/plain": "[\n  1,\n  \"x\"\n]"}, map[string]any{}},
		{"json plain string", JSONData("hi"), true, engine.MIMEBundle{"application/json": "hi", "text/plain": `"hi"`}, map[string]any{}},
		{"json error", JSONData(math.Inf(1)), true, engine.MIMEBundle{"text/plain": "display: json: json: unsupported value: +Inf"}, map[string]any{}},
		{"mime with", MIME("text/html", "h").With("text/plain", "p"), true, engine.MIMEBundle{"text/html": "h", "text/plain": "p"}, map[string]any{}},
		{"bundler", bundler{}, true, engine.MIMEBundle{"text/x-custom": "c"}, map[string]any{"text/x-custom": map[string]any{"k": 1}}},
		{"html method", htmlValue{}, true, engine.MIMEBundle{"text/html": "<i>h</i>"}, map[string]any{}},
		{"markdown method", mdValue{}, true, engine.MIMEBundle{"text/markdown": "*m*"}, map[string]any{}},
		{"image", testImage(), true, engine.MIMEBundle{"image/png": b64(pngData), "text/plain": "<image/png 3x2>"},
			map[string]any{"image/png": map[string]any{"width": 3, "height": 2}}},
		{"png bytes", pngData, true, engine.MIMEBundle{"image/png": b64(pngData), "text/plain": "<image/png 3x2>"},
			map[string]any{"image/png": map[string]any{"width": 3, "height": 2}}},
		{"jpeg bytes", jpg.Bytes(), true, engine.MIMEBundle{"image/jpeg": b64(jpg.Bytes()), "text/plain": "<image/jpeg 3x2>"},
			map[string]any{"image/jpeg": map[string]any{"width": 3, "height": 2}}},
		{"bad png", PNGData([]byte("nope")), true, engine.MIMEBundle{"image/png": b64([]byte("nope")), "text/plain": "<image/png 4 bytes>"}, map[string]any{}},
		{"handle", NewEnv(nil).New(1), true, engine.MIMEBundle{}, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, meta, ok := Bundle(tt.v)
			if ok != tt.ok {
				t.Fatalf("Bundle(%#v) ok = %v, want %v", tt.v, ok, tt.ok)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("bundle = %#v, want %#v", got, tt.want)
			}
			if tt.ok && !reflect.DeepEqual(meta, tt.meta) {
				t.Errorf("metadata = %#v, want %#v", meta, tt.meta)
			}
		})
	}
}

func TestDisplayRender(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want engine.MIMEBundle
	}{
		{"string", "plain <b>", engine.MIMEBundle{"text/plain": "plain <b>"}},
		{"int", 42, engine.MIMEBundle{"text/plain": "42"}},
		{"nil", nil, engine.MIMEBundle{"text/plain": "<nil>"}},
		{"stringer", stringer{}, engine.MIMEBundle{"text/plain": "str"}},
		{"html bytes", []byte("<html><body>x</body></html>"), engine.MIMEBundle{"text/html": "<html><body>x</body></html>"}},
		{"svg bytes", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), engine.MIMEBundle{"image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg"/>`}},
		{"text bytes", []byte("hello"), engine.MIMEBundle{"text/plain": "hello"}},
		{"binary bytes", []byte{0, 1, 2}, engine.MIMEBundle{"text/plain": "[0 1 2]"}},
		{"rich", HTMLData("h"), engine.MIMEBundle{"text/html": "h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			NewEnv(func() Sink { return r }).Display(tt.v)
			if len(r.events) != 1 || !reflect.DeepEqual(r.events[0].Data, tt.want) || r.events[0].ID != "" || r.events[0].Update {
				t.Fatalf("Display(%#v) sent %+v, want one display of %v", tt.v, r.events, tt.want)
			}
		})
	}
}

func TestHandle(t *testing.T) {
	r := &recorder{}
	e := NewEnv(func() Sink { return r })
	h := e.Show("one")
	h.Update(HTMLData("<b>two</b>"))
	if h.ID() == "" {
		t.Fatal("empty display id")
	}
	h2 := e.New("never shown")
	h2.Update("three") // first output of h2: a display, not an update
	want := []event{
		{Data: engine.MIMEBundle{"text/plain": "one"}, Meta: map[string]any{}, ID: h.ID()},
		{Data: engine.MIMEBundle{"text/html": "<b>two</b>"}, Meta: map[string]any{}, ID: h.ID(), Update: true},
		{Data: engine.MIMEBundle{"text/plain": "three"}, Meta: map[string]any{}, ID: h2.ID()},
	}
	if !reflect.DeepEqual(r.events, want) {
		t.Fatalf("events = %+v\nwant %+v", r.events, want)
	}
	if h.ID() == h2.ID() {
		t.Fatal("two handles share an id")
	}
}

func TestNilSink(t *testing.T) {
	for _, e := range []*Env{NewEnv(nil), NewEnv(func() Sink { return nil })} {
		e.HTML("x")
		e.ClearOutput(true)
		e.Show(1).Update(2)
	}
}

// TestExportsInYaegi runs the package through a real interpreter.
func TestExportsInYaegi(t *testing.T) {
	r := &recorder{}
	cur := Sink(r)
	var mu sync.Mutex
	i := interp.New(interp.Options{Stdout: io.Discard, Stderr: io.Discard})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(Package(func() Sink { mu.Lock(); defer mu.Unlock(); return cur }).Exports()); err != nil {
		t.Fatal(err)
	}
	cells := []string{
		`import "display"`,
		`display.HTML("<b>x</b>")`,
		`display.Markdown("# m")`,
		`display.ClearOutput(true)`,
		`h := display.Show("first")`,
		`h.Update("second")`,
		`display.JSON(map[string]int{"n": 1})`,
		`type T struct{ N int }`,
		`func (t T) MimeBundle() map[string]any { return map[string]any{"text/html": "<i>t</i>"} }`,
		`display.Rich(T{N: 1})`,
		`c := display.LinePlot("t", display.Series{Name: "a", Y: []float64{1, 2}})`,
		`c.XLabel = "x"`,
		`display.Display(c)`,
	}
	for _, c := range cells {
		if _, err := i.Eval(c); err != nil {
			t.Fatalf("Eval(%q): %v", c, err)
		}
	}
	if len(r.events) != 8 {
		t.Fatalf("%d events: %+v", len(r.events), r.events)
	}
	checks := []struct {
		i    int
		mime string
		want string
	}{
		{0, "text/html", "<b>x</b>"},
		{1, "text/markdown", "# m"},
		{3, "text/plain", "first"},
		{4, "text/plain", "second"},
		{6, "text/html", "<i>t</i>"},
	}
	for _, c := range checks {
		if got := r.events[c.i].Data[c.mime]; got != c.want {
			t.Errorf("event %d %s = %v, want %q", c.i, c.mime, got, c.want)
		}
	}
	if ev := r.events[2]; !ev.Clear || !ev.WaitArg {
		t.Errorf("event 2 = %+v, want clear_output(wait)", ev)
	}
	if a, b := r.events[3], r.events[4]; a.ID == "" || a.ID != b.ID || a.Update || !b.Update {
		t.Errorf("handle events %+v, %+v", a, b)
	}
	if svg, _ := r.events[7].Data["image/svg+xml"].(string); !strings.Contains(svg, ">x</text>") {
		t.Errorf("chart event lacks x label: %v", r.events[7].Data)
	}

	// A trailing value is rendered by the session with Bundle.
	v, err := i.Eval(`display.HTMLData("<p>v</p>")`)
	if err != nil {
		t.Fatal(err)
	}
	data, _, ok := Bundle(v.Interface())
	if !ok || data["text/html"] != "<p>v</p>" {
		t.Fatalf("Bundle(trailing) = %v, %v", data, ok)
	}

	// The sink is looked up at display time: a later cell's sink gets it.
	r2 := &recorder{}
	mu.Lock()
	cur = r2
	mu.Unlock()
	if _, err := i.Eval(`h.Update("third")`); err != nil {
		t.Fatal(err)
	}
	if len(r2.events) != 1 || !r2.events[0].Update || r2.events[0].ID != r.events[3].ID {
		t.Fatalf("update through the new sink: %+v", r2.events)
	}
}

func TestChartSVG(t *testing.T) {
	sq := make([]float64, 11)
	for i := range sq {
		sq[i] = float64(i * i)
	}
	tests := []struct {
		golden string
		chart  *Chart
	}{
		{"line.svg", func() *Chart {
			c := LinePlot("Squares & roots", Series{Name: "n²", Y: sq},
				Series{Name: "10·√n", X: []float64{0, 2, 4, 6, 8, 10}, Y: []float64{0, 14.14, 20, 24.49, 28.28, 31.62}})
			c.XLabel, c.YLabel = "n", "value"
			return c
		}()},
		{"line_gap.svg", LinePlot("", Series{Y: []float64{-0.5, 0.25, math.NaN(), 0.75, 1}})},
		{"bar.svg", func() *Chart {
			c := BarChart("GIL contention", []string{"1 thread", "2 threads", "4 threads"},
				Series{Name: "GIL on", Y: []float64{1, 1.9, 3.7}}, Series{Name: "GIL off", Y: []float64{1, 1.1, 1.2}})
			c.YLabel = "seconds"
			return c
		}()},
		{"bar_negative.svg", BarChart("delta", nil, Series{Y: []float64{3, -2, 0.5}})},
		{"empty.svg", LinePlot("nothing")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got := tt.chart.SVG()
			checkXML(t, got)
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run go test -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from golden; run go test -update and review the diff\ngot:\n%s", tt.golden, got)
			}
			if strings.Contains(got, "NaN") || strings.Contains(got, "Inf") {
				t.Errorf("non-finite number in SVG")
			}
		})
	}
}

func checkXML(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
}

func TestNiceAxis(t *testing.T) {
	tests := []struct {
		lo, hi       float64
		wantLo, step float64
		wantHi       float64
	}{
		{0, 100, 0, 20, 100},
		{0, 1, 0, 0.2, 1},
		{-3, 7, -4, 2, 8},
		{5, 5, 4, 0.5, 6},
		{0.001, 0.0042, 0.001, 0.001, 0.005},
		{math.Inf(1), math.Inf(-1), 0, 0.2, 1},
	}
	for _, tt := range tests {
		a := niceAxis(tt.lo, tt.hi)
		if math.Abs(a.lo-tt.wantLo) > 1e-12 || math.Abs(a.hi-tt.wantHi) > 1e-12 || math.Abs(a.step-tt.step) > 1e-12 {
			t.Errorf("niceAxis(%v, %v) = [%v, %v] step %v, want [%v, %v] step %v", tt.lo, tt.hi, a.lo, a.hi, a.step, tt.wantLo, tt.wantHi, tt.step)
		}
	}
}

// TestHandleConcurrent updates one handle from many goroutines; run with
// -race.
func TestHandleConcurrent(t *testing.T) {
	r := &recorder{}
	h := NewEnv(func() Sink { return r }).Show(0)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				h.Update(i)
			}
		}()
	}
	wg.Wait()
	if len(r.events) != 81 {
		t.Fatalf("%d events, want 81", len(r.events))
	}
	for _, e := range r.events[1:] {
		if e.ID != h.ID() || !e.Update {
			t.Fatalf("event %+v", e)
		}
	}
}

func TestNewID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id := newID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("id %q: not a fresh v4 uuid", id)
		}
		seen[id] = true
	}
}
