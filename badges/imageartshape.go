package badges

import (
	"fmt"
	"math"
	"strings"
)

// design is one level's shape and the places it keeps for text, in the
// art's 512×512 coordinates.
type design struct {
	shape                              func(b *strings.Builder, pal artPalette)
	levelY                             float64 // the level's baseline
	nameMid, nameWidth, nameHeight     float64 // the name's box, centred
	ribbonY, ribbonHeight, ribbonWidth float64
}

// designOf returns the design of a level: a medal on ribbon tails for
// participation, a shield for contribution, a rosette for leadership, and
// a plain medal for any other level or none.
func designOf(level string) design {
	switch level {
	case "participation":
		return design{shape: drawTailedMedal, levelY: 122, nameMid: 226, nameWidth: 300, nameHeight: 150, ribbonY: 316, ribbonHeight: 60, ribbonWidth: 440}
	case "contribution":
		return design{shape: drawShield, levelY: 112, nameMid: 228, nameWidth: 300, nameHeight: 160, ribbonY: 330, ribbonHeight: 62, ribbonWidth: 456}
	case "leadership":
		return design{shape: drawRosette, levelY: 132, nameMid: 236, nameWidth: 268, nameHeight: 140, ribbonY: 320, ribbonHeight: 58, ribbonWidth: 436}
	}
	d := design{shape: drawMedal, levelY: 118, nameMid: 226, nameWidth: 340, nameHeight: 190, ribbonY: 330, ribbonHeight: 64, ribbonWidth: 470}
	if level != "" {
		d.nameMid, d.nameHeight = 232, 160 // room for the level's line
	}
	return d
}

// ribbon writes the ribbon the community's name goes on.
func (d design) ribbon(b *strings.Builder, pal artPalette) {
	x := artCentre - d.ribbonWidth/2
	// The ribbon's folded ends peek out below it, in the darker metal.
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="44" height="%s" fill="%s"/>`+"\n", num(x-18), num(d.ribbonY+14), num(d.ribbonHeight), pal.metal)
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="44" height="%s" fill="%s"/>`+"\n", num(x+d.ribbonWidth-26), num(d.ribbonY+14), num(d.ribbonHeight), pal.metal)
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" rx="6" fill="%s"/>`+"\n", num(x), num(d.ribbonY), num(d.ribbonWidth), num(d.ribbonHeight), pal.deep)
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="4" fill="url(#laurel-metal)"/>`+"\n", num(x+10), num(d.ribbonY+6), num(d.ribbonWidth-20))
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="4" fill="url(#laurel-metal)"/>`+"\n", num(x+10), num(d.ribbonY+d.ribbonHeight-10), num(d.ribbonWidth-20))
}

// disc writes a round face: the metal rim, the face, its shine and a fine
// inner ring.
func disc(b *strings.Builder, pal artPalette, cy, rim, face float64) {
	fmt.Fprintf(b, `<circle cx="%d" cy="%s" r="%s" fill="url(#laurel-metal)"/>`+"\n", artCentre, num(cy), num(rim))
	fmt.Fprintf(b, `<circle cx="%d" cy="%s" r="%s" fill="%s"/>`+"\n", artCentre, num(cy), num(face), pal.fill)
	fmt.Fprintf(b, `<circle cx="%d" cy="%s" r="%s" fill="url(#laurel-shine)"/>`+"\n", artCentre, num(cy), num(face))
	fmt.Fprintf(b, `<circle cx="%d" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="3"/>`+"\n", artCentre, num(cy), num(face-16), pal.light)
}

// tails writes two ribbon tails hanging below a medal.
func tails(b *strings.Builder, pal artPalette, top float64) {
	for _, x := range []float64{158, 274} {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="80" height="%s" fill="%s"/>`+"\n", num(x), num(top), num(504-top), pal.deep)
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="14" height="%s" fill="%s"/>`+"\n", num(x+33), num(top), num(504-top), pal.metal)
	}
}

// drawMedal writes a plain seal: a disc in the badge's hue with a fine
// ring inside its edge.
func drawMedal(b *strings.Builder, pal artPalette) {
	fmt.Fprintf(b, `<circle cx="%d" cy="%d" r="248" fill="%s"/>`+"\n", artCentre, artCentre, pal.fill)
	fmt.Fprintf(b, `<circle cx="%d" cy="%d" r="248" fill="url(#laurel-shine)"/>`+"\n", artCentre, artCentre)
	fmt.Fprintf(b, `<circle cx="%d" cy="%d" r="220" fill="none" stroke="%s" stroke-width="6"/>`+"\n", artCentre, artCentre, pal.light)
}

func drawTailedMedal(b *strings.Builder, pal artPalette) {
	tails(b, pal, 300)
	disc(b, pal, 228, 212, 188)
}

// drawShield writes a shield with a flat top and a rounded point, each
// outline made of a rectangle and an ellipse.
func drawShield(b *strings.Builder, pal artPalette) {
	shieldPart(b, 66, 24, 380, 230, 28, 190, 226, "url(#laurel-metal)")
	shieldPart(b, 88, 46, 336, 208, 18, 168, 204, pal.fill)
	b.WriteString(`<rect x="88" y="46" width="336" height="208" rx="18" fill="url(#laurel-shine)"/>` + "\n")
	fmt.Fprintf(b, `<rect x="104" y="62" width="304" height="4" fill="%s"/>`+"\n", pal.light)
}

// shieldPart writes one shield outline: the rectangle (x, y, w, h, rx)
// over an ellipse (rx, ry) centred on its bottom edge; ry is less than h,
// so the ellipse stays under the flat top.
func shieldPart(b *strings.Builder, x, y, w, h, corner, rx, ry float64, fill string) {
	fmt.Fprintf(b, `<ellipse cx="%d" cy="%s" rx="%s" ry="%s" fill="%s"/>`+"\n", artCentre, num(y+h), num(rx), num(ry), fill)
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" rx="%s" fill="%s"/>`+"\n", num(x), num(y), num(w), num(h), num(corner), fill)
}

// drawRosette writes a rosette: a ring of scallops around a medal, on
// ribbon tails.
func drawRosette(b *strings.Builder, pal artPalette) {
	const cy, scallops = 236, 24
	tails(b, pal, 330)
	for i := range scallops {
		angle := 2 * math.Pi * float64(i) / scallops
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="27" fill="%s"/>`+"\n",
			num(artCentre+196*math.Sin(angle)), num(cy-196*math.Cos(angle)), pal.metal)
	}
	disc(b, pal, cy, 200, 172)
}
