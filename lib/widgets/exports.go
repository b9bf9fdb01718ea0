package widgets

import (
	"reflect"

	"github.com/gilgo/gilgo/session/hook"
)

// Package returns the cell package "widgets" of the Manager m.
func Package(m *Manager) hook.Package {
	return hook.Package{Path: "widgets", Docs: docs(), Symbols: map[string]reflect.Value{
		"IntSlider":      reflect.ValueOf(m.IntSlider),
		"FloatSlider":    reflect.ValueOf(m.FloatSlider),
		"IntRangeSlider": reflect.ValueOf(m.IntRangeSlider),
		"Checkbox":       reflect.ValueOf(m.Checkbox),
		"ToggleButton":   reflect.ValueOf(m.ToggleButton),
		"Text":           reflect.ValueOf(m.Text),
		"Textarea":       reflect.ValueOf(m.Textarea),
		"Dropdown":       reflect.ValueOf(m.Dropdown),
		"RadioButtons":   reflect.ValueOf(m.RadioButtons),
		"Button":         reflect.ValueOf(m.Button),
		"Label":          reflect.ValueOf(m.Label),
		"HTML":           reflect.ValueOf(m.HTML),
		"Output":         reflect.ValueOf(m.Output),
		"Play":           reflect.ValueOf(m.Play),
		"HBox":           reflect.ValueOf(m.HBox),
		"VBox":           reflect.ValueOf(m.VBox),
		"Interact":       reflect.ValueOf(m.Interact),
		"Link":           reflect.ValueOf(m.Link),
		"Widget":         reflect.ValueOf((*Widget)(nil)),
		"Target":         reflect.ValueOf(Target),
	}}
}
