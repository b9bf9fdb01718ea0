package logo

import (
	"encoding/xml"
	"image/color"
	"testing"
)

func TestRenderColours(t *testing.T) {
	tests := []struct {
		name string
		x, y int // in a 64×64 render
		want color.NRGBA
	}{
		{"corner is transparent", 0, 0, color.NRGBA{}},
		{"background is blue", 32, 8, blue},
		{"o ring is white", 41 - 7, 26, white},
		{"o hole is blue", 41, 26, blue},
		{"g stem is white", 26, 34, white},
		{"lock body is white", 44, 52, white},
		{"keyhole is blue", 48, 49, blue},
	}
	img := Render(64)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := img.NRGBAAt(tt.x, tt.y); got != tt.want {
				t.Errorf("pixel (%d,%d) = %v, want %v", tt.x, tt.y, got, tt.want)
			}
		})
	}
}

func TestRenderSizes(t *testing.T) {
	for _, size := range []int{16, 32, 64, 128} {
		if b := Render(size).Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("Render(%d) bounds = %v, want %dx%d", size, b, size, size)
		}
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	var doc struct {
		XMLName xml.Name
		ViewBox string `xml:"viewBox,attr"`
	}
	if err := xml.Unmarshal(SVG(), &doc); err != nil {
		t.Fatalf("parse svg: %v", err)
	}
	if doc.XMLName.Local != "svg" || doc.ViewBox != "0 0 64 64" {
		t.Errorf("svg root = %s viewBox %q, want svg viewBox \"0 0 64 64\"", doc.XMLName.Local, doc.ViewBox)
	}
}
