package render

import (
	"encoding/xml"
	"image/color"
	"slices"
	"strings"

	"github.com/laurel-badges/laurel/assets/svgsafe"
)

// textAnchor aligns text on its x position.
type textAnchor int

const (
	anchorStart textAnchor = iota
	anchorMiddle
	anchorEnd
)

// style holds the inherited presentation properties.
type style struct {
	fill, stroke               paintRef
	fillOpacity, strokeOpacity float64
	strokeWidth                float64
	roundJoin                  bool // stroke-linejoin: round (else miter)
	fontSize                   float64
	bold                       bool
	anchor                     textAnchor
}

// initialStyle is SVG's initial value of each property.
var initialStyle = style{
	fill:          paintRef{color: namedColors["black"], solid: true},
	fillOpacity:   1,
	strokeOpacity: 1,
	strokeWidth:   1,
	fontSize:      16,
}

// local holds the properties that apply to one element and are not
// inherited.
type local struct {
	opacity     float64
	hidden      bool // display: none
	stopColor   color.NRGBA
	stopOpacity float64
}

// initialLocal is the initial value of each non-inherited property.
var initialLocal = local{opacity: 1, stopColor: namedColors["black"], stopOpacity: 1}

// property is one presentation attribute or style declaration.
type property struct{ name, value string }

// setter applies one property's value.
type setter func(s *style, l *local, value string) error

// properties are the presentation properties understood, by name.
var properties = map[string]setter{
	"fill": func(s *style, _ *local, v string) (err error) {
		s.fill, err = parsePaint(v)
		return err
	},
	"stroke": func(s *style, _ *local, v string) (err error) {
		s.stroke, err = parsePaint(v)
		return err
	},
	"fill-opacity": func(s *style, _ *local, v string) (err error) {
		s.fillOpacity, err = parseOpacity(v)
		return err
	},
	"stroke-opacity": func(s *style, _ *local, v string) (err error) {
		s.strokeOpacity, err = parseOpacity(v)
		return err
	},
	"stroke-width": func(s *style, _ *local, v string) (err error) {
		s.strokeWidth, err = parseNonNegative("stroke-width", v)
		return err
	},
	"stroke-linejoin": func(s *style, _ *local, v string) error {
		return keyword("stroke-linejoin", v, map[string]func(){
			"miter": func() { s.roundJoin = false }, "round": func() { s.roundJoin = true },
		})
	},
	"stroke-miterlimit": func(_ *style, _ *local, v string) error {
		// Only the right angles of rectangles have joins here; they are
		// mitred at any limit above √2.
		limit, err := parseNumber(v)
		if err == nil && limit < 1.5 {
			return unsupportedf("stroke-miterlimit %g", limit)
		}
		return err
	},
	"font-size": func(s *style, _ *local, v string) (err error) {
		s.fontSize, err = parseNonNegative("font-size", v)
		return err
	},
	"font-weight": setFontWeight,
	"font-family": ignore, // there are only the Go fonts
	"font-style":  fixedValue("font-style", "normal"),
	"text-anchor": setTextAnchor,
	"display":     setDisplay,
	"visibility":  fixedValue("visibility", "visible"),
	"opacity": func(_ *style, l *local, v string) (err error) {
		l.opacity, err = parseOpacity(v)
		return err
	},
	"stop-opacity": func(_ *style, l *local, v string) (err error) {
		l.stopOpacity, err = parseOpacity(v)
		return err
	},
	"stop-color": func(_ *style, l *local, v string) (err error) {
		l.stopColor, err = parseColor(v)
		return err
	},
	// Simple closed shapes look the same whatever these say.
	"fill-rule":      ignore,
	"stroke-linecap": ignore,
	"color":          ignore, // currentColor is not supported, so color never shows
	// Rendering hints.
	"shape-rendering": ignore,
	"text-rendering":  ignore,
	"color-rendering": ignore,
}

func ignore(*style, *local, string) error { return nil }

// fixedValue accepts a property only at the value this package draws.
func fixedValue(name, want string) setter {
	return func(_ *style, _ *local, v string) error {
		if trimSpace(v) != want {
			return unsupportedf("%s %.40q", name, v)
		}
		return nil
	}
}

