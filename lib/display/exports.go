package display

import (
	"reflect"

	"github.com/gilgo/gilgo/session/hook"
)

// Package returns the cell package "display", with the cell functions
// bound to sink.
//
// Its helpers hold the interface wrapper under this package's real import
// path: yaegi looks wrappers up by the reflect package path of the
// interface, and without it converting an interpreted value to
// display.MIMEBundler panics in the compiler.
func Package(sink func() Sink) hook.Package {
	e := NewEnv(sink)
	wrappers := map[string]reflect.Value{
		"MIMEBundler":  reflect.ValueOf((*MIMEBundler)(nil)),
		"_MIMEBundler": reflect.ValueOf((*wrapMIMEBundler)(nil)),
	}
	realPath := reflect.TypeOf((*MIMEBundler)(nil)).Elem().PkgPath()
	return hook.Package{Path: "display", Docs: docs(), Helpers: hook.Exports{realPath + "/display": wrappers}, Symbols: map[string]reflect.Value{
		// functions that show at once
		"HTML":        reflect.ValueOf(e.HTML),
		"Markdown":    reflect.ValueOf(e.Markdown),
		"SVG":         reflect.ValueOf(e.SVG),
		"PNG":         reflect.ValueOf(e.PNG),
		"JPEG":        reflect.ValueOf(e.JPEG),
		"JSON":        reflect.ValueOf(e.JSON),
		"LaTeX":       reflect.ValueOf(e.LaTeX),
		"Text":        reflect.ValueOf(e.Text),
		"Image":       reflect.ValueOf(e.Image),
		"Display":     reflect.ValueOf(e.Display),
		"Rich":        reflect.ValueOf(e.Rich),
		"ClearOutput": reflect.ValueOf(e.ClearOutput),
		"New":         reflect.ValueOf(e.New),
		"Show":        reflect.ValueOf(e.Show),

		// constructors of values that show themselves
		"MIME":         reflect.ValueOf(MIME),
		"HTMLData":     reflect.ValueOf(HTMLData),
		"MarkdownData": reflect.ValueOf(MarkdownData),
		"SVGData":      reflect.ValueOf(SVGData),
		"PNGData":      reflect.ValueOf(PNGData),
		"JPEGData":     reflect.ValueOf(JPEGData),
		"JSONData":     reflect.ValueOf(JSONData),
		"LaTeXData":    reflect.ValueOf(LaTeXData),
		"TextData":     reflect.ValueOf(TextData),
		"ImageData":    reflect.ValueOf(ImageData),
		"LinePlot":     reflect.ValueOf(LinePlot),
		"BarChart":     reflect.ValueOf(BarChart),

		// types
		"Data":        reflect.ValueOf((*Data)(nil)),
		"Handle":      reflect.ValueOf((*Handle)(nil)),
		"Chart":       reflect.ValueOf((*Chart)(nil)),
		"Series":      reflect.ValueOf((*Series)(nil)),
		"MIMEBundler": reflect.ValueOf((*MIMEBundler)(nil)),

		// interface wrapper, so interpreted types can be MIMEBundlers
		"_MIMEBundler": reflect.ValueOf((*wrapMIMEBundler)(nil)),
	}}
}

// wrapMIMEBundler lets yaegi pass an interpreted value as a MIMEBundler.
type wrapMIMEBundler struct {
	IValue      any
	WMimeBundle func() map[string]any
}

func (w wrapMIMEBundler) MimeBundle() map[string]any { return w.WMimeBundle() }
