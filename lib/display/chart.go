package display

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one named data series of a chart. X is optional: nil means
// 0, 1, 2, … (line plots); bar charts ignore X. NaN and ±Inf values are
// skipped (they break a line).
type Series struct {
	Name string
	X, Y []float64
}

// Chart is a small line plot or bar chart rendered as SVG. Fields may be
// changed before the chart is shown; zero Width and Height mean 640×400.
type Chart struct {
	Kind   string // "line" (default) or "bar"
	Title  string
	XLabel string
	YLabel string
	Labels []string // bar categories, in the order of the Y values
	Series []Series
	Width  int
	Height int
}

// LinePlot returns a line plot of the series.
func LinePlot(title string, series ...Series) *Chart {
	return &Chart{Kind: "line", Title: title, Series: series}
}

// BarChart returns a grouped bar chart: Y[i] of every series is drawn at
// category labels[i].
func BarChart(title string, labels []string, series ...Series) *Chart {
	return &Chart{Kind: "bar", Title: title, Labels: labels, Series: series}
}

// MimeBundle implements MIMEBundler: image/svg+xml and a text/plain summary.
func (c *Chart) MimeBundle() map[string]any {
	return map[string]any{"image/svg+xml": c.SVG(), "text/plain": c.String()}
}

// String summarises the chart for text front ends.
func (c *Chart) String() string {
	kind := c.Kind
	if kind == "" {
		kind = "line"
	}
	names := make([]string, 0, len(c.Series))
	for _, s := range c.Series {
		names = append(names, fmt.Sprintf("%s (%d points)", s.Name, len(s.Y)))
	}
	return fmt.Sprintf("<%s chart %q: %s>", kind, c.Title, strings.Join(names, ", "))
}

var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
	"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

const (
	marginLeft   = 64
	marginRight  = 24
	marginTop    = 44
	marginBottom = 56
	fontFamily   = "sans-serif"
)

