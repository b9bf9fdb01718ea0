package widgets

import (
	"context"
	"fmt"

	"github.com/gilgo/gilgo/engine"
)

// The constructors, one per ipywidgets model, with ipywidgets 8's
// defaults. Each returns the model; change other state with Set.

// IntSlider is a slider of ints from min to max (step 1).
func (m *Manager) IntSlider(value, min, max int) *Widget {
	w := m.model("IntSlider", controlsModule, controlsVer, "SliderStyle", true, description("", map[string]any{
		"value": float64(value), "min": float64(min), "max": float64(max), "step": 1.0,
		"behavior": "drag-tap", "continuous_update": true, "disabled": false,
		"orientation": "horizontal", "readout": true, "readout_format": "d",
	}))
	w.kinds["value"], w.kinds["min"], w.kinds["max"], w.kinds["step"] = kindInt, kindInt, kindInt, kindInt
	return w
}

// FloatSlider is a slider of floats from min to max (step 0.1).
func (m *Manager) FloatSlider(value, min, max float64) *Widget {
	w := m.model("FloatSlider", controlsModule, controlsVer, "SliderStyle", true, description("", map[string]any{
		"value": value, "min": min, "max": max, "step": 0.1,
		"behavior": "drag-tap", "continuous_update": true, "disabled": false,
		"orientation": "horizontal", "readout": true, "readout_format": ".2f",
	}))
	w.kinds["value"], w.kinds["min"], w.kinds["max"], w.kinds["step"] = kindFloat, kindFloat, kindFloat, kindFloat
	return w
}

// IntRangeSlider selects an interval [lo, hi] of ints: "value" is a
// two-element list.
func (m *Manager) IntRangeSlider(lo, hi, min, max int) *Widget {
	return m.model("IntRangeSlider", controlsModule, controlsVer, "SliderStyle", true, description("", map[string]any{
		"value": []any{float64(lo), float64(hi)}, "min": float64(min), "max": float64(max), "step": 1.0,
		"behavior": "drag-tap", "continuous_update": true, "disabled": false,
		"orientation": "horizontal", "readout": true, "readout_format": "d",
	}))
}

// Checkbox is a labelled check box.
func (m *Manager) Checkbox(value bool, desc string) *Widget {
	return m.model("Checkbox", controlsModule, controlsVer, "CheckboxStyle", true, description(desc, map[string]any{
		"value": value, "disabled": false, "indent": true,
	}))
}

// ToggleButton is a button that stays pressed (value true) or not.
func (m *Manager) ToggleButton(value bool, desc string) *Widget {
	return m.model("ToggleButton", controlsModule, controlsVer, "ToggleButtonStyle", true, description(desc, map[string]any{
		"value": value, "disabled": false, "button_style": "", "icon": "",
	}))
}

// Text is a one-line text field.
func (m *Manager) Text(value string) *Widget {
	return m.model("Text", controlsModule, controlsVer, "TextStyle", true, description("", map[string]any{
		"value": value, "placeholder": "\u200b", "continuous_update": true, "disabled": false,
	}))
}

// Textarea is a multi-line text field.
func (m *Manager) Textarea(value string) *Widget {
	return m.model("Textarea", controlsModule, controlsVer, "TextStyle", true, description("", map[string]any{
		"value": value, "placeholder": "\u200b", "continuous_update": true, "disabled": false, "rows": nil,
	}))
}

// Dropdown selects one of options; "value" is the selected option (the
// protocol's "index").
func (m *Manager) Dropdown(options []string, value string) *Widget {
	return m.selection("Dropdown", options, value)
}

// RadioButtons selects one of options, as Dropdown does.
func (m *Manager) RadioButtons(options []string, value string) *Widget {
	return m.selection("RadioButtons", options, value)
}

func (m *Manager) selection(name string, options []string, value string) *Widget {
	index := 0
	for i, o := range options {
		if o == value {
			index = i
		}
	}
	labels := make([]any, len(options))
	for i, o := range options {
		labels[i] = o
	}
	w := m.model(name, controlsModule, controlsVer, "DescriptionStyle", true, description("", map[string]any{
		"_options_labels": labels, "index": float64(index), "disabled": false,
	}))
	w.mu.Lock()
	w.options = append([]string{}, options...)
	w.kinds["index"] = kindInt
	w.mu.Unlock()
	return w
}

// Button is a push button: OnClick runs on each click.
func (m *Manager) Button(desc string) *Widget {
	return m.model("Button", controlsModule, controlsVer, "ButtonStyle", true, map[string]any{
		"description": desc, "disabled": false, "button_style": "", "icon": "",
	})
}

