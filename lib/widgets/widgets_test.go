package widgets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// fakeHost is a session for the widgets: it keeps the comms sent, runs
// callbacks at once and redirects output on one goroutine.
type fakeHost struct {
	mu      sync.Mutex
	handler func(engine.Comm, engine.Output) error
	sent    []engine.Comm
	out     *fakeOut
}

type fakeOut struct {
	h      *fakeHost
	mu     sync.Mutex
	stdout strings.Builder
}

func (o *fakeOut) Stream(_, text string) {
	o.mu.Lock()
	o.stdout.WriteString(text)
	o.mu.Unlock()
}
func (o *fakeOut) Result(engine.MIMEBundle, map[string]any)                {}
func (o *fakeOut) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (o *fakeOut) ClearOutput(bool)                                        {}
func (o *fakeOut) Input(context.Context, string, bool) (string, error)     { return "", errors.New("no") }
func (o *fakeOut) Comm(c engine.Comm) {
	o.h.mu.Lock()
	o.h.sent = append(o.h.sent, c)
	o.h.mu.Unlock()
}

func (h *fakeHost) RegisterCommTarget(target string, f func(engine.Comm, engine.Output) error) {
	h.handler = f
}
func (h *fakeHost) CommOutput() engine.CommOutput {
	if h.out == nil {
		h.out = &fakeOut{h: h}
	}
	return h.out
}
func (h *fakeHost) SendComm(out engine.CommOutput, c engine.Comm) { out.Comm(c) }
func (h *fakeHost) RunCallback(out engine.Output, f func())       { f() }
func (h *fakeHost) Redirect(out engine.Output, f func())          { f() }

func (h *fakeHost) comms() []engine.Comm {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]engine.Comm{}, h.sent...)
}

// frontend sends the comm message a frontend would.
func (h *fakeHost) frontend(t *testing.T, id string, data map[string]any) {
	t.Helper()
	if err := h.handler(engine.Comm{Type: engine.CommMsg, ID: id, Data: data}, h.CommOutput().(engine.Output)); err != nil {
		t.Fatal(err)
	}
}

func stateUpdate(state map[string]any) map[string]any {
	return map[string]any{"method": "update", "state": state, "buffer_paths": []any{}}
}

