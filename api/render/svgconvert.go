package render

import (
	"math"
	"strings"

	"github.com/srwiley/rasterx"
)

// The drawing library reads a small, literal subset of SVG and has its
// own ideas of units, inheritance and stroke widths. So the document is
// first rewritten into that subset: a flat list of shapes, each with its
// full transform to pixels and its computed style, gradients first. What
// the library lacks is done here: <use>, <symbol> and nested <svg>,
// preserveAspectRatio, units and percentages, currentColor, style
// attributes, gradient inheritance, and <text>, drawn as glyph outlines.

// viewport is the size percentages of lengths refer to.
type viewport struct{ w, h float64 }

// diagonal is what a percentage of a length in no direction refers to.
func (v viewport) diagonal() float64 { return math.Sqrt((v.w*v.w + v.h*v.h) / 2) }

// svgContext is what an element inherits.
type svgContext struct {
	ctm   rasterx.Matrix2D // user space to pixels
	vp    viewport
	style svgStyle
}

// converter rewrites one document.
type converter struct {
	ids           map[string]*node
	defs          []byte // gradients, written before the shapes
	body          []byte // shapes
	visited       int
	numbers       int
	inUse         map[*node]bool
	grads         map[string]string // emitted gradients by key
	useDepth      int
	sheet         []cssRule
	textRunes     int
	layers        []svgLayer // finished layers; body is the one being written
	picturePixels int        // of the embedded pictures decoded
}

// maxPixelCoordinate bounds where a shape may reach, far beyond any
// canvas yet well within the library's 26.6 fixed point; a shape
// reaching further is left out.
const maxPixelCoordinate = 1 << 20

func newConverter(root *node) *converter {
	c := &converter{ids: make(map[string]*node), inUse: make(map[*node]bool), grads: make(map[string]string)}
	var index func(*node)
	index = func(n *node) {
		if id := n.attr("id"); id != "" && n.name != "" {
			if _, dup := c.ids[id]; !dup {
				c.ids[id] = n // the first of duplicates, as browsers do
			}
		}
		for _, ch := range n.children {
			index(ch)
		}
	}
	index(root)
	c.sheet = parseSheets(root)
	return c
}

// isGradient reports whether id names a gradient.
func (c *converter) isGradient(id string) bool {
	n := c.ids[id]
	return n != nil && (n.name == "linearGradient" || n.name == "radialGradient")
}

// convertRoot lays the root out on a size×size canvas: its viewport
// (width and height, or the viewBox's size) is scaled to fit and
// centred, and the viewBox mapped onto it by preserveAspectRatio.
func (c *converter) convertRoot(root *node, size int) error {
	if root.name != "svg" {
		return unsupportedf("the root element is <%.40s>, not <svg>", root.name)
	}
	vb, hasVB := parseViewBox(root.attr("viewBox"))
	w, okW := absoluteLength(root.attr("width"))
	h, okH := absoluteLength(root.attr("height"))
	switch {
	case okW && okH:
	case hasVB && okW:
		h = w * vb.h / vb.w
	case hasVB && okH:
		w = h * vb.w / vb.h
	case hasVB:
		w, h = vb.w, vb.h
	case okW:
		h = w
	case okH:
		w = h
	default:
		w, h = 300, 150 // CSS's default size of a replaced element
	}
	if w <= 0 || h <= 0 {
		return nil // an empty viewport draws nothing
	}
	s := float64(size) / math.Max(w, h)
	ctm := rasterx.Identity.Translate((float64(size)-w*s)/2, (float64(size)-h*s)/2).Scale(s, s)
	vp := viewport{w, h}
	if hasVB {
		ctm = ctm.Mult(viewBoxMatrix(vb, w, h, root.attr("preserveAspectRatio")))
		vp = viewport{vb.w, vb.h}
	}
	ctx := svgContext{ctm: ctm, vp: vp, style: initialStyle}
	ctx.style = ctx.style.cascade(declarations(root, c.sheet), vp, c.isGradient)
	return c.children(root, ctx)
}

// absoluteLength reads a width or height that is not a percentage.
func absoluteLength(s string) (float64, bool) {
	if s == "" || strings.HasSuffix(s, "%") {
		return 0, false
	}
	v, ok := parseLength(s, 0, 16)
	return v, ok && v > 0
}

// box is a viewBox.
type box struct{ x, y, w, h float64 }

// parseViewBox reads a viewBox; one with no area is none.
func parseViewBox(s string) (box, bool) {
	v := scanNumbers(s, 5)
	if len(v) != 4 || v[2] <= 0 || v[3] <= 0 {
		return box{}, false
	}
	return box{v[0], v[1], v[2], v[3]}, true
}

