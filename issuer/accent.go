package issuer

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// A community's accent colour leads its pages (buttons, headings, the
// band behind its name); text on it is black or white, whichever reads
// better. WCAG 2 asks for a contrast of at least 4.5:1 for normal text.

// MinContrast is the least contrast of text on the accent colour.
const MinContrast = 4.5

// Accent is an accent colour and the text colour that reads on it.
type Accent struct {
	Color    string  // "#rrggbb", lower case
	Text     string  // "#000000" or "#ffffff"
	Contrast float64 // of Text on Color, at least MinContrast
}

// ParseAccent checks an accent colour ("#rrggbb") and finds the text
// colour for it: of black and white, the one of higher contrast, which
// must reach MinContrast. For an opaque colour one of the two always
// reaches about 4.58:1, so the refusal guards the rule, not a case met.
func ParseAccent(s string) (Accent, error) {
	color := strings.ToLower(strings.TrimSpace(s))
	if len(color) != 7 || color[0] != '#' {
		return Accent{}, badges.FieldErrorf("accentColor", "accentColor %q must be a colour written #rrggbb, such as #25613f", s)
	}
	rgb, err := strconv.ParseUint(color[1:], 16, 32)
	if err != nil {
		return Accent{}, badges.FieldErrorf("accentColor", "accentColor %q must be a colour written #rrggbb, such as #25613f", s)
	}
	l := luminance(uint8(rgb>>16), uint8(rgb>>8), uint8(rgb))
	a := Accent{Color: color, Text: "#000000", Contrast: contrast(l, 0)}
	if white := contrast(1, l); white > a.Contrast {
		a.Text, a.Contrast = "#ffffff", white
	}
	if a.Contrast < MinContrast {
		return Accent{}, badges.FieldErrorf("accentColor", "accentColor %s gives text a contrast of %.2f:1 in black or white; choose a colour that reaches %.1f:1", color, a.Contrast, MinContrast)
	}
	return a, nil
}

// Ratio is the contrast written as people read it ("7.1:1").
func (a Accent) Ratio() string {
	return fmt.Sprintf("%.1f:1", math.Floor(a.Contrast*10)/10)
}

// TextName is the text colour in words.
func (a Accent) TextName() string {
	if a.Text == "#ffffff" {
		return "white"
	}
	return "black"
}

// luminance is the relative luminance of an sRGB colour (WCAG 2).
func luminance(r, g, b uint8) float64 {
	return 0.2126*linear(r) + 0.7152*linear(g) + 0.0722*linear(b)
}

// linear undoes the sRGB transfer function of one channel.
func linear(c uint8) float64 {
	v := float64(c) / 255
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// contrast is the WCAG contrast ratio of two luminances, lighter first.
func contrast(lighter, darker float64) float64 {
	if lighter < darker {
		lighter, darker = darker, lighter
	}
	return (lighter + 0.05) / (darker + 0.05)
}
