package render

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/laurel-badges/laurel/assets/svgsafe"
)

// Limits on the documents RasterizeSVG accepts.
const (
	maxSVGBytes    = 256 << 10
	maxSVGElements = 1000
	maxSVGDepth    = 32
)

// svgPolicy is the shared pre-checks as the rasterizer applies them: it
// draws art checked at upload and Laurel's own default badges, and, as
// browsers do for inline SVG, a root <svg> in no namespace.
var svgPolicy = svgsafe.Policy{MaxDepth: maxSVGDepth, AllowNoNamespace: true}

// document is a parsed SVG: the shapes to draw, in paint order, and the
// gradients they may refer to.
type document struct {
	viewBox   rectF
	shapes    []shape
	gradients map[string]*gradient
}

// shape is one thing to draw: an outline or a line of text.
type shape struct {
	outline outline  // nil for text
	text    *textRun // nil for outlines
	style   style
	opacity float64
}

// textRun is the content and position of a <text> element.
type textRun struct {
	x, y    float64
	content string
}

// kind classifies open elements by what they may contain.
type kind int

const (
	kindContainer kind = iota // <svg>, <g>, <defs>
	kindLeaf                  // shapes, <text>, <stop>: descriptions only
	kindGradient              // <linearGradient>: stops
	kindSkipped               // <title>, <desc>, foreign elements: anything, ignored
)

// frame is an open element.
type frame struct {
	name     string
	kind     kind
	style    style    // what children inherit
	hidden   bool     // children are not drawn (inside <defs> or display: none)
	text     *textRun // an open <text>, collecting its content
	buffer   *strings.Builder
	gradient *gradient // an open <linearGradient>, collecting stops
}

// parser reads an SVG document token by token.
type parser struct {
	r        *svgsafe.Reader
	doc      *document
	stack    []frame
	elements int
}

// parseSVG parses data into a document, enforcing the size, element and
// depth limits.
func parseSVG(data []byte) (*document, error) {
	if len(data) > maxSVGBytes {
		return nil, unsupportedf("the document is %d bytes; the limit is %d", len(data), maxSVGBytes)
	}
	r, err := svgsafe.NewReader(data, svgPolicy)
	if err != nil {
		return nil, safetyError(err)
	}
	p := &parser{r: r, doc: &document{gradients: make(map[string]*gradient)}}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.doc, nil
}

func (p *parser) run() error {
	for {
		tok, err := p.r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return safetyError(err)
		}
		if err := p.token(tok); err != nil {
			return err
		}
	}
}

// safetyError words a problem the shared pre-checks found: what they
// refuse is outside the subset drawn here, what is malformed is invalid.
func safetyError(err error) error {
	var se *svgsafe.Error
	switch {
	case !errors.As(err, &se):
		return fmt.Errorf("parse SVG: %w", err)
	case se.Kind == svgsafe.Refused:
		return unsupportedf("%s", se.Msg)
	}
	return invalidf("%s", se.Msg)
}

func (p *parser) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return p.start(t)
	case xml.EndElement:
		return p.end()
	case xml.CharData:
		if top := p.top(); top != nil && top.text != nil {
			top.buffer.Write(t)
		}
	}
	return nil // the pre-checks let through only harmless others
}

// top returns the innermost open element, or nil outside the root.
func (p *parser) top() *frame {
	if len(p.stack) == 0 {
		return nil
	}
	return &p.stack[len(p.stack)-1]
}

func (p *parser) start(el xml.StartElement) error {
	if p.elements++; p.elements > maxSVGElements {
		return unsupportedf("more than %d elements", maxSVGElements)
	}
	parent := p.top()
	if parent == nil {
		return p.root(el)
	}
	f, err := p.child(parent, el)
	if err != nil {
		return err
	}
	f.name = el.Name.Local
	p.stack = append(p.stack, f)
	return nil
}

func (p *parser) end() error {
	f := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	if f.text != nil && !f.hidden {
		f.text.content = collapseSpace(f.buffer.String())
		p.doc.shapes = append(p.doc.shapes, shape{text: f.text, style: f.style, opacity: 1})
	}
	return nil
}

// collapseSpace applies SVG's default white-space handling to text.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, isXMLSpace), " ")
}

// root handles the document element, which the pre-checks found to be
// the one <svg>.
func (p *parser) root(el xml.StartElement) error {
	a, err := readAttrs(el, "width", "height", "viewBox", "preserveAspectRatio", "x", "y", "zoomAndPan")
	if err != nil {
		return err
	}
	if p.doc.viewBox, err = viewBox(a.own); err != nil {
		return err
	}
	st, l, err := initialStyle.apply(a.props)
	if err != nil {
		return err
	}
	if l.opacity != 1 {
		return unsupportedf("opacity on <svg>")
	}
	p.stack = append(p.stack, frame{name: "svg", kind: kindContainer, style: st, hidden: l.hidden})
	return nil
}