// viewBoxMatrix maps vb onto a w×h viewport as preserveAspectRatio says.
func viewBoxMatrix(vb box, w, h float64, par string) rasterx.Matrix2D {
	fields := strings.Fields(par)
	if len(fields) > 0 && fields[0] == "defer" {
		fields = fields[1:]
	}
	align, slice := "xMidYMid", false
	if len(fields) > 0 {
		align = fields[0]
	}
	if len(fields) > 1 {
		slice = fields[1] == "slice"
	}
	sx, sy := w/vb.w, h/vb.h
	if align == "none" {
		return rasterx.Identity.Scale(sx, sy).Translate(-vb.x, -vb.y)
	}
	s := math.Min(sx, sy)
	if slice {
		s = math.Max(sx, sy)
	}
	tx := alignOffset(align, "xMid", "xMax", w-vb.w*s)
	ty := alignOffset(align, "YMid", "YMax", h-vb.h*s)
	return rasterx.Identity.Translate(tx, ty).Scale(s, s).Translate(-vb.x, -vb.y)
}

// alignOffset is where the viewBox starts in spare room along one axis.
func alignOffset(align, mid, end string, spare float64) float64 {
	switch {
	case strings.Contains(align, mid):
		return spare / 2
	case strings.Contains(align, end):
		return spare
	}
	return 0
}

// children converts the child elements of n.
func (c *converter) children(n *node, ctx svgContext) error {
	for _, ch := range n.children {
		if err := c.element(ch, ctx); err != nil {
			return err
		}
	}
	return nil
}

// element converts one element and what it contains. Elements that do
// not draw by themselves (definitions, clip paths, masks, filters,
// metadata, embedded images) are left out.
func (c *converter) element(n *node, parent svgContext) error {
	if n.name == "" {
		return nil
	}
	if c.visited++; c.visited > maxSVGElements {
		return unsupportedf("the SVG draws more than %d elements", maxSVGElements)
	}
	props := declarations(n, c.sheet)
	if props["display"] == "none" {
		return nil
	}
	ctx := parent
	ctx.style = parent.style.cascade(props, parent.vp, c.isGradient)
	if t := n.attr("transform"); t != "" {
		m, ok := parseTransform(t)
		if !ok {
			return nil
		}
		ctx.ctm = ctx.ctm.Mult(m)
	}
	switch n.name {
	case "g", "a", "switch":
		return c.children(n, ctx)
	case "svg":
		return c.nested(n, n, ctx)
	case "use":
		return c.use(n, ctx)
	case "rect", "circle", "ellipse", "line", "polyline", "polygon", "path":
		return c.shape(n, ctx)
	case "text":
		return c.drawText(n, ctx)
	case "image":
		return c.picture(n, ctx)
	}
	return nil
}

// nested converts an inner <svg> (or a <symbol> placed by a <use>, whose
// own size is sized) as a group mapping its viewBox onto its viewport.
func (c *converter) nested(n, sized *node, ctx svgContext) error {
	x, _ := parseLength(sized.attr("x"), ctx.vp.w, ctx.style.fontSize)
	y, _ := parseLength(sized.attr("y"), ctx.vp.h, ctx.style.fontSize)
	w, okW := parseLength(sized.attr("width"), ctx.vp.w, ctx.style.fontSize)
	h, okH := parseLength(sized.attr("height"), ctx.vp.h, ctx.style.fontSize)
	if !okW {
		w = ctx.vp.w
	}
	if !okH {
		h = ctx.vp.h
	}
	if w <= 0 || h <= 0 {
		return nil
	}
	ctx.ctm = ctx.ctm.Translate(x, y)
	ctx.vp = viewport{w, h}
	if vb, ok := parseViewBox(n.attr("viewBox")); ok {
		ctx.ctm = ctx.ctm.Mult(viewBoxMatrix(vb, w, h, n.attr("preserveAspectRatio")))
		ctx.vp = viewport{vb.w, vb.h}
	}
	return c.children(n, ctx)
}

// use draws the element it references, moved by x and y and inheriting
// the <use>'s style. References that loop or nest too deeply are not drawn.
func (c *converter) use(n *node, ctx svgContext) error {
	id, local := strings.CutPrefix(n.attr("href"), "#")
	target := c.ids[id]
	if !local || target == nil || c.inUse[target] || c.useDepth >= maxUseDepth {
		return nil
	}
	c.inUse[target] = true
	c.useDepth++
	defer func() { delete(c.inUse, target); c.useDepth-- }()
	switch target.name {
	case "symbol", "svg":
		return c.nested(target, n, ctx)
	}
	x, _ := parseLength(n.attr("x"), ctx.vp.w, ctx.style.fontSize)
	y, _ := parseLength(n.attr("y"), ctx.vp.h, ctx.style.fontSize)
	ctx.ctm = ctx.ctm.Translate(x, y)
	return c.element(target, ctx)
}
