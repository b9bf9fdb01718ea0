package session

import (
	"fmt"
	"image"
	"reflect"
	"sort"
	"strings"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/lib/display"
	"github.com/gilgo/gilgo/session/hook"
)

// displayPackage is package display for cells, bound to the output of
// the cell the displaying goroutine belongs to (CurrentOutput).
func (s *Session) displayPackage() hook.Package {
	return display.Package(func() display.Sink {
		if o := s.router.lookup().out; o != nil {
			return o
		}
		return nil
	})
}

// resultBundle renders the results of a trailing expression. One value in
// its richest form (display.Bundle: display.Data, charts, image.Image,
// MimeBundle/HTML/Markdown/SVG methods of compiled types, image bytes),
// always with a text/plain part; several as a Go-syntax tuple. show is
// false when nothing is to be shown (a display.Handle was shown already).
func resultBundle(types map[reflect.Type]string, vals []reflect.Value) (data engine.MIMEBundle, md map[string]any, show bool) {
	if len(vals) != 1 || !vals[0].IsValid() || !vals[0].CanInterface() {
		return mimeBundle(types, vals), map[string]any{}, true
	}
	x := vals[0].Interface()
	data, md, ok := display.Bundle(x)
	if !ok {
		return mimeBundle(types, vals), map[string]any{}, true
	}
	if len(data) == 0 {
		return nil, nil, false
	}
	if _, ok := data["text/plain"]; !ok {
		data["text/plain"] = plainText(types, vals[0], x)
	}
	return data, md, true
}

// plainText is the text/plain part next to a rich one: a String method's
// result, a short description of an image, or the Go-syntax value.
func plainText(types map[reflect.Type]string, v reflect.Value, x any) string {
	switch x := x.(type) {
	case display.Data:
		keys := make([]string, 0, len(x.Bundle))
		for k := range x.Bundle {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return "<display.Data " + strings.Join(keys, " ") + ">"
	case fmt.Stringer:
		return x.String()
	case image.Image:
		b := x.Bounds()
		return fmt.Sprintf("<%T %dx%d>", x, b.Dx(), b.Dy())
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
		return fmt.Sprintf("<%d bytes>", v.Len())
	}
	return formatValue(types, v)
}