// TestModels: every model opens its comm on target jupyter.widget with
// protocol 2.1.0 and ipywidgets 8's model and view names, after the
// Layout and Style models it refers to; a state change from the frontend
// is what Get returns (in the model's Go kind), and Set sends an update.
func TestModels(t *testing.T) {
	h := &fakeHost{}
	m := NewManager(h)
	for _, tc := range []struct {
		w      *Widget
		model  string
		module string
		set    map[string]any // from the frontend
		name   string
		want   any
	}{
		{m.IntSlider(5, 0, 10), "IntSliderModel", controlsModule, map[string]any{"value": 7.0}, "value", 7},
		{m.FloatSlider(0.5, 0, 1), "FloatSliderModel", controlsModule, map[string]any{"value": 0.25}, "value", 0.25},
		{m.IntRangeSlider(2, 4, 0, 10), "IntRangeSliderModel", controlsModule, map[string]any{"value": []any{1.0, 3.0}}, "value", []any{1.0, 3.0}},
		{m.Checkbox(false, "on"), "CheckboxModel", controlsModule, map[string]any{"value": true}, "value", true},
		{m.ToggleButton(false, "t"), "ToggleButtonModel", controlsModule, map[string]any{"value": true}, "value", true},
		{m.Text("a"), "TextModel", controlsModule, map[string]any{"value": "typed"}, "value", "typed"},
		{m.Textarea("a"), "TextareaModel", controlsModule, map[string]any{"value": "x\ny"}, "value", "x\ny"},
		{m.Dropdown([]string{"a", "b", "c"}, "b"), "DropdownModel", controlsModule, map[string]any{"index": 2.0}, "value", "c"},
		{m.RadioButtons([]string{"x", "y"}, "x"), "RadioButtonsModel", controlsModule, map[string]any{"index": 1.0}, "value", "y"},
		{m.Button("go"), "ButtonModel", controlsModule, map[string]any{"description": "went"}, "description", "went"},
		{m.Label("l"), "LabelModel", controlsModule, map[string]any{"value": "m"}, "value", "m"},
		{m.HTML("<b>h</b>"), "HTMLModel", controlsModule, map[string]any{"value": "<i>i</i>"}, "value", "<i>i</i>"},
		{m.Play(0, 0, 10), "PlayModel", controlsModule, map[string]any{"value": 3.0}, "value", 3},
		{m.Output(), "OutputModel", outputModule, map[string]any{"msg_id": "m1"}, "msg_id", "m1"},
		{m.HBox(), "HBoxModel", controlsModule, map[string]any{"box_style": "info"}, "box_style", "info"},
		{m.VBox(), "VBoxModel", controlsModule, map[string]any{"box_style": "warning"}, "box_style", "warning"},
	} {
		t.Run(tc.model, func(t *testing.T) {
			var open *engine.Comm
			opened := map[string]bool{}
			for _, c := range h.comms() {
				if c.Type == engine.CommOpen {
					opened[c.ID] = true
					if c.ID == tc.w.ID() {
						c := c
						open = &c
						break
					}
				}
			}
			if open == nil {
				t.Fatal("no comm_open")
			}
			state := open.Data["state"].(map[string]any)
			if open.Target != Target || open.Metadata["version"] != ProtocolVersion || state["_model_name"] != tc.model || state["_model_module"] != tc.module ||
				state["_view_name"] != strings.TrimSuffix(tc.model, "Model")+"View" {
				t.Errorf("comm_open: target %q metadata %v state %v", open.Target, open.Metadata, state)
			}
			for _, ref := range []string{"layout", "style"} {
				if v, ok := state[ref].(string); ok && !opened[strings.TrimPrefix(v, "IPY_MODEL_")] {
					t.Errorf("%s %s refers to a model not opened before", ref, v)
				}
			}
			h.frontend(t, tc.w.ID(), stateUpdate(tc.set))
			if got := tc.w.Get(tc.name); !equalJSON(got, tc.want) {
				t.Errorf("after the frontend's update, Get(%q) = %#v, want %#v", tc.name, got, tc.want)
			}
			n := len(h.comms())
			tc.w.Set("disabled", true)
			sent := h.comms()
			if len(sent) != n+1 || sent[n].Type != engine.CommMsg || sent[n].Data["method"] != "update" || sent[n].Data["state"].(map[string]any)["disabled"] != true {
				t.Errorf("Set sent %+v", sent[n:])
			}
			if mb := tc.w.MimeBundle(); mb[ViewMIME].(map[string]any)["model_id"] != tc.w.ID() || mb["text/plain"] == "" {
				t.Errorf("MimeBundle %v", mb)
			}
		})
	}
}

func equalJSON(a, b any) bool {
	if as, ok := a.([]any); ok {
		bs, ok := b.([]any)
		if !ok || len(as) != len(bs) {
			return false
		}
		for i := range as {
			if as[i] != bs[i] {
				return false
			}
		}
		return true
	}
	return a == b
}