// Label shows text.
func (m *Manager) Label(value string) *Widget {
	return m.model("Label", controlsModule, controlsVer, "LabelStyle", true, description("", map[string]any{
		"value": value, "placeholder": "\u200b",
	}))
}

// HTML shows HTML.
func (m *Manager) HTML(value string) *Widget {
	return m.model("HTML", controlsModule, controlsVer, "HTMLStyle", true, description("", map[string]any{
		"value": value, "placeholder": "\u200b",
	}))
}

// Play steps "value" from min to max every interval milliseconds while
// playing.
func (m *Manager) Play(value, min, max int) *Widget {
	w := m.model("Play", controlsModule, controlsVer, "", true, description("", map[string]any{
		"value": float64(value), "min": float64(min), "max": float64(max), "step": 1.0, "interval": 100.0,
		"playing": false, "repeat": false, "show_repeat": true, "disabled": false,
	}))
	w.kinds["value"], w.kinds["min"], w.kinds["max"], w.kinds["step"], w.kinds["interval"] = kindInt, kindInt, kindInt, kindInt, kindInt
	return w
}

// HBox lays children out in a row.
func (m *Manager) HBox(children ...*Widget) *Widget { return m.box("HBox", children) }

// VBox lays children out in a column.
func (m *Manager) VBox(children ...*Widget) *Widget { return m.box("VBox", children) }

func (m *Manager) box(name string, children []*Widget) *Widget {
	refs := make([]any, len(children))
	for i, c := range children {
		refs[i] = "IPY_MODEL_" + c.id
	}
	return m.model(name, controlsModule, controlsVer, "", true, map[string]any{"children": refs, "box_style": ""})
}

// Output is a widget that shows outputs: those of the funcs Capture runs.
func (m *Manager) Output() *Widget {
	return m.model("Output", outputModule, outputVer, "", true, map[string]any{"msg_id": "", "outputs": []any{}})
}

// Capture runs f with what it prints and displays (and what the
// goroutines it starts do) going to the Output widget w.
// Where no frontend shows widgets (a headless run: the widget's comm
// never opened), f writes to the calling cell instead, so that its output
// is not lost.
func (w *Widget) Capture(f func()) {
	if w.home == nil && w.m.host.CommOutput() == nil {
		f()
		return
	}
	w.m.host.Redirect(&widgetOutput{w: w}, f)
}

// ClearOutput empties an Output widget.
func (w *Widget) ClearOutput() {
	w.mu.Lock()
	w.outputs = nil
	w.mu.Unlock()
	w.apply(map[string]any{"outputs": []any{}}, true)
}

// appendOutput adds one nbformat output to an Output widget (a stream
// merges with a stream of the same name before it).
func (w *Widget) appendOutput(o map[string]any) {
	w.mu.Lock()
	if n := len(w.outputs); n > 0 && o["output_type"] == "stream" {
		if last, ok := w.outputs[n-1].(map[string]any); ok && last["output_type"] == "stream" && last["name"] == o["name"] {
			merged := map[string]any{"output_type": "stream", "name": o["name"], "text": last["text"].(string) + o["text"].(string)}
			w.outputs[n-1] = merged
			o = nil
		}
	}
	if o != nil {
		w.outputs = append(w.outputs, o)
	}
	outs := append([]any{}, w.outputs...)
	w.mu.Unlock()
	w.apply(map[string]any{"outputs": outs}, true)
}

// widgetOutput is the engine.Output of Capture: outputs become the Output
// widget's state.
type widgetOutput struct{ w *Widget }

func (o *widgetOutput) Stream(name, text string) {
	o.w.appendOutput(map[string]any{"output_type": "stream", "name": name, "text": text})
}

func (o *widgetOutput) Result(data engine.MIMEBundle, metadata map[string]any) {
	o.Display(data, metadata, "", false)
}

func (o *widgetOutput) Display(data engine.MIMEBundle, metadata map[string]any, _ string, _ bool) {
	if metadata == nil {
		metadata = map[string]any{}
	}
	o.w.appendOutput(map[string]any{"output_type": "display_data", "data": map[string]any(data), "metadata": metadata})
}

func (o *widgetOutput) ClearOutput(bool) { o.w.ClearOutput() }

func (o *widgetOutput) Input(context.Context, string, bool) (string, error) {
	return "", fmt.Errorf("input: not available in a widget's output")
}
