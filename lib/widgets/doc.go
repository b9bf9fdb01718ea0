// Package widgets is the cell package "widgets": ipywidgets' models,
// driven from Go cells over the Jupyter comm protocol (target
// "jupyter.widget", protocol 2.1.0, @jupyter-widgets/controls 2.0.0), so
// that JupyterLab, the Notebook and VS Code render them.
//
//	import "widgets"
//	s := widgets.IntSlider(5, 0, 10)
//	s.Observe("value", func(old, new any) { fmt.Println("now", new) })
//	s                       // shows the slider
//	s.Value()               // what the user last set
//
// Constructors make the model (and its Layout and Style models) and open
// its comm through the calling cell's output; a widget shows itself as a
// cell's trailing value or with display.Display. A change the frontend
// sends updates the state, then runs the observers of that name, in
// order, each as a thread of the session under the GIL (Observe, OnClick,
// Interact, Link); a panic in one is reported to the cell, an interrupt
// ends it. Interact re-runs its func when a control changes, with its
// output replacing the last run's; changes that arrive while it runs
// coalesce into one more run. docs/cell-packages.md lists the models and
// their state names.
//
// Widget methods are safe for concurrent use.
package widgets
