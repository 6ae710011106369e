package badges

import (
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
)

// BadgeArt is what Laurel's generated art for a badge without an uploaded
// image shows: the badge's name on a shape chosen by its level, and the
// community's name on a ribbon across it.
type BadgeArt struct {
	Name      string // the badge's name
	Level     string // e.g. participation, contribution, leadership; "" for none
	Community string // the issuing community's name; "" leaves the ribbon blank
}

// The art is drawn only with circles, ellipses, rectangles, linear
// gradients and centred text, so that browsers and Laurel's own SVG
// rasteriser (for PNG badges and social previews) draw it alike.
const (
	artSize    = 512
	artCentre  = artSize / 2
	artFont    = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
	artMaxName = 120 // characters of the name laid out: more could never fit
)

// artPalette is one badge's colours: a hue from its name, a metal from its
// level.
type artPalette struct {
	fill, deep, light string // the face, the ribbon, the highlights
	metal, metalLight string // the rim's gradient, dark to light
}

// DefaultBadgeSVG draws the generated art of a badge with no level and no
// community, as the console shows while a badge is being named.
func DefaultBadgeSVG(name string) []byte { return BadgeArt{Name: name}.SVG() }

// SVG draws the art as a 512×512 SVG. The same art always gives the same
// bytes; every text is escaped, wrapped and fitted to its place.
func (a BadgeArt) SVG() []byte {
	pal := a.palette()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`+"\n", artSize, artSize, artSize, artSize)
	b.WriteString("<title>")
	xml.EscapeText(&b, []byte(strings.Join(strings.Fields(a.Name), " ")))
	b.WriteString("</title>\n")
	fmt.Fprintf(&b, `<defs><linearGradient id="laurel-metal" gradientUnits="userSpaceOnUse" x1="0" y1="16" x2="0" y2="496"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/></linearGradient>`+"\n", pal.metalLight, pal.metal)
	b.WriteString(`<linearGradient id="laurel-shine" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#ffffff" stop-opacity="0.24"/><stop offset="0.55" stop-color="#ffffff" stop-opacity="0"/></linearGradient></defs>` + "\n")
	// The metal is laid over the whole art, so that a shape made of
	// several outlines shows no seams.
	d := designOf(a.Level)
	d.shape(&b, pal)
	community := cleanArtText(a.Community, artMaxName)
	if community != "" {
		d.ribbon(&b, pal)
	}
	a.drawText(&b, d, pal, community)
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// palette picks a hue from the FNV-1a hash of the name and a metal from the
// level. The face keeps white text at 4.5:1 contrast or more at every hue.
func (a BadgeArt) palette() artPalette {
	h := fnv.New32a()
	h.Write([]byte(a.Name))
	hue := float64(h.Sum32() % 360)
	p := artPalette{fill: hslHex(hue, 0.55, 0.30), deep: hslHex(hue, 0.6, 0.18), light: hslHex(hue, 0.65, 0.80)}
	switch a.Level {
	case "participation": // bronze
		p.metal, p.metalLight = "#8a5a2b", "#e2a86e"
	case "contribution": // silver
		p.metal, p.metalLight = "#7d8896", "#eef2f6"
	case "leadership": // gold
		p.metal, p.metalLight = "#a87a12", "#f7dc7c"
	default: // the badge's own hue
		p.metal, p.metalLight = hslHex(hue, 0.5, 0.45), hslHex(hue, 0.65, 0.82)
	}
	return p
}

// drawText writes the level, the name and the community in the places the
// design keeps for them.
func (a BadgeArt) drawText(b *strings.Builder, d design, pal artPalette, community string) {
	if a.Level != "" {
		label := fitLine(strings.ToUpper(a.Level), 200, 22, 16)
		writeText(b, artCentre, d.levelY, label.size, "700", pal.light, label.text)
	}
	name := fitName(cleanArtText(a.Name, artMaxName), d.nameWidth, d.nameHeight)
	top := d.nameMid - float64(len(name.lines))*name.lineHeight()/2
	for i, l := range name.lines {
		// A baseline 0.78em below the line's top centres capitals and
		// lower case alike in the line.
		y := top + float64(i)*name.lineHeight() + name.size*0.9
		writeText(b, artCentre, y, name.size, "700", "#ffffff", l)
	}
	if community != "" {
		line := fitLine(community, d.ribbonWidth-56, 26, 17)
		writeText(b, artCentre, d.ribbonY+d.ribbonHeight/2+line.size*0.36, line.size, "600", "#ffffff", line.text)
	}
}

// writeText writes one centred line of escaped text.
func writeText(b *strings.Builder, x, y, size float64, weight, fill, text string) {
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-family="%s" font-weight="%s" font-size="%s" fill="%s">`,
		num(x), num(y), artFont, weight, num(size), fill)
	xml.EscapeText(b, []byte(text))
	b.WriteString("</text>\n")
}

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", math.Round(v*10)/10), ".0")
}

func hslHex(hue, sat, light float64) string {
	c := (1 - math.Abs(2*light-1)) * sat
	x := c * (1 - math.Abs(math.Mod(hue/60, 2)-1))
	rgb := [6][3]float64{{c, x, 0}, {x, c, 0}, {0, c, x}, {0, x, c}, {x, 0, c}, {c, 0, x}}[int(hue/60)%6]
	m := light - c/2
	byteOf := func(v float64) uint8 { return uint8(math.Round((v + m) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", byteOf(rgb[0]), byteOf(rgb[1]), byteOf(rgb[2]))
}