// viewBox returns the area of user space to draw, from the viewBox
// attribute or else from width and height.
func viewBox(own map[string]string) (rectF, error) {
	if par := trimSpace(own["preserveAspectRatio"]); par != "" && par != "xMidYMid" && par != "xMidYMid meet" {
		return rectF{}, unsupportedf("preserveAspectRatio %.40q", par)
	}
	var box rectF
	if vb, ok := own["viewBox"]; ok {
		fields := strings.FieldsFunc(vb, func(r rune) bool { return isXMLSpace(r) || r == ',' })
		if len(fields) != 4 {
			return rectF{}, invalidf("viewBox %.60q does not have four numbers", vb)
		}
		var v [4]float64
		for i, f := range fields {
			var err error
			if v[i], err = parseNumber(f); err != nil {
				return rectF{}, fmt.Errorf("viewBox: %w", err)
			}
		}
		box = rectF{v[0], v[1], v[0] + v[2], v[1] + v[3]}
	} else {
		w, errW := parseLength(own["width"])
		h, errH := parseLength(own["height"])
		if errW != nil || errH != nil {
			return rectF{}, unsupportedf("an <svg> without a viewBox needs a width and height in px")
		}
		box = rectF{0, 0, w, h}
	}
	// Tiny boxes would blow coordinates up past any sensible range.
	if box.width() < 1e-3 || box.height() < 1e-3 {
		return rectF{}, unsupportedf("a viewBox or size of %g×%g", box.width(), box.height())
	}
	return box, nil
}

// descriptive elements describe the picture without drawing anything.
var descriptive = map[string]bool{"title": true, "desc": true, "metadata": true}

// child handles an element inside parent and returns its frame.
func (p *parser) child(parent *frame, el xml.StartElement) (frame, error) {
	name := el.Name.Local
	switch {
	case parent.kind == kindSkipped, el.Name.Space != svgNamespace && el.Name.Space != "", descriptive[name]:
		// Not rendered; editors' data such as <sodipodi:namedview>.
		return frame{kind: kindSkipped}, nil
	case parent.kind == kindGradient && name == "stop":
		return frame{kind: kindLeaf}, p.stop(parent, el)
	case parent.kind != kindContainer:
		return frame{}, unsupportedf("<%.40s> inside <%s>", name, parent.name)
	}
	switch name {
	case "g", "defs":
		return p.group(parent, el)
	case "circle", "ellipse", "rect":
		return frame{kind: kindLeaf}, p.outline(parent, el)
	case "text":
		return p.text(parent, el)
	case "linearGradient":
		return p.linearGradient(parent, el)
	}
	return frame{}, unsupportedf("<%.40s> elements", name)
}

// styled reads an element's attributes (own ones and presentation
// properties) and applies the properties to its parent's style.
func styled(parent *frame, el xml.StartElement, own ...string) (attrs, style, local, error) {
	a, err := readAttrs(el, own...)
	if err != nil {
		return a, style{}, local{}, err
	}
	st, l, err := parent.style.apply(a.props)
	return a, st, l, err
}

func (p *parser) group(parent *frame, el xml.StartElement) (frame, error) {
	_, st, l, err := styled(parent, el)
	if err != nil {
		return frame{}, err
	}
	if l.opacity != 1 {
		return frame{}, unsupportedf("opacity on <%s>", el.Name.Local)
	}
	hidden := parent.hidden || l.hidden || el.Name.Local == "defs"
	return frame{kind: kindContainer, style: st, hidden: hidden}, nil
}

// outline handles <circle>, <ellipse> and <rect>.
func (p *parser) outline(parent *frame, el xml.StartElement) error {
	a, st, l, err := styled(parent, el, outlineAttrs[el.Name.Local]...)
	if err != nil {
		return err
	}
	o, err := parseOutline(el.Name.Local, a.own)
	if err != nil || o == nil || parent.hidden || l.hidden {
		return err
	}
	p.doc.shapes = append(p.doc.shapes, shape{outline: o, style: st, opacity: l.opacity})
	return nil
}

func (p *parser) text(parent *frame, el xml.StartElement) (frame, error) {
	a, st, l, err := styled(parent, el, "x", "y")
	if err != nil {
		return frame{}, err
	}
	if l.opacity != 1 {
		st.fillOpacity *= l.opacity
		st.strokeOpacity *= l.opacity
	}
	run := &textRun{}
	if run.x, err = optionalLength("x", a.own); err != nil {
		return frame{}, err
	}
	if run.y, err = optionalLength("y", a.own); err != nil {
		return frame{}, err
	}
	return frame{kind: kindLeaf, style: st, hidden: parent.hidden || l.hidden, text: run, buffer: &strings.Builder{}}, nil
}

// optionalLength parses the named length if present; absent, it is 0.
func optionalLength(name string, own map[string]string) (float64, error) {
	v, ok := own[name]
	if !ok {
		return 0, nil
	}
	n, err := parseLength(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

func (p *parser) linearGradient(parent *frame, el xml.StartElement) (frame, error) {
	a, err := readAttrs(el, "id", "x1", "y1", "x2", "y2", "gradientUnits", "spreadMethod")
	if err != nil {
		return frame{}, err
	}
	if _, _, err := parent.style.apply(a.props); err != nil {
		return frame{}, err
	}
	g, err := parseGradient(a.own)
	if err != nil {
		return frame{}, err
	}
	// The first of several elements with one id is the one referred to.
	if id := a.own["id"]; id != "" && p.doc.gradients[id] == nil {
		p.doc.gradients[id] = g
	}
	return frame{kind: kindGradient, gradient: g}, nil
}

func (p *parser) stop(parent *frame, el xml.StartElement) error {
	a, err := readAttrs(el, "offset")
	if err != nil {
		return err
	}
	_, l, err := initialStyle.apply(a.props)
	if err != nil {
		return err
	}
	var offset float64
	if v, ok := a.own["offset"]; ok {
		if offset, err = parseFraction(v); err != nil {
			return fmt.Errorf("stop offset: %w", err)
		}
	}
	parent.gradient.addStop(offset, l.stopColor, l.stopOpacity)
	return nil
}
