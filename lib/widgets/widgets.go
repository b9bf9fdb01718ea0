package widgets

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/hook"
)

// Target is the comm target of widget models; ProtocolVersion the
// widget message protocol spoken.
const (
	Target          = "jupyter.widget"
	ProtocolVersion = "2.1.0"
	// ViewMIME is the MIME type of a widget's view in a display.
	ViewMIME = "application/vnd.jupyter.widget-view+json"
)

// Module names and versions of ipywidgets 8's models.
const (
	baseModule     = "@jupyter-widgets/base"
	controlsModule = "@jupyter-widgets/controls"
	outputModule   = "@jupyter-widgets/output"
	baseVersion    = "2.0.0"
	controlsVer    = "2.0.0"
	outputVer      = "1.0.0"
)

// Manager owns a session's widgets: it opens their comms and routes the
// frontend's messages to them. One per session.
type Manager struct {
	host hook.CommHost

	mu      sync.Mutex
	widgets map[string]*Widget
}

// NewManager registers the widget comm target with host.
func NewManager(host hook.CommHost) *Manager {
	m := &Manager{host: host, widgets: map[string]*Widget{}}
	host.RegisterCommTarget(Target, m.handle)
	return m
}

// Widget is one widget model. Its state holds ipywidgets' names and
// JSON values (numbers as float64 once the frontend has set them; Get
// converts back to the kind the model declares).
type Widget struct {
	m    *Manager
	id   string
	name string // "IntSlider"

	mu        sync.Mutex
	state     map[string]any
	kinds     map[string]kind // state names whose values are not JSON's own
	observers map[string][]func(old, new any)
	clicks    []func()
	closed    bool
	layout    *Widget
	style     *Widget
	options   []string          // of Dropdown and RadioButtons: "value" is options[index]
	outputs   []any             // of Output: the outputs it shows
	home      engine.CommOutput // the output its comm was opened through
}

// kind is how a state value reaches Go code.
type kind int

const (
	kindAny kind = iota
	kindInt
	kindFloat
)

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// model makes a widget with the model and view of module and opens its
// comm; a DOM widget gets a Layout (and, when style is not "", a Style
// model of that name).
func (m *Manager) model(name, module, version, style string, dom bool, state map[string]any) *Widget {
	w := &Widget{m: m, id: newID(), name: name, state: map[string]any{}, kinds: map[string]kind{}, observers: map[string][]func(old, new any){}}
	viewModule, viewVersion := module, version
	for k, v := range map[string]any{
		"_model_module": module, "_model_module_version": version, "_model_name": name + "Model",
		"_view_module": viewModule, "_view_module_version": viewVersion, "_view_name": name + "View",
		"_view_count": nil,
	} {
		w.state[k] = v
	}
	if name == "Layout" || strings.HasSuffix(name, "Style") {
		w.state["_view_module"], w.state["_view_module_version"] = baseModule, baseVersion
		if name == "Layout" {
			w.state["_view_name"] = "LayoutView"
		} else {
			w.state["_view_name"] = "StyleView"
		}
	}
	if dom {
		w.layout = m.model("Layout", baseModule, baseVersion, "", false, nil)
		w.state["layout"] = "IPY_MODEL_" + w.layout.id
		w.state["_dom_classes"] = []any{}
		w.state["tabbable"] = nil
		w.state["tooltip"] = nil
		if style != "" {
			w.style = m.model(style, controlsModule, controlsVer, "", false, map[string]any{"description_width": ""})
			w.state["style"] = "IPY_MODEL_" + w.style.id
		}
	}
	for k, v := range state {
		w.state[k] = v
	}
	m.mu.Lock()
	m.widgets[w.id] = w
	m.mu.Unlock()
	w.home = m.host.CommOutput()
	w.send(engine.Comm{Type: engine.CommOpen, ID: w.id, Target: Target,
		Data:     map[string]any{"state": w.copyState(), "buffer_paths": []any{}},
		Metadata: map[string]any{"version": ProtocolVersion}})
	return w
}

// send sends c through the calling goroutine's cell when it carries
// comms, else through the output the widget was made in (a widget made
// where nothing carries comms, as in a headless run, stays kernel-side).
func (w *Widget) send(c engine.Comm) {
	out := w.m.host.CommOutput()
	if out == nil {
		out = w.home
	}
	if out != nil {
		w.m.host.SendComm(out, c)
	}
}

