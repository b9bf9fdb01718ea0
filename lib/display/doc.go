// Package display is the package cells import as "display" to show rich
// output: HTML, Markdown, SVG, PNG and JPEG images, JSON, LaTeX, plain text,
// and small SVG charts.
//
// In a cell:
//
//	import "display"
//
//	display.HTML("<b>bold</b>")       // shows it now
//	display.Markdown("# Title")
//	display.Image(img)               // any image.Image, sent as PNG
//	display.Display(v)               // picks the richest form of v
//	h := display.Show("step 1")      // shows v and keeps a handle
//	h.Update("step 2")               // replaces that output (update_display_data)
//	display.LinePlot("squares", display.Series{Name: "n²", Y: ys})
//
// Two kinds of API: functions named after a format (HTML, Markdown, SVG, PNG,
// JPEG, JSON, LaTeX, Text, Image, Display) show their argument at once and
// return nothing, so a trailing call shows one output, not two. Constructors
// named with a Data suffix (HTMLData, PNGData, ...), charts (LinePlot,
// BarChart) and any type with a MimeBundle, HTML, Markdown or SVG method
// return a value that shows itself when it is a cell's trailing expression or
// is passed to Display.
//
// Types declared in cells: the interpreter hands their values to compiled
// code without their methods, so Display and Bundle cannot see a cell type's
// MimeBundle method. Show such values with display.Rich(v), whose parameter
// is a MIMEBundler (the interpreter then wraps v), or store them in a
// variable of type display.MIMEBundler first. An inline conversion
// display.MIMEBundler(v) is not enough in yaegi v0.16.1.
//
// The session connects the package to a cell's output with Exports, which
// builds the yaegi symbol table for import path "display"; the sink function
// it is given is called at display time, so a goroutine or a handle shows
// its output through the sink of the cell current at that time. The session
// renders a trailing expression with Bundle.
//
// Binary data (PNG, JPEG, GIF) is base64-encoded in bundles, as Jupyter
// requires; image/png and image/jpeg metadata carry width and height when
// known.
//
// # Concurrency
//
// Everything here is safe for concurrent use provided the Sink is: the
// functions keep no state but a Handle's own mutex. Data and Chart values
// are plain values; do not change a Chart while it is being rendered.
package display