// TestObserveAndClick: observers get old and new values in the model's
// kind, only for changes; a click runs OnClick; request_state resends the
// whole state; Link keeps two values equal.
func TestObserveAndClick(t *testing.T) {
	h := &fakeHost{}
	m := NewManager(h)
	s := m.IntSlider(5, 0, 10)
	var got []string
	s.Observe("value", func(old, new any) { got = append(got, fmt.Sprintf("%v->%v", old, new)) })
	h.frontend(t, s.ID(), stateUpdate(map[string]any{"value": 7.0}))
	h.frontend(t, s.ID(), stateUpdate(map[string]any{"value": 7.0})) // no change
	s.SetValue(2)
	if strings.Join(got, ",") != "5->7,7->2" {
		t.Errorf("observed %v", got)
	}
	b := m.Button("go")
	clicks := 0
	b.OnClick(func() { clicks++ })
	h.frontend(t, b.ID(), map[string]any{"method": "custom", "content": map[string]any{"event": "click"}})
	if clicks != 1 {
		t.Errorf("clicks %d", clicks)
	}
	n := len(h.comms())
	h.frontend(t, s.ID(), map[string]any{"method": "request_state"})
	if sent := h.comms(); len(sent) != n+1 || sent[n].Data["state"].(map[string]any)["_model_name"] != "IntSliderModel" {
		t.Errorf("request_state answered %+v", sent[n:])
	}
	t2 := m.IntSlider(0, 0, 10)
	m.Link(s, "value", t2, "value")
	h.frontend(t, s.ID(), stateUpdate(map[string]any{"value": 9.0}))
	if t2.Value() != 9 {
		t.Errorf("linked value %v", t2.Value())
	}
	h.frontend(t, t2.ID(), stateUpdate(map[string]any{"value": 4.0}))
	if s.Value() != 4 {
		t.Errorf("linked back %v", s.Value())
	}
}

// TestOutputCapture: what a captured func prints becomes the Output
// widget's outputs, merged by stream; ClearOutput empties them.
func TestOutputCapture(t *testing.T) {
	h := &fakeHost{}
	m := NewManager(h)
	o := m.Output()
	out := &widgetOutput{w: o}
	out.Stream("stdout", "a")
	out.Stream("stdout", "b\n")
	out.Display(engine.MIMEBundle{"text/plain": "x"}, nil, "", false)
	outs := o.Get("outputs").([]any)
	if len(outs) != 2 || outs[0].(map[string]any)["text"] != "ab\n" || outs[1].(map[string]any)["output_type"] != "display_data" {
		t.Errorf("outputs %v", outs)
	}
	o.ClearOutput()
	if outs := o.Get("outputs").([]any); len(outs) != 0 {
		t.Errorf("after ClearOutput %v", outs)
	}
}

// TestInteractCoalesces: 100 changes while the interacted func runs
// cause one more run, not a hundred.
func TestInteractCoalesces(t *testing.T) {
	h := &fakeHost{}
	m := NewManager(h)
	s := m.IntSlider(0, 0, 1000)
	var mu sync.Mutex
	runs := 0
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	m.Interact(func() {
		mu.Lock()
		runs++
		n := runs
		mu.Unlock()
		if n == 2 {
			started <- struct{}{}
			<-release
		}
	}, s)
	for i := 1; i <= 100; i++ {
		h.frontend(t, s.ID(), stateUpdate(map[string]any{"value": float64(i)}))
		if i == 1 {
			<-started // the second run holds while the other 99 arrive
		}
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := runs
		mu.Unlock()
		if n == 3 {
			break
		}
		if n > 3 || time.Now().After(deadline) {
			t.Fatalf("runs %d, want 3 (the first, the one the first change started, one for the 99 changes during it)", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if runs != 3 {
		t.Errorf("runs %d after settling, want 3", runs)
	}
}

// headlessHost carries no comms: widgets stay kernel-side.
type headlessHost struct{ fakeHost }

func (h *headlessHost) CommOutput() engine.CommOutput { return nil }

// TestCaptureHeadless: where no output carries comms, Capture lets f write
// to the calling cell instead of an Output widget nobody shows.
func TestCaptureHeadless(t *testing.T) {
	h := &headlessHost{}
	m := NewManager(h)
	o := m.Output()
	ran := false
	o.Capture(func() { ran = true })
	if !ran || len(h.comms()) != 0 {
		t.Errorf("ran %v, comms %v", ran, h.comms())
	}
	redirected := false
	h2 := &fakeHost{}
	m2 := NewManager(&redirectWatch{fakeHost: h2, seen: &redirected})
	m2.Output().Capture(func() {})
	if !redirected {
		t.Error("with a frontend, Capture did not redirect")
	}
}

type redirectWatch struct {
	*fakeHost
	seen *bool
}

func (r *redirectWatch) Redirect(out engine.Output, f func()) { *r.seen = true; f() }
