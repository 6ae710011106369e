package render

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/srwiley/rasterx"
	"golang.org/x/image/colornames"
)

// maxMagnitude bounds every number read from a document: beyond it a
// coordinate means nothing on a badge and only risks overflow.
const maxMagnitude = 1e7

// scanNumbers reads the numbers of a list such as "0,0 10-5 .5.5e1":
// separators are commas and spaces, a sign or a second point starts a
// new number. It stops at the first character that is none of these, or
// after max numbers.
func scanNumbers(s string, max int) []float64 {
	var out []float64
	for i := 0; i < len(s) && len(out) < max; {
		c := s[i]
		if c == ',' || isSpace(c) {
			i++
			continue
		}
		v, n := readNumber(s[i:])
		if n == 0 {
			break
		}
		out = append(out, v)
		i += n
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// readNumber reads one SVG number at the start of s, returning it and the
// bytes it took; 0 bytes when there is none or it is out of bounds.
func readNumber(s string) (float64, int) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for ; k < len(s) && s[k] >= '0' && s[k] <= '9'; k++ {
		}
		if k > j {
			i = k
		}
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || math.IsNaN(v) || math.Abs(v) > maxMagnitude {
		return 0, 0
	}
	return v, i
}

// unitScale is the size in user units (CSS pixels) of each absolute unit.
var unitScale = map[string]float64{
	"": 1, "px": 1, "pt": 96.0 / 72, "pc": 16, "in": 96, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6,
}

// parseLength reads a length; a percentage is of ref, an em of fontSize.
func parseLength(s string, ref, fontSize float64) (float64, bool) {
	s = strings.TrimSpace(s)
	v, n := readNumber(s)
	if n == 0 {
		return 0, false
	}
	switch unit := strings.ToLower(strings.TrimSpace(s[n:])); unit {
	case "%":
		return v / 100 * ref, true
	case "em":
		return v * fontSize, true
	case "ex":
		return v * fontSize / 2, true
	default:
		k, ok := unitScale[unit]
		return v * k, ok
	}
}

// parseFraction reads an opacity or gradient offset: a number or a
// percentage, clamped to [0, 1].
func parseFraction(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	v, n := readNumber(s)
	if n == 0 {
		return 0, false
	}
	switch strings.TrimSpace(s[n:]) {
	case "%":
		v /= 100
	case "":
	default:
		return 0, false
	}
	return math.Min(1, math.Max(0, v)), true
}

// parseColor reads a CSS colour: a name, #rgb, #rgba, #rrggbb, #rrggbbaa,
// rgb(), rgba(), hsl(), hsla(), transparent or currentColor (current).
func parseColor(s string, current color.NRGBA) (color.NRGBA, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "currentcolor":
		return current, true
	case s == "transparent":
		return color.NRGBA{}, true
	case strings.HasPrefix(s, "#"):
		return parseHexColor(s[1:])
	case strings.HasPrefix(s, "rgb"):
		return parseFunctionColor(s, "rgb", rgbChannels)
	case strings.HasPrefix(s, "hsl"):
		return parseFunctionColor(s, "hsl", hslChannels)
	}
	c, ok := colornames.Map[s]
	return color.NRGBA(c), ok // named colours are opaque
}

func parseHexColor(h string) (color.NRGBA, bool) {
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.NRGBA{}, false
	}
	nibble := func(shift uint) uint8 { return uint8((v>>shift)&0xf) * 0x11 }
	byteAt := func(shift uint) uint8 { return uint8(v >> shift) }
	switch len(h) {
	case 3:
		return color.NRGBA{nibble(8), nibble(4), nibble(0), 255}, true
	case 4:
		return color.NRGBA{nibble(12), nibble(8), nibble(4), nibble(0)}, true
	case 6:
		return color.NRGBA{byteAt(16), byteAt(8), byteAt(0), 255}, true
	case 8:
		return color.NRGBA{byteAt(24), byteAt(16), byteAt(8), byteAt(0)}, true
	}
	return color.NRGBA{}, false
}

// parseFunctionColor reads rgb(…)/rgba(…) or hsl(…)/hsla(…), with commas
// or spaces and an optional alpha after a comma or a slash.
func parseFunctionColor(s, name string, channels func(args []string) (r, g, b float64, ok bool)) (color.NRGBA, bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, name), "a")
	if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
		return color.NRGBA{}, false
	}
	args := strings.FieldsFunc(s[1:len(s)-1], func(r rune) bool { return r == ',' || r == '/' || r == ' ' })
	if len(args) != 3 && len(args) != 4 {
		return color.NRGBA{}, false
	}
	r, g, b, ok := channels(args[:3])
	alpha := 1.0
	if len(args) == 4 {
		var aok bool
		alpha, aok = parseFraction(args[3])
		ok = ok && aok
	}
	if !ok {
		return color.NRGBA{}, false
	}
	to8 := func(v float64) uint8 { return uint8(math.Round(math.Min(1, math.Max(0, v)) * 255)) }
	return color.NRGBA{to8(r), to8(g), to8(b), to8(alpha)}, true
}

