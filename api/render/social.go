package render

import (
	"image"
	"image/color"
	"image/draw"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Card is a 1200×630 social preview of a public page other than a
// credential's: a community's, a badge's, a member's, a spotlight, or
// Laurel's own front door. Every text in it is untrusted.
type Card struct {
	// Accent is the community's colour, drawn behind the header; its
	// alpha 0 draws Laurel's blue. AccentText is the readable colour of
	// text over it (issuer.ParseAccent gives both); its alpha 0 draws
	// white.
	Accent, AccentText color.NRGBA
	// Logo is the community's logo, drawn small in the header; nil
	// leaves it out.
	Logo image.Image
	// Community names the community in the header; Kicker says what the
	// page is ("Badge", "Spotlight") at the header's right.
	Community, Kicker string
	// Title is the card's name: the badge's, the member's, the
	// community's.
	Title string
	// Lines follow the title, such as "Earned by 1,204 members".
	Lines []string
	// Art is drawn large beside the title when there is one picture, and
	// as a row under it, each with its caption, when there are several;
	// at most CardMaxArt are drawn.
	Art []CardArt
	// Footer is drawn small at the bottom, such as the site's address.
	Footer string
}

// CardArt is one picture on a card: badge art, a logo.
type CardArt struct {
	Image   image.Image // nil draws a neutral disc
	Caption string      // drawn under the picture in a row; "" for none
}

// CardMaxArt is the most pictures a card draws in its row.
const CardMaxArt = 5

// The card's layout, in pixels.
const (
	cardHeader     = 104 // the header band's height
	cardMargin     = 64
	cardArtSide    = 360 // one picture, beside the text
	cardTextLeft   = cardMargin + cardArtSide + 56
	cardRowArtSide = 168 // several pictures, in a row
	cardFooter     = 40  // from the footer's baseline to the bottom
	cardLogoSide   = 64
)

// The card's colours besides the accent.
var (
	laurelBlue = color.NRGBA{0x2f, 0x5d, 0x8a, 0xff}
	cardWhite  = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

// PNG draws the card as a 1200×630 PNG. The same card always gives the
// same bytes; text that does not fit is wrapped, shrunk or ended with
// "…", never drawn outside its place.
func (c Card) PNG() ([]byte, error) {
	img, err := c.draw()
	if err != nil {
		return nil, err
	}
	return PNG(img)
}

func (c Card) draw() (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, PreviewWidth, PreviewHeight))
	fill(img, img.Bounds(), previewBackground)
	var faces faceCache
	defer faces.close()
	if err := c.drawHeader(img, &faces); err != nil {
		return nil, err
	}
	var err error
	if len(c.Art) > 1 {
		err = c.drawRow(img, &faces)
	} else {
		err = c.drawSingle(img, &faces)
	}
	if err != nil {
		return nil, err
	}
	return img, c.drawFooter(img, &faces)
}

// accent returns the header's colour and the colour of text over it.
func (c Card) accent() (band, text color.NRGBA) {
	band, text = c.Accent, c.AccentText
	if band.A == 0 {
		band = laurelBlue
	}
	if text.A == 0 {
		text = cardWhite
	}
	return band, text
}

// drawHeader draws the band in the community's colour: its logo, its
// name (wrapped to two lines or shrunk before it is cut) and the kicker.
func (c Card) drawHeader(img *image.RGBA, faces *faceCache) error {
	band, ink := c.accent()
	fill(img, image.Rect(0, 0, PreviewWidth, cardHeader), band)
	left, right := cardMargin, PreviewWidth-cardMargin
	if c.Logo != nil {
		top := (cardHeader - cardLogoSide) / 2
		r := image.Rect(left, top, left+cardLogoSide, top+cardLogoSide)
		fill(img, r.Inset(-4), cardWhite) // a logo may be dark on dark
		scaleInto(img, r, c.Logo)
		left += cardLogoSide + 24
	}
	if kicker := strings.ToUpper(clean(c.Kicker)); kicker != "" {
		face, err := faces.get(true, 24)
		if err != nil {
			return err
		}
		kicker = ellipsize(face, kicker, fixed.I(280))
		w := font.MeasureString(face, kicker).Ceil()
		drawLine(img, image.Rect(right-w, 0, right, cardHeader), face, kicker, right-w, cardHeader/2+9, ink)
		right -= w + 40
	}
	return drawFitted(img, faces, fitSpec{text: clean(c.Community), rect: image.Rect(left, 0, right, cardHeader),
		sizes: []float64{36, 32, 28}, least: 22, lines: 2, bold: true, ink: ink, middle: true})
}