// description adds the state of a DescriptionWidget.
func description(desc string, state map[string]any) map[string]any {
	state["description"] = desc
	state["description_allow_html"] = false
	return state
}

func (w *Widget) copyState() map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := make(map[string]any, len(w.state))
	for k, v := range w.state {
		c[k] = v
	}
	return c
}

// ID is the widget's model id.
func (w *Widget) ID() string { return w.id }

// Get returns the state value of name (ipywidgets' name: "value", "min",
// "description"...), converted to the model's Go kind (int for an
// IntSlider's "value"); nil if the model has no such state.
func (w *Widget) Get(name string) any {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.getLocked(name)
}

func (w *Widget) getLocked(name string) any {
	if name == "value" && w.options != nil {
		i, ok := toInt(w.state["index"])
		if !ok || i < 0 || i >= len(w.options) {
			return ""
		}
		return w.options[i]
	}
	v := w.state[name]
	switch w.kinds[name] {
	case kindInt:
		if i, ok := toInt(v); ok {
			return i
		}
	case kindFloat:
		if f, ok := toFloat(v); ok {
			return f
		}
	}
	return v
}

// Value is Get("value").
func (w *Widget) Value() any { return w.Get("value") }

// Int is Get(name) as an int (0 when it is not a number).
func (w *Widget) Int(name string) int { i, _ := toInt(w.Get(name)); return i }

// Float is Get(name) as a float64 (0 when it is not a number).
func (w *Widget) Float(name string) float64 { f, _ := toFloat(w.Get(name)); return f }

// Bool is Get(name) as a bool.
func (w *Widget) Bool(name string) bool { b, _ := w.Get(name).(bool); return b }

// Str is Get(name) as a string, or fmt's form of it.
func (w *Widget) Str(name string) string {
	v := w.Get(name)
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// Set changes the state value of name, sends it to the frontend and runs
// the observers of name (as a change from the frontend does).
func (w *Widget) Set(name string, v any) {
	changes := w.apply(map[string]any{name: toJSON(v)}, true)
	w.notify(changes, nil)
}

// SetValue is Set("value", v).
func (w *Widget) SetValue(v any) { w.Set("value", v) }

// change is one state name whose value changed.
type change struct {
	name     string
	old, new any
}

// apply merges a state update (JSON values) and returns the changes, by
// their Go names ("value" for a Dropdown's "index"). send sends the
// update to the frontend.
func (w *Widget) apply(update map[string]any, send bool) []change {
	w.mu.Lock()
	if w.options != nil {
		if v, ok := update["value"]; ok {
			delete(update, "value")
			for i, o := range w.options {
				if o == fmt.Sprint(v) {
					update["index"] = float64(i)
				}
			}
		}
	}
	var changes []change
	keys := make([]string, 0, len(update))
	for k := range update {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		old := w.getLocked(k)
		oldValue := w.getLocked("value")
		w.state[k] = update[k]
		changes = append(changes, change{k, old, w.getLocked(k)})
		if k == "index" && w.options != nil {
			changes = append(changes, change{"value", oldValue, w.getLocked("value")})
		}
	}
	closed := w.closed
	w.mu.Unlock()
	if send && !closed {
		w.send(engine.Comm{Type: engine.CommMsg, ID: w.id,
			Data: map[string]any{"method": "update", "state": update, "buffer_paths": []any{}}})
	}
	return changes
}

// notify runs the observers of the changes that changed something, each
// through run (nil: on the calling goroutine).
func (w *Widget) notify(changes []change, run func(func())) {
	for _, c := range changes {
		if equal(c.old, c.new) {
			continue
		}
		w.mu.Lock()
		obs := append([]func(old, new any){}, w.observers[c.name]...)
		w.mu.Unlock()
		for _, f := range obs {
			old, new := c.old, c.new
			if run == nil {
				f(old, new)
			} else {
				run(func() { f(old, new) })
			}
		}
	}
}

// Observe calls f with the old and the new value whenever name changes
// (from the frontend or Set).
func (w *Widget) Observe(name string, f func(old, new any)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.observers[name] = append(w.observers[name], f)
}

// OnClick calls f when the user clicks the Button.
func (w *Widget) OnClick(f func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clicks = append(w.clicks, f)
}

// Click runs the OnClick funcs, as a click in the frontend does.
func (w *Widget) Click() {
	w.mu.Lock()
	fs := append([]func(){}, w.clicks...)
	w.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// Layout returns the widget's Layout model (nil for models without a
// view of their own): Set "width", "height", "border"... on it.
func (w *Widget) Layout() *Widget { return w.layout }

// Style returns the widget's Style model, or nil.
func (w *Widget) Style() *Widget { return w.style }

// Close closes the widget's comm; the frontend removes its views.
func (w *Widget) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	w.mu.Unlock()
	w.m.mu.Lock()
	delete(w.m.widgets, w.id)
	w.m.mu.Unlock()
	w.send(engine.Comm{Type: engine.CommClose, ID: w.id, Data: map[string]any{}})
}

// MimeBundle shows the widget's view, with a text form for frontends
// without widgets.
func (w *Widget) MimeBundle() map[string]any {
	return map[string]any{
		ViewMIME:     map[string]any{"version_major": 2, "version_minor": 0, "model_id": w.id},
		"text/plain": w.String(),
	}
}

// String is the widget as ipywidgets' repr writes it: IntSlider(value=5, ...).
func (w *Widget) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var parts []string
	for _, k := range []string{"value", "min", "max", "step", "description", "options"} {
		if k == "options" && w.options != nil {
			parts = append(parts, fmt.Sprintf("options=%q", w.options))
			continue
		}
		if v, ok := w.state[k]; ok && !(k == "description" && v == "") {
			parts = append(parts, fmt.Sprintf("%s=%v", k, w.getLocked(k)))
		}
	}
	if w.options != nil {
		parts = append([]string{fmt.Sprintf("value=%q", w.getLocked("value"))}, parts...)
	}
	return w.name + "(" + strings.Join(parts, ", ") + ")"
}