// rgbChannels reads three channels of 0–255 or percentages, as fractions.
func rgbChannels(args []string) (r, g, b float64, ok bool) {
	var v [3]float64
	for i, a := range args {
		if strings.HasSuffix(a, "%") {
			f, n := readNumber(a)
			if n != len(a)-1 {
				return 0, 0, 0, false
			}
			v[i] = f / 100
			continue
		}
		f, n := readNumber(a)
		if n != len(a) {
			return 0, 0, 0, false
		}
		v[i] = f / 255
	}
	return v[0], v[1], v[2], true
}

// hslChannels reads hue (degrees), saturation and lightness (percentages).
func hslChannels(args []string) (r, g, b float64, ok bool) {
	h, n := readNumber(strings.TrimSuffix(args[0], "deg"))
	sat, sok := parseFraction(args[1])
	light, lok := parseFraction(args[2])
	if n == 0 || !sok || !lok || !strings.HasSuffix(args[1], "%") || !strings.HasSuffix(args[2], "%") {
		return 0, 0, 0, false
	}
	h = math.Mod(math.Mod(h, 360)+360, 360) / 60
	c := (1 - math.Abs(2*light-1)) * sat
	x := c * (1 - math.Abs(math.Mod(h, 2)-1))
	m := light - c/2
	rgb := [6][3]float64{{c, x, 0}, {x, c, 0}, {0, c, x}, {0, x, c}, {x, 0, c}, {c, 0, x}}[min(5, int(h))]
	return rgb[0] + m, rgb[1] + m, rgb[2] + m, true
}

// parseTransform reads a transform list; ok is false when it is
// malformed, which makes the element not drawn, as in browsers.
func parseTransform(s string) (rasterx.Matrix2D, bool) {
	m := rasterx.Identity
	rest := strings.TrimSpace(s)
	for rest != "" {
		open := strings.IndexByte(rest, '(')
		end := strings.IndexByte(rest, ')')
		if open < 0 || end < open {
			return m, false
		}
		name := strings.ToLower(strings.TrimSpace(rest[:open]))
		args := scanNumbers(rest[open+1:end], 7)
		t, ok := transformOf(name, args)
		if !ok {
			return m, false
		}
		m = m.Mult(t)
		rest = strings.TrimLeft(rest[end+1:], " \t\r\n,")
	}
	return m, true
}

// transformOf is one transform function as a matrix.
func transformOf(name string, a []float64) (rasterx.Matrix2D, bool) {
	id := rasterx.Identity
	deg := math.Pi / 180
	switch {
	case name == "matrix" && len(a) == 6:
		return rasterx.Matrix2D{A: a[0], B: a[1], C: a[2], D: a[3], E: a[4], F: a[5]}, true
	case name == "translate" && (len(a) == 1 || len(a) == 2):
		return id.Translate(a[0], at(a, 1, 0)), true
	case name == "scale" && (len(a) == 1 || len(a) == 2):
		return id.Scale(a[0], at(a, 1, a[0])), true
	case name == "rotate" && len(a) == 1:
		return id.Rotate(a[0] * deg), true
	case name == "rotate" && len(a) == 3:
		return id.Translate(a[1], a[2]).Rotate(a[0]*deg).Translate(-a[1], -a[2]), true
	case name == "skewx" && len(a) == 1:
		return id.SkewX(a[0] * deg), true
	case name == "skewy" && len(a) == 1:
		return id.SkewY(a[0] * deg), true
	}
	return id, false
}

// at returns a[i], or def when a is shorter.
func at(a []float64, i int, def float64) float64 {
	if i < len(a) {
		return a[i]
	}
	return def
}

// styleDeclarations reads a style attribute's "name: value" pairs.
func styleDeclarations(css string) map[string]string {
	out := make(map[string]string)
	for decl := range strings.SplitSeq(css, ";") {
		name, value, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "!important"))
		out[strings.ToLower(strings.TrimSpace(name))] = value
	}
	return out
}

// formatNumber writes v briefly, never in exponent form (which the
// drawing library's number reader does not take).
func formatNumber(b []byte, v float64) []byte {
	s := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', 4, 64), "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return append(b, s...)
}
