package render

import (
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The drawing library has no text: a <text> becomes paths, the outlines
// of its glyphs in the embedded Go fonts (regular or bold), laid out
// along one baseline per text chunk. Supported: x, y, dx and dy (their
// first value), <tspan>, text-anchor, font-size, font-weight, and the
// fill, stroke and transform of any element. Font families are not:
// every text is in Go's sans-serif.

// textRun is text in one style at one position.
type textRun struct {
	text   string
	style  svgStyle
	x, y   *float64 // absolute position, when given
	dx, dy float64
	ox, oy float64 // laid out origin
	width  float64
}

// textLayout collects the runs of one <text>.
type textLayout struct {
	runs    []textRun
	pending textRun // position of the next run
	runes   *int    // characters of text in the whole document
	sheet   []cssRule
}

// drawText converts a <text> element into glyph outlines.
func (c *converter) drawText(n *node, ctx svgContext) error {
	fonts, err := loadFonts()
	if err != nil {
		return err
	}
	l := textLayout{sheet: c.sheet, runes: &c.textRunes}
	l.collect(n, ctx)
	l.collapseSpace()
	if err := l.layout(fonts); err != nil {
		return err
	}
	for _, r := range l.runs {
		g, ok := runGeometry(fonts, r)
		if !ok {
			continue
		}
		rc := ctx
		rc.style = r.style
		if err := c.emit(g, rc, false); err != nil {
			return err
		}
	}
	return nil
}

// collect gathers the runs under n, whose style is in ctx.
func (l *textLayout) collect(n *node, ctx svgContext) {
	first := func(name string, ref float64) (float64, bool) {
		v := strings.FieldsFunc(n.attr(name), func(r rune) bool { return r == ',' || r == ' ' })
		if len(v) == 0 {
			return 0, false
		}
		return parseLength(v[0], ref, ctx.style.fontSize)
	}
	if x, ok := first("x", ctx.vp.w); ok {
		l.pending.x = &x
	}
	if y, ok := first("y", ctx.vp.h); ok {
		l.pending.y = &y
	}
	dx, _ := first("dx", ctx.vp.w)
	dy, _ := first("dy", ctx.vp.h)
	l.pending.dx += dx
	l.pending.dy += dy
	for _, ch := range n.children {
		switch ch.name {
		case "":
			r := l.pending
			r.text, r.style = ch.text, ctx.style
			l.runs = append(l.runs, r)
			l.pending = textRun{}
		case "tspan", "a":
			props := declarations(ch, l.sheet)
			if props["display"] == "none" {
				continue
			}
			cc := ctx
			cc.style = ctx.style.cascade(props, ctx.vp, func(string) bool { return false })
			cc.style.fill, cc.style.stroke = tspanPaint(ctx.style, cc.style, props)
			l.collect(ch, cc)
		}
	}
}

// tspanPaint keeps a <tspan>'s gradients out: their bounding box would be
// the run's, which rarely is what the art means; the text's paint stays.
func tspanPaint(parent, own svgStyle, props map[string]string) (svgPaint, svgPaint) {
	fill, stroke := own.fill, own.stroke
	if strings.HasPrefix(strings.TrimSpace(props["fill"]), "url(") {
		fill = parent.fill
	}
	if strings.HasPrefix(strings.TrimSpace(props["stroke"]), "url(") {
		stroke = parent.stroke
	}
	return fill, stroke
}

// collapseSpace applies SVG's default white space handling: line breaks
// go, tabs become spaces, runs of spaces become one, and the text
// neither starts nor ends with a space.
func (l *textLayout) collapseSpace() {
	space := true // at the start, as after a space
	for i := range l.runs {
		var b strings.Builder
		for _, r := range l.runs[i].text {
			switch r {
			case '\n', '\r':
				continue
			case '\t':
				r = ' '
			}
			if r == ' ' && space {
				continue
			}
			space = r == ' '
			b.WriteRune(r)
		}
		l.runs[i].text = b.String()
	}
	for i := len(l.runs) - 1; i >= 0; i-- {
		trimmed := strings.TrimRight(l.runs[i].text, " ")
		done := trimmed != "" || l.runs[i].x != nil
		l.runs[i].text = trimmed
		if done {
			break
		}
	}
}

// layout places the runs one after another and shifts each chunk (text
// starting at a given x) by its anchor.
func (l *textLayout) layout(fonts fontSet) error {
	var penX, penY float64
	var buf sfnt.Buffer
	start := 0
	for i := range l.runs {
		r := &l.runs[i]
		if r.x != nil {
			l.anchorChunk(start, i)
			start, penX = i, *r.x
		}
		if r.y != nil {
			penY = *r.y
		}
		penX += r.dx
		penY += r.dy
		r.ox, r.oy = penX, penY
		if *l.runes += utf8.RuneCountInString(r.text); *l.runes > maxSVGTextRune {
			return unsupportedf("the SVG has more than %d characters of text", maxSVGTextRune)
		}
		r.width = runWidth(&buf, fonts, *r)
		penX += r.width
	}
	l.anchorChunk(start, len(l.runs))
	return nil
}

// anchorChunk shifts runs[from:to] by the anchor of the first.
func (l *textLayout) anchorChunk(from, to int) {
	if from >= to {
		return
	}
	first, last := l.runs[from], l.runs[to-1]
	width := last.ox + last.width - first.ox
	shift := map[string]float64{"middle": -width / 2, "end": -width}[first.style.anchor]
	for i := from; i < to; i++ {
		l.runs[i].ox += shift
	}
}

// faceOf is the font a run is set in and its scale from font units.
func faceOf(fonts fontSet, r textRun) (*sfnt.Font, float64) {
	f := fonts.regular
	if r.style.bold {
		f = fonts.bold
	}
	return f, r.style.fontSize / float64(f.UnitsPerEm())
}

// runWidth measures a run in user units.
func runWidth(buf *sfnt.Buffer, fonts fontSet, r textRun) float64 {
	f, k := faceOf(fonts, r)
	ppem := fixed.I(int(f.UnitsPerEm()))
	var width fixed.Int26_6
	prev := sfnt.GlyphIndex(0)
	for i, ch := range r.text {
		gi, _ := f.GlyphIndex(buf, ch)
		if i > 0 {
			if kern, err := f.Kern(buf, prev, gi, ppem, font.HintingNone); err == nil {
				width += kern
			}
		}
		adv, _ := f.GlyphAdvance(buf, gi, ppem, font.HintingNone)
		width += adv
		prev = gi
	}
	return float64(width) / 64 * k
}

// runGeometry is a run's glyph outlines as path data.
func runGeometry(fonts fontSet, r textRun) (geometry, bool) {
	if r.text == "" || r.style.fontSize <= 0 {
		return geometry{}, false
	}
	f, k := faceOf(fonts, r)
	ppem := fixed.I(int(f.UnitsPerEm()))
	var buf sfnt.Buffer
	var d []byte
	g := geometry{name: "path"}
	penX, prev := 0.0, sfnt.GlyphIndex(0)
	for i, ch := range r.text {
		gi, _ := f.GlyphIndex(&buf, ch)
		if i > 0 {
			if kern, err := f.Kern(&buf, prev, gi, ppem, font.HintingNone); err == nil {
				penX += float64(kern) / 64
			}
		}
		prev = gi
		segs, err := f.LoadGlyph(&buf, gi, ppem, nil)
		if err == nil && ch >= ' ' { // a colour emoji or a control is skipped
			d = g.appendGlyph(d, segs, r.ox+penX*k, r.oy, k)
		}
		adv, _ := f.GlyphAdvance(&buf, gi, ppem, font.HintingNone)
		penX += float64(adv) / 64
	}
	if len(d) == 0 {
		return geometry{}, false
	}
	g.attrs = []string{"d", string(d)}
	return g, true
}

// segmentCommands are the path commands of outline segments.
var segmentCommands = map[sfnt.SegmentOp]struct {
	op     byte
	points int
}{
	sfnt.SegmentOpMoveTo: {'M', 1}, sfnt.SegmentOpLineTo: {'L', 1}, sfnt.SegmentOpQuadTo: {'Q', 2}, sfnt.SegmentOpCubeTo: {'C', 3},
}

// appendGlyph writes a glyph's outline, in font units at ppem = units
// per em, scaled by k and placed at (x, y).
func (g *geometry) appendGlyph(d []byte, segs sfnt.Segments, x, y, k float64) []byte {
	started := false
	for _, s := range segs {
		op, n := segmentCommands[s.Op].op, segmentCommands[s.Op].points
		if op == 'M' && started {
			d = append(d, 'Z')
		}
		started = true
		d = append(d, op)
		for _, p := range s.Args[:n] {
			px, py := x+float64(p.X)/64*k, y+float64(p.Y)/64*k
			d = formatNumber(append(d, ' '), px)
			d = append(formatNumber(append(d, ' '), py), ' ')
			g.reach = math.Max(g.reach, math.Max(math.Abs(px), math.Abs(py)))
			g.weight += 2
		}
	}
	if started {
		d = append(d, 'Z')
	}
	return d
}