// handle is the comm target's handler: updates and clicks from the
// frontend, and its requests for a model's state.
func (m *Manager) handle(c engine.Comm, out engine.Output) error {
	m.mu.Lock()
	w := m.widgets[c.ID]
	m.mu.Unlock()
	if w == nil {
		if c.Type == engine.CommOpen {
			return fmt.Errorf("widgets: the frontend cannot open models (comm %s)", c.ID)
		}
		return nil
	}
	run := func(f func()) { m.host.RunCallback(out, f) }
	switch c.Type {
	case engine.CommClose:
		w.mu.Lock()
		w.closed = true
		w.mu.Unlock()
		m.mu.Lock()
		delete(m.widgets, c.ID)
		m.mu.Unlock()
		return nil
	case engine.CommMsg:
	default:
		return nil
	}
	method, _ := c.Data["method"].(string)
	switch method {
	case "update":
		state, _ := c.Data["state"].(map[string]any)
		if len(state) == 0 {
			return nil
		}
		changes := w.apply(state, false)
		w.notify(changes, run)
	case "request_state":
		co, _ := out.(engine.CommOutput)
		if co == nil {
			co = w.home
		}
		if co != nil {
			m.host.SendComm(co, engine.Comm{Type: engine.CommMsg, ID: w.id,
				Data: map[string]any{"method": "update", "state": w.copyState(), "buffer_paths": []any{}}})
		}
	case "custom":
		content, _ := c.Data["content"].(map[string]any)
		if content["event"] == "click" {
			w.mu.Lock()
			fs := append([]func(){}, w.clicks...)
			w.mu.Unlock()
			for _, f := range fs {
				run(f)
			}
		}
	}
	return nil
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		return int(math.Round(x)), true
	case float32:
		return int(math.Round(float64(x))), true
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}

// toJSON converts a Go value to the JSON form the state keeps.
func toJSON(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case float32:
		return float64(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case *Widget:
		return "IPY_MODEL_" + x.id
	}
	return v
}

func equal(a, b any) bool {
	defer func() { _ = recover() }() // uncomparable values: not equal
	return a == b
}

// outputOf is co as an engine.Output, or nil.
func outputOf(co engine.CommOutput) engine.Output {
	out, _ := co.(engine.Output)
	return out
}
