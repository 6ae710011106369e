package render

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
)

// ErrUnsupportedSVG is wrapped by the errors of RasterizeSVG and BadgeImage
// for documents that may well be valid SVG but use something outside the
// subset this package draws (paths, transforms, images, CSS…) or exceed its
// limits. Callers should fall back, for example to serving the SVG as is.
var ErrUnsupportedSVG = errors.New("unsupported SVG")

// unsupportedf returns an error wrapping ErrUnsupportedSVG.
func unsupportedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupportedSVG, fmt.Sprintf(format, args...))
}

// invalidf returns an error for a document that breaks the rules of SVG.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("invalid SVG: %s", fmt.Sprintf(format, args...))
}

// maxMagnitude bounds every number in a document, keeping all arithmetic
// on it finite.
const maxMagnitude = 1e9

// isXMLSpace reports whether r is white space in XML (and so in SVG
// attribute syntax).
func isXMLSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// trimSpace trims XML white space from both ends of s.
func trimSpace(s string) string { return strings.TrimFunc(s, isXMLSpace) }

// parseNumber parses an SVG number such as "12", "-.5" or "1e3".
func parseNumber(s string) (float64, error) {
	s = trimSpace(s)
	if s == "" || strings.Trim(s, "0123456789.eE+-") != "" {
		return 0, invalidf("%.40q is not a number", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) || math.Abs(v) > maxMagnitude:
		return 0, unsupportedf("number %.40q is out of range", s)
	case err != nil:
		return 0, invalidf("%.40q is not a number", s)
	}
	return v, nil
}

// parseLength parses a length in user units: a number, optionally in px.
func parseLength(s string) (float64, error) {
	s = trimSpace(s)
	number := strings.TrimSuffix(s, "px")
	if unit := strings.TrimLeft(number, "0123456789.eE+-"); unit != "" {
		// %, em, mm… would need a viewport or a font to resolve.
		return 0, unsupportedf("length %.40q (only plain numbers and px are supported)", s)
	}
	return parseNumber(number)
}

// parseNonNegative parses a length that must not be negative.
func parseNonNegative(name, s string) (float64, error) {
	v, err := parseLength(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	if v < 0 {
		return 0, invalidf("%s is negative", name)
	}
	return v, nil
}

// parseFraction parses a number or a percentage, as a fraction (50% is 0.5).
func parseFraction(s string) (float64, error) {
	s = trimSpace(s)
	if number, ok := strings.CutSuffix(s, "%"); ok {
		v, err := parseNumber(number)
		return v / 100, err
	}
	return parseNumber(s)
}

// parseOpacity parses an opacity, clamped to [0, 1].
func parseOpacity(s string) (float64, error) {
	v, err := parseFraction(s)
	return min(max(v, 0), 1), err
}

// namedColors are the colour keywords understood besides hex notation.
var namedColors = map[string]color.NRGBA{
	"black":       {0x00, 0x00, 0x00, 0xff},
	"white":       {0xff, 0xff, 0xff, 0xff},
	"red":         {0xff, 0x00, 0x00, 0xff},
	"green":       {0x00, 0x80, 0x00, 0xff},
	"blue":        {0x00, 0x00, 0xff, 0xff},
	"yellow":      {0xff, 0xff, 0x00, 0xff},
	"orange":      {0xff, 0xa5, 0x00, 0xff},
	"purple":      {0x80, 0x00, 0x80, 0xff},
	"gray":        {0x80, 0x80, 0x80, 0xff},
	"grey":        {0x80, 0x80, 0x80, 0xff},
	"silver":      {0xc0, 0xc0, 0xc0, 0xff},
	"gold":        {0xff, 0xd7, 0x00, 0xff},
	"navy":        {0x00, 0x00, 0x80, 0xff},
	"teal":        {0x00, 0x80, 0x80, 0xff},
	"transparent": {},
}

// parseColor parses #rgb, #rrggbb or a colour keyword.
func parseColor(s string) (color.NRGBA, error) {
	s = trimSpace(s)
	if c, ok := namedColors[strings.ToLower(s)]; ok {
		return c, nil
	}
	hex, ok := strings.CutPrefix(s, "#")
	if !ok {
		return color.NRGBA{}, unsupportedf("colour %.40q", s)
	}
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if len(hex) != 6 || err != nil {
		return color.NRGBA{}, unsupportedf("colour %.40q (use #rgb or #rrggbb)", s)
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}, nil
}

// paintRef is a fill or stroke as written: nothing, a colour, or a
// gradient with an optional fallback colour.
type paintRef struct {
	id    string // the gradient of url(#id), or ""
	color color.NRGBA
	solid bool // color applies: the paint, or the fallback of id
}

// visible reports whether the paint can draw anything.
func (p paintRef) visible() bool { return p.id != "" || (p.solid && p.color.A != 0) }

// parsePaint parses "none", a colour, or "url(#id)" optionally followed by
// a fallback ("none" or a colour).
func parsePaint(s string) (paintRef, error) {
	s = trimSpace(s)
	rest, isURL := strings.CutPrefix(s, "url(")
	if !isURL {
		return parseSolidPaint(s)
	}
	target, fallback, closed := strings.Cut(rest, ")")
	id, local := strings.CutPrefix(strings.Trim(trimSpace(target), `"'`), "#")
	if !closed || !local || id == "" {
		return paintRef{}, unsupportedf("paint %.60q (only url(#id) references are supported)", s)
	}
	ref := paintRef{id: id}
	if fallback = trimSpace(fallback); fallback != "" {
		solid, err := parseSolidPaint(fallback)
		if err != nil {
			return paintRef{}, err
		}
		ref.color, ref.solid = solid.color, solid.solid
	}
	return ref, nil
}

// parseSolidPaint parses "none" or a colour.
func parseSolidPaint(s string) (paintRef, error) {
	if s == "none" {
		return paintRef{}, nil
	}
	c, err := parseColor(s)
	return paintRef{color: c, solid: true}, err
}