// drawFooter draws the footer line, muted, at the bottom left.
func (c Card) drawFooter(img *image.RGBA, faces *faceCache) error {
	footer := clean(c.Footer)
	if footer == "" {
		return nil
	}
	face, err := faces.get(false, 22)
	if err != nil {
		return err
	}
	base := PreviewHeight - cardFooter
	r := image.Rect(cardMargin, base-24, PreviewWidth-cardMargin, base+8)
	drawLine(img, r, face, ellipsize(face, footer, fixed.I(r.Dx())), cardMargin, base, previewMuted)
	return nil
}

// drawSingle draws one picture at the left and the text beside it.
func (c Card) drawSingle(img *image.RGBA, faces *faceCache) error {
	bottom := PreviewHeight - cardFooter - 40
	top := cardHeader + (bottom-cardHeader-cardArtSide)/2
	var art image.Image
	if len(c.Art) == 1 {
		art = c.Art[0].Image
	}
	drawArt(img, image.Rect(cardMargin, top, cardMargin+cardArtSide, top+cardArtSide), art)
	return c.drawText(img, faces, image.Rect(cardTextLeft, cardHeader+40, PreviewWidth-cardMargin, bottom), 3, true)
}

// drawRow draws the title and lines at the top, and the pictures in a
// row with their captions under them.
func (c Card) drawRow(img *image.RGBA, faces *faceCache) error {
	if err := c.drawText(img, faces, image.Rect(cardMargin, cardHeader+28, PreviewWidth-cardMargin, cardHeader+196), 1, false); err != nil {
		return err
	}
	art := c.Art[:min(len(c.Art), CardMaxArt)]
	slot := (PreviewWidth - 2*cardMargin) / len(art)
	side := min(cardRowArtSide, slot-24)
	top := cardHeader + 212
	for i, a := range art {
		x := cardMargin + i*slot + (slot-side)/2
		drawArt(img, image.Rect(x, top, x+side, top+side), a.Image)
		caption := image.Rect(cardMargin+i*slot+8, top+side+10, cardMargin+(i+1)*slot-8, top+side+62)
		if err := drawFitted(img, faces, fitSpec{text: clean(a.Caption), rect: caption, sizes: []float64{22}, least: 18,
			lines: 2, bold: true, ink: previewBody, centred: true}); err != nil {
			return err
		}
	}
	return nil
}

// drawText draws the title and the lines in r: the title in up to
// titleLines lines, the lines under it; middle centres the block in r.
func (c Card) drawText(img *image.RGBA, faces *faceCache, r image.Rectangle, titleLines int, middle bool) error {
	title, err := fitText(faces, clean(c.Title), r.Dx(), []float64{60, 54, 48, 42}, 34, titleLines, true)
	if err != nil {
		return err
	}
	body, err := faces.get(false, 30)
	if err != nil {
		return err
	}
	var lines []string
	for _, l := range c.Lines {
		if l = clean(l); l != "" {
			lines = append(lines, ellipsize(body, l, fixed.I(r.Dx())))
		}
	}
	height := title.height() + 20 + 44*len(lines)
	y := r.Min.Y
	if middle {
		y = max(r.Min.Y, r.Min.Y+(r.Dy()-height)/2)
	}
	y = title.draw(img, image.Rect(r.Min.X, y, r.Max.X, r.Max.Y), previewTitle, false) + 20
	for _, l := range lines {
		drawLine(img, image.Rect(r.Min.X, y, r.Max.X, y+44), body, l, r.Min.X, y+32, previewBody)
		y += 44
	}
	return nil
}

// drawArt draws a picture fitted in r, or a neutral disc without one.
func drawArt(img *image.RGBA, r image.Rectangle, art image.Image) {
	if art != nil {
		scaleInto(img, r, art)
		return
	}
	drawDisc(img, r, placeholderFill)
	drawDisc(img, r.Inset(r.Dx()/8), placeholderRing)
	drawDisc(img, r.Inset(r.Dx()/8+max(2, r.Dx()/60)), placeholderFill)
}

// fill paints r in one colour.
func fill(img *image.RGBA, r image.Rectangle, c color.NRGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}
