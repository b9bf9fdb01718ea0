// Package display is the cell package "display": rich output (HTML,
// Markdown, SVG, PNG and JPEG images, JSON, LaTeX, plain text) and small
// SVG charts.
//
//	import "display"
//	display.HTML("<b>bold</b>")  // shows it now
//	h := display.Show("step 1")  // shows it and keeps a handle
//	h.Update("step 2")           // replaces that output (update_display_data)
//
// Functions named after a format (HTML, Markdown, SVG, PNG, JPEG, JSON,
// LaTeX, Text, Image, Display) show their argument at once and return
// nothing. Constructors with a Data suffix, charts (LinePlot, BarChart)
// and any value with a MimeBundle, HTML, Markdown or SVG method show
// themselves as a cell's trailing expression or when passed to Display.
// Package builds the cell package around a sink, asked at display time, so
// a goroutine or a handle shows through the sink of its cell at that time;
// the session renders trailing expressions with Bundle. A value of a type
// declared in a cell reaches compiled code without its methods: show it
// with Rich. docs/cell-packages.md has the details.
//
// Everything here is safe for concurrent use provided the Sink is: the
// functions keep no state but a Handle's own mutex. Data and Chart values
// are plain values; do not change a Chart while it is being rendered.
package display
