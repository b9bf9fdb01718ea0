package display_test

import (
	"fmt"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/lib/display"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

type printSink struct{}

func (printSink) Display(data engine.MIMEBundle, _ map[string]any, id string, update bool) {
	fmt.Println("display:", data["text/html"], "update:", update, "has id:", id != "")
}

func (printSink) ClearOutput(wait bool) { fmt.Println("clear, wait:", wait) }

// The session wires the package into its interpreter with Package; the
// sink func returns the current cell's output at display time.
func ExamplePackage() {
	i := interp.New(interp.Options{})
	_ = i.Use(stdlib.Symbols)
	_ = i.Use(display.Package(func() display.Sink { return printSink{} }).Exports())
	_, err := i.Eval(`import "display"`)
	if err == nil {
		_, err = i.Eval(`display.HTML("<b>hi</b>")`)
	}
	if err != nil {
		fmt.Println(err)
	}
	// Output: display: <b>hi</b> update: false has id: false
}

// The session renders a cell's trailing expression with Bundle; ok is false
// for values it formats itself.
func ExampleBundle() {
	data, _, ok := display.Bundle(display.HTMLData("<i>x</i>"))
	fmt.Println(data, ok)
	_, _, ok = display.Bundle(42)
	fmt.Println(ok)
	// Output:
	// map[text/html:<i>x</i>] true
	// false
}
