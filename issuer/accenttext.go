package issuer

import (
	"fmt"
	"strconv"
	"strings"
)

// An accent used as text (a heading, a link) sits on the page, not the
// other way round: the page's background is fixed by the scheme, so the
// accent itself gives way. A pale accent is darkened on a light page and
// a dark one lightened on a dark page, toward black or white, which keeps
// its hue, by the least step that reaches MinContrast.

// TextColor is an accent as it is written on page backgrounds.
type TextColor struct {
	Color    string  // "#rrggbb", lower case
	Contrast float64 // against the background it contrasts least with
}

// TextOn finds the colour nearest the accent that reads at MinContrast as
// text on every one of backgrounds ("#rrggbb"), which must all be light
// or all dark: a light page darkens the accent, a dark page lightens it.
func (a Accent) TextOn(backgrounds ...string) (TextColor, error) {
	if len(backgrounds) == 0 {
		return TextColor{}, fmt.Errorf("text colour of accent %s: no background given", a.Color)
	}
	r, g, b, err := parseHex(a.Color)
	if err != nil {
		return TextColor{}, err
	}
	lums := make([]float64, len(backgrounds))
	for i, bg := range backgrounds {
		br, bgc, bb, err := parseHex(bg)
		if err != nil {
			return TextColor{}, err
		}
		lums[i] = luminance(br, bgc, bb)
	}
	light := isLight(lums[0])
	for _, l := range lums[1:] {
		if isLight(l) != light {
			return TextColor{}, fmt.Errorf("text colour of accent %s: backgrounds %v are not all light or all dark", a.Color, backgrounds)
		}
	}
	// Step by step toward black (or white): the last step is black (or
	// white) itself, which reaches MinContrast on any page of its scheme.
	var t TextColor
	for step := 0; step <= 255; step++ {
		c := [3]uint8{toward(r, step, light), toward(g, step, light), toward(b, step, light)}
		t = TextColor{Color: fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2]), Contrast: leastContrast(luminance(c[0], c[1], c[2]), lums)}
		if t.Contrast >= MinContrast {
			break
		}
	}
	return t, nil
}

// Contrast is the WCAG contrast ratio of two colours written #rrggbb.
func Contrast(x, y string) (float64, error) {
	xr, xg, xb, err := parseHex(x)
	if err != nil {
		return 0, err
	}
	yr, yg, yb, err := parseHex(y)
	if err != nil {
		return 0, err
	}
	return contrast(luminance(xr, xg, xb), luminance(yr, yg, yb)), nil
}

// isLight reports whether black text reads better than white on a
// background of luminance l.
func isLight(l float64) bool { return contrast(l, 0) >= contrast(1, l) }

// toward moves a channel step/255 of the way to 0 (darken) or 255.
func toward(c uint8, step int, darken bool) uint8 {
	if darken {
		return uint8((int(c)*(255-step) + 127) / 255)
	}
	return uint8(int(c) + ((255-int(c))*step+127)/255)
}

func leastContrast(l float64, backgrounds []float64) float64 {
	worst := 21.0
	for _, bg := range backgrounds {
		worst = min(worst, contrast(l, bg))
	}
	return worst
}

// parseHex reads "#rrggbb".
func parseHex(s string) (r, g, b uint8, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	v, perr := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if len(s) != 7 || s[0] != '#' || perr != nil {
		return 0, 0, 0, fmt.Errorf("colour %q is not written #rrggbb", s)
	}
	return uint8(v >> 16), uint8(v >> 8), uint8(v), nil
}