// keyword runs the action for the keyword v.
func keyword(name, v string, actions map[string]func()) error {
	action, ok := actions[trimSpace(v)]
	if !ok {
		return unsupportedf("%s %.40q", name, v)
	}
	action()
	return nil
}

func setFontWeight(s *style, _ *local, v string) error {
	switch v = trimSpace(v); v {
	case "normal", "lighter":
		s.bold = false
		return nil
	case "bold", "bolder":
		s.bold = true
		return nil
	}
	weight, err := parseNumber(v)
	if err != nil || weight < 1 || weight > 1000 {
		return unsupportedf("font-weight %.40q", v)
	}
	s.bold = weight >= 600
	return nil
}

func setTextAnchor(s *style, _ *local, v string) error {
	return keyword("text-anchor", v, map[string]func(){
		"start":  func() { s.anchor = anchorStart },
		"middle": func() { s.anchor = anchorMiddle },
		"end":    func() { s.anchor = anchorEnd },
	})
}

func setDisplay(_ *style, l *local, v string) error {
	return keyword("display", v, map[string]func(){
		"none": func() { l.hidden = true }, "inline": func() {}, "block": func() {},
	})
}

// apply returns the style of an element whose parent has style s, and its
// own non-inherited properties.
func (s style) apply(props []property) (style, local, error) {
	l := initialLocal
	for _, p := range props {
		if trimSpace(p.value) == "inherit" {
			continue // every property here inherits, or has its initial value
		}
		if err := properties[p.name](&s, &l, p.value); err != nil {
			return style{}, local{}, err
		}
	}
	return s, l, nil
}

// Namespaces of attributes that may appear on SVG elements.
const (
	svgNamespace   = svgsafe.Namespace
	xmlNamespace   = svgsafe.XMLNamespace
	xmlnsNamespace = "xmlns"
)

// ignoredAttrs change nothing in the picture.
var ignoredAttrs = map[string]bool{
	"id": true, "class": true, "role": true, "lang": true, "tabindex": true, "focusable": true,
	"version": true, "baseProfile": true, "pathLength": true, "xmlns": true,
}

// attrs sorts an element's attributes into its own (geometry and the
// like, by name) and presentation properties in the order they apply:
// style declarations last, as they take precedence.
type attrs struct {
	own   map[string]string
	props []property
}

// readAttrs sorts el's attributes; own lists the names el understands
// besides presentation properties. Anything else that could change the
// picture is unsupported.
func readAttrs(el xml.StartElement, own ...string) (attrs, error) {
	a := attrs{own: make(map[string]string)}
	var declarations []property
	for _, attr := range el.Attr {
		name := attr.Name.Local
		switch {
		case name == "href":
			return attrs{}, unsupportedf("references (href) on <%s>", el.Name.Local)
		case attr.Name.Space == xmlnsNamespace || attr.Name.Space == xmlNamespace:
			// Namespace declarations, xml:space, xml:lang.
		case attr.Name.Space != "":
			// Editors' private data, such as inkscape:label.
		case slices.Contains(own, name):
			a.own[name] = attr.Value
		case properties[name] != nil:
			a.props = append(a.props, property{name, attr.Value})
		case name == "style":
			d, err := parseDeclarations(attr.Value)
			if err != nil {
				return attrs{}, err
			}
			declarations = append(declarations, d...)
		case ignoredAttrs[name] || strings.HasPrefix(name, "aria-") || strings.HasPrefix(name, "data-"):
		default:
			return attrs{}, unsupportedf("the %.40s attribute on <%s>", name, el.Name.Local)
		}
	}
	a.props = append(a.props, declarations...)
	return a, nil
}

// parseDeclarations parses a style attribute such as "fill:#fff;stroke:none".
func parseDeclarations(css string) ([]property, error) {
	if strings.ContainsAny(css, `\/!{}@`) {
		return nil, unsupportedf("style %.60q (comments, escapes and !important are not supported)", css)
	}
	var props []property
	for decl := range strings.SplitSeq(css, ";") {
		if trimSpace(decl) == "" {
			continue
		}
		name, value, ok := strings.Cut(decl, ":")
		name = strings.ToLower(trimSpace(name))
		if !ok || properties[name] == nil {
			return nil, unsupportedf("style declaration %.60q", decl)
		}
		props = append(props, property{name, value})
	}
	return props, nil
}
