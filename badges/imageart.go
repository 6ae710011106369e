package badges

import (
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// badgeSVGTemplate is a round badge: a disc in the name's colour, a soft
// highlight from the top, a thin lighter ring and the initials in white.
const badgeSVGTemplate = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512" role="img">
<defs><linearGradient id="laurel-shine" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#ffffff" stop-opacity="0.24"/>
<stop offset="0.55" stop-color="#ffffff" stop-opacity="0"/></linearGradient></defs>
<circle cx="256" cy="256" r="248" fill="%s"/>
<circle cx="256" cy="256" r="248" fill="url(#laurel-shine)"/>
<circle cx="256" cy="256" r="220" fill="none" stroke="%s" stroke-width="6"/>
<text x="256" y="%d" text-anchor="middle" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-weight="700" font-size="%d" fill="#ffffff">%s</text>
</svg>
`

// DefaultBadgeSVG draws a default badge for a badge with no uploaded image:
// the initials of name (up to 2 letters, Unicode-aware, uppercase; "?" if none) on a
// shape filled with a colour derived deterministically from name.
func DefaultBadgeSVG(name string) []byte {
	initials := badgeInitials(name)
	size := 280 - 40*len(initials) // two initials need room side by side
	fill, ring := badgeColours(name)
	var text strings.Builder // initials are letters, yet the name is untrusted
	xml.EscapeText(&text, []byte(strings.Join(initials, "")))
	// The baseline sits 0.35em below the centre so capitals look centred.
	return fmt.Appendf(nil, badgeSVGTemplate, fill, ring, 256+size*35/100, size, text.String())
}

// badgeInitials returns the first letter (or digit) of each of the first
// two words of name, or "?" when there is none.
func badgeInitials(name string) []string {
	var initials []string
	for _, word := range strings.FieldsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	}) {
		if initial := wordInitial(word); initial != "" && len(initials) < 2 {
			initials = append(initials, initial)
		}
	}
	if len(initials) == 0 {
		return []string{"?"}
	}
	return initials
}

// wordInitial keeps the combining marks after the first letter, so a
// decomposed "ñ" (n + U+0303) stays one accented initial.
func wordInitial(word string) string {
	for i, r := range word {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rest := word[i+utf8.RuneLen(r):]
			if n := strings.IndexFunc(rest, func(m rune) bool { return !unicode.Is(unicode.M, m) }); n >= 0 {
				rest = rest[:n]
			}
			return strings.ToUpper(string(r) + rest)
		}
	}
	return ""
}

// badgeColours picks a hue from the FNV-1a hash of name. The fill keeps white
// text at 3:1 contrast or more (large bold text) at every hue.
func badgeColours(name string) (fill, ring string) {
	h := fnv.New32a()
	h.Write([]byte(name))
	hue := float64(h.Sum32() % 360)
	return hslHex(hue, 0.58, 0.34), hslHex(hue, 0.65, 0.78)
}

func hslHex(hue, sat, light float64) string {
	c := (1 - math.Abs(2*light-1)) * sat
	x := c * (1 - math.Abs(math.Mod(hue/60, 2)-1))
	rgb := [6][3]float64{{c, x, 0}, {x, c, 0}, {0, c, x}, {0, x, c}, {x, 0, c}, {c, 0, x}}[int(hue/60)%6]
	m := light - c/2
	byteOf := func(v float64) uint8 { return uint8(math.Round((v + m) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", byteOf(rgb[0]), byteOf(rgb[1]), byteOf(rgb[2]))
}