// num formats a coordinate with at most 2 decimals.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// niceStep returns a 1, 2 or 5 × 10^k step giving about n intervals.
func niceStep(span float64, n int) float64 {
	if span <= 0 || !finite(span) {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// axis is a nice domain with its ticks.
type axis struct {
	lo, hi, step float64
	ticks        []float64
	decimals     int
}

func niceAxis(lo, hi float64) axis {
	if !finite(lo) || !finite(hi) || lo > hi {
		lo, hi = 0, 1
	}
	if lo == hi {
		d := math.Max(math.Abs(lo)*0.1, 1)
		lo, hi = lo-d, hi+d
	}
	step := niceStep(hi-lo, 5)
	a := axis{lo: math.Floor(lo/step) * step, hi: math.Ceil(hi/step) * step, step: step}
	a.decimals = max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	for i := 0; ; i++ {
		v := a.lo + float64(i)*step
		if v > a.hi+step/2 || i > 50 {
			break
		}
		a.ticks = append(a.ticks, v)
	}
	return a
}

func (a axis) label(v float64) string {
	s := strconv.FormatFloat(v, 'f', a.decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// SVG renders the chart as a standalone SVG document.
func (c *Chart) SVG() string {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 400
	}
	bar := c.Kind == "bar"
	named := false
	for _, s := range c.Series {
		named = named || s.Name != ""
	}
	top := float64(marginTop)
	if named {
		top += 20 // a legend row between the title and the plot
	}
	pw := float64(w - marginLeft - marginRight)
	ph := float64(h-marginBottom) - top

	// data ranges
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, s := range c.Series {
		n = max(n, len(s.Y))
		for i, y := range s.Y {
			x := xAt(s, i)
			if !finite(y) || !finite(x) {
				continue
			}
			xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
			ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
		}
	}
	if bar {
		n = max(n, len(c.Labels))
		ylo, yhi = math.Min(ylo, 0), math.Max(yhi, 0)
	}
	ya := niceAxis(ylo, yhi)
	xa := niceAxis(xlo, xhi)
	sy := func(y float64) float64 { return top + ph - (y-ya.lo)/(ya.hi-ya.lo)*ph }
	sx := func(x float64) float64 { return marginLeft + (x-xa.lo)/(xa.hi-xa.lo)*pw }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12">`+"\n", w, h, w, h, fontFamily)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	if c.Title != "" {
		fmt.Fprintf(&b, `<text x="%s" y="24" text-anchor="middle" font-size="16" font-weight="bold">%s</text>`+"\n", num(float64(w)/2), esc(c.Title))
	}
	// y grid, ticks and labels
	for _, t := range ya.ticks {
		y := num(sy(t))
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%s" y2="%s" stroke="#e0e0e0"/>`+"\n", marginLeft, y, num(marginLeft+pw), y)
		fmt.Fprintf(&b, `<text x="%d" y="%s" dy="4" text-anchor="end">%s</text>`+"\n", marginLeft-6, y, ya.label(t))
	}
	// x ticks and labels
	if bar {
		gw := pw / float64(max(n, 1))
		for i := 0; i < n; i++ {
			label := strconv.Itoa(i)
			if i < len(c.Labels) {
				label = c.Labels[i]
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(marginLeft+gw*(float64(i)+0.5)), num(top+ph+18), esc(label))
		}
	} else {
		for _, t := range xa.ticks {
			x := num(sx(t))
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="black"/>`+"\n", x, num(top+ph), x, num(top+ph+5))
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", x, num(top+ph+18), xa.label(t))
		}
	}
	// data
	for si, s := range c.Series {
		color := palette[si%len(palette)]
		if bar {
			gw := pw / float64(max(n, 1))
			bw := gw * 0.8 / float64(len(c.Series))
			for i, y := range s.Y {
				if !finite(y) {
					continue
				}
				x := marginLeft + gw*float64(i) + gw*0.1 + bw*float64(si)
				top, bottom := sy(math.Max(y, 0)), sy(math.Min(y, 0))
				fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n", num(x), num(top), num(bw), num(bottom-top), color)
			}
			continue
		}
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(seg, " "), color)
			}
			seg = seg[:0]
		}
		for i, y := range s.Y {
			x := xAt(s, i)
			if !finite(y) || !finite(x) {
				flush()
				continue
			}
			seg = append(seg, num(sx(x))+","+num(sy(y)))
		}
		flush()
		if len(s.Y) <= 50 {
			for i, y := range s.Y {
				if x := xAt(s, i); finite(y) && finite(x) {
					fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", num(sx(x)), num(sy(y)), color)
				}
			}
		}
	}
	// axes
	fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="black"/>`+"\n", marginLeft, num(top), marginLeft, num(top+ph))
	bottom := num(top + ph)
	fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%s" y2="%s" stroke="black"/>`+"\n", marginLeft, bottom, num(marginLeft+pw), bottom)
	if ya.lo < 0 && ya.hi > 0 {
		zero := num(sy(0))
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%s" y2="%s" stroke="#606060"/>`+"\n", marginLeft, zero, num(marginLeft+pw), zero)
	}
	if c.XLabel != "" {
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`+"\n", num(marginLeft+pw/2), h-12, esc(c.XLabel))
	}
	if c.YLabel != "" {
		fmt.Fprintf(&b, `<text transform="translate(16 %s) rotate(-90)" text-anchor="middle">%s</text>`+"\n", num(top+ph/2), esc(c.YLabel))
	}
	// legend: one row between the title and the plot
	if named {
		lx, y := float64(marginLeft), top-26
		for si, s := range c.Series {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="12" height="12" fill="%s"/>`+"\n", num(lx), num(y), palette[si%len(palette)])
			fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`+"\n", num(lx+17), num(y+10), esc(s.Name))
			lx += 17 + 7*float64(utf8.RuneCountInString(s.Name)) + 18
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func xAt(s Series, i int) float64 {
	if i < len(s.X) {
		return s.X[i]
	}
	if s.X != nil {
		return math.NaN()
	}
	return float64(i)
}

func esc(s string) string { return html.EscapeString(s) }
