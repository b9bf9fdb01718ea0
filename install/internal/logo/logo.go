package logo

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
)

// The drawing lives in a 64×64 unit square.
const unit = 64.0

// Colours of the logo.
var (
	// blue is the Go gopher blue of the background.
	blue = color.NRGBA{R: 0x00, G: 0xAD, B: 0xD8, A: 0xFF}
	// white is the colour of the letters and the lock.
	white = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
)

// Geometry, in units of the 64×64 square.
const (
	bgMin, bgMax, bgRadius = 2.0, 62.0, 12.0

	ringOuter, ringInner = 9.0, 4.8
	letterY              = 26.0
	gX, oX               = 19.0, 41.0
	stemLeft, stemRight  = gX + ringInner, gX + ringOuter // the g's stem
	hookY                = 38.0                           // centre of the g's tail

	lockX                      = 48.0
	lockTop, lockBottom        = 44.0, 56.0
	lockLeft, lockRight        = 41.0, 55.0
	lockRadius                 = 2.0
	shackleOuter, shackleInner = 5.5, 3.2
	keyholeY, keyholeR         = 49.0, 1.8
	keyslotW, keyslotBottom    = 1.4, 53.0
)

// paint returns the colour at point (x, y) of the unit square and whether
// anything is drawn there.
func paint(x, y float64) (color.NRGBA, bool) {
	if !inRoundRect(x, y, bgMin, bgMin, bgMax, bgMax, bgRadius) {
		return color.NRGBA{}, false
	}
	if inLetters(x, y) || inLock(x, y) {
		return white, true
	}
	return blue, true
}

func inLetters(x, y float64) bool {
	switch {
	case inRing(x, y, oX, letterY, ringOuter, ringInner): // o
		return true
	case inRing(x, y, gX, letterY, ringOuter, ringInner): // g bowl
		return true
	case x >= stemLeft && x <= stemRight && y >= letterY && y <= hookY: // g stem
		return true
	case y >= hookY && inRing(x, y, gX, hookY, ringOuter, ringInner): // g tail
		return true
	}
	return false
}

func inLock(x, y float64) bool {
	if inRoundRect(x, y, lockLeft, lockTop, lockRight, lockBottom, lockRadius) {
		// The keyhole is cut out of the body.
		if math.Hypot(x-lockX, y-keyholeY) <= keyholeR {
			return false
		}
		if math.Abs(x-lockX) <= keyslotW/2 && y >= keyholeY && y <= keyslotBottom {
			return false
		}
		return true
	}
	return y <= lockTop && inRing(x, y, lockX, lockTop, shackleOuter, shackleInner)
}

func inRing(x, y, cx, cy, outer, inner float64) bool {
	d := math.Hypot(x-cx, y-cy)
	return d <= outer && d >= inner
}

func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Min(math.Max(x, x0+r), x1-r)
	cy := math.Min(math.Max(y, y0+r), y1-r)
	return math.Hypot(x-cx, y-cy) <= r
}

// samples is the supersampling factor per axis used for anti-aliasing.
const samples = 8

// Render draws the logo as a size×size image with anti-aliased edges.
// Pixels outside the rounded square are transparent.
func Render(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scale := unit / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/samples) * scale
					y := (float64(py) + (float64(sy)+0.5)/samples) * scale
					c, ok := paint(x, y)
					if !ok {
						continue
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a++
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)),
				G: uint8(math.Round(g / a)),
				B: uint8(math.Round(b / a)),
				A: uint8(math.Round(255 * a / (samples * samples))),
			})
		}
	}
	return img
}

// SVG returns the logo as a standalone SVG document.
func SVG() []byte {
	hex := func(c color.NRGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }
	ringR, ringW := (ringOuter+ringInner)/2, ringOuter-ringInner
	shR := (shackleOuter + shackleInner) / 2
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">`)
	p(`  <title>gilgo</title>`)
	p(`  <rect x="%g" y="%g" width="%g" height="%g" rx="%g" fill="%s"/>`,
		bgMin, bgMin, bgMax-bgMin, bgMax-bgMin, bgRadius, hex(blue))
	p(`  <g fill="none" stroke="%s" stroke-width="%g">`, hex(white), ringW)
	p(`    <circle cx="%g" cy="%g" r="%g"/>`, oX, letterY, ringR)
	p(`    <circle cx="%g" cy="%g" r="%g"/>`, gX, letterY, ringR)
	p(`    <path d="M %g %g A %g %g 0 0 1 %g %g"/>`, gX+ringR, hookY, ringR, ringR, gX-ringR, hookY)
	p(`    <path d="M %g %g A %g %g 0 0 1 %g %g" stroke-width="%g"/>`,
		lockX-shR, lockTop, shR, shR, lockX+shR, lockTop, shackleOuter-shackleInner)
	p(`  </g>`)
	p(`  <rect x="%g" y="%g" width="%g" height="%g" fill="%s"/>`,
		stemLeft, letterY, stemRight-stemLeft, hookY-letterY, hex(white))
	p(`  <rect x="%g" y="%g" width="%g" height="%g" rx="%g" fill="%s"/>`,
		lockLeft, lockTop, lockRight-lockLeft, lockBottom-lockTop, lockRadius, hex(white))
	p(`  <circle cx="%g" cy="%g" r="%g" fill="%s"/>`, lockX, keyholeY, keyholeR, hex(blue))
	p(`  <rect x="%g" y="%g" width="%g" height="%g" fill="%s"/>`,
		lockX-keyslotW/2, keyholeY, keyslotW, keyslotBottom-keyholeY, hex(blue))
	p(`</svg>`)
	return []byte(b.String())
}
