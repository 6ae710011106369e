package render

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Preview is what a credential's 1200×630 social preview shows.
type Preview struct {
	// Badge is the badge art, any size (scaled to fit); nil draws a
	// neutral placeholder disc.
	Badge image.Image
	// Achievement is the badge name.
	Achievement string
	// Recipient is the recipient's name, or "" when the member has not
	// consented to showing it: the image then says "Awarded to a
	// verified recipient".
	Recipient string
	// Issuer is the issuing organisation's name; "" leaves its line out.
	Issuer string
	// Issued is a human date, such as "22 November 2026"; "" leaves its
	// line out.
	Issued string
	// Status is set when the credential no longer holds, such as
	// "Revoked" or "Expired": it is drawn as a band across the top in a
	// warning colour, the badge is faded and nobody is congratulated.
	// "" draws a valid credential.
	Status string
	// Accent is the community's colour, drawn as the band along the top;
	// its alpha 0 draws Laurel's blue.
	Accent color.NRGBA
	// URL is the credential page, drawn as a QR code in the bottom-right
	// corner when not empty.
	URL string
}

// The size of a social preview in pixels, the usual Open Graph card.
const (
	PreviewWidth  = 1200
	PreviewHeight = 630
)

// The preview's colours.
var (
	previewBackground = color.NRGBA{0xf6, 0xf7, 0xfb, 0xff}
	previewBand       = color.NRGBA{0x2f, 0x5d, 0x8a, 0xff}
	previewTitle      = color.NRGBA{0x16, 0x1d, 0x2b, 0xff}
	previewBody       = color.NRGBA{0x3b, 0x45, 0x56, 0xff}
	previewMuted      = color.NRGBA{0x6b, 0x75, 0x86, 0xff}
	previewWarning    = color.NRGBA{0xb4, 0x23, 0x18, 0xff}
	placeholderFill   = color.NRGBA{0xdd, 0xe2, 0xeb, 0xff}
	placeholderRing   = color.NRGBA{0xc3, 0xcb, 0xd9, 0xff}
)

// The preview's layout, in pixels.
const (
	bandHeight   = 12  // the coloured band along the top
	statusBand   = 76  // the warning band of a credential that no longer holds
	margin       = 60  // around the content
	badgeSide    = 420 // the badge's box, on the left
	columnLeft   = margin + badgeSide + 56
	columnRight  = PreviewWidth - margin
	qrSide       = 170
	qrMargin     = 48 // between the QR code and the image's edges
	qrGap        = 28 // between the QR code and text beside it
	footerSize   = 20 // the footer's font size
	footerBottom = 44 // from the footer's baseline to the image's bottom
	contentTop   = bandHeight + 56
	contentEnd   = PreviewHeight - footerBottom - footerSize - 24 // text above the footer ends here

	titleMaxSize  = 58
	titleMinSize  = 36
	titleMaxLines = 3

	// maxFieldRunes bounds how much of each field is laid out: more
	// could never fit.
	maxFieldRunes = 600
)

// previewQRRect is where the QR code goes.
func previewQRRect() image.Rectangle {
	return image.Rect(PreviewWidth-qrMargin-qrSide, PreviewHeight-qrMargin-qrSide, PreviewWidth-qrMargin, PreviewHeight-qrMargin)
}

// previewBadgeRect is the box the badge is fitted in.
func previewBadgeRect() image.Rectangle {
	top := (PreviewHeight + bandHeight - badgeSide) / 2
	return image.Rect(margin, top, margin+badgeSide, top+badgeSide)
}

// PNG draws the preview as a 1200×630 PNG. The same Preview always gives
// the same bytes; text that does not fit is wrapped, shrunk or cut short
// with "…", never drawn outside its column. It fails only if URL is too
// long for a QR code.
func (p Preview) PNG() ([]byte, error) {
	img, err := p.draw()
	if err != nil {
		return nil, err
	}
	return PNG(img)
}

// draw renders the preview.
func (p Preview) draw() (*image.RGBA, error) {
	// The budget is generous: what is drawn here is bounded by the layout.
	c := newCanvas(PreviewWidth, PreviewHeight, 1<<30)
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(previewBackground), image.Point{}, draw.Src)
	if err := p.drawBand(c.img); err != nil {
		return nil, err
	}
	if err := p.drawBadge(c); err != nil {
		return nil, err
	}
	if p.URL != "" {
		qr, err := QRImage(p.URL, qrSide, LevelMedium)
		if err != nil {
			return nil, fmt.Errorf("render: preview QR code: %w", err)
		}
		r := previewQRRect()
		draw.Draw(c.img, r, qr, qr.Bounds().Min, draw.Src)
	}
	if err := p.drawText(c); err != nil {
		return nil, fmt.Errorf("render: preview text: %w", err)
	}
	return c.img, nil
}

// drawBadge draws the badge art, or a placeholder disc without it.
func (p Preview) drawBadge(c *canvas) error {
	r := previewBadgeRect()
	if p.Badge != nil {
		scaleInto(c.img, r, p.Badge)
		if clean(p.Status) != "" {
			fade(c.img, r)
		}
		return nil
	}
	centre := point{float64(r.Min.X+r.Max.X) / 2, float64(r.Min.Y+r.Max.Y) / 2}
	radius := float64(badgeSide)/2 - 8
	disc := ellipse{centre.x, centre.y, radius, radius}
	t := transform{scale: 1}
	if err := c.fill(disc.fillContours(t), solidPaint(placeholderFill, 1)); err != nil {
		return err
	}
	ring := ellipse{centre.x, centre.y, radius - 28, radius - 28}
	return c.fill(ring.strokeContours(t, 6, false), solidPaint(placeholderRing, 1))
}

// line is one line of text in the preview's column.
type line struct {
	face   font.Face
	text   string
	color  color.NRGBA
	height int // from this line's top to the next line's
}

// block is the text column: the title's lines, then the others.
type block struct {
	title, meta []line
}

// height returns the height of lines.
func height(lines []line) int {
	h := 0
	for _, l := range lines {
		h += l.height
	}
	return h
}

// drawText lays out and draws the text column and the footer.
func (p Preview) drawText(c *canvas) error {
	var faces faceCache
	defer faces.close()
	b, err := p.layout(&faces)
	if err != nil {
		return err
	}
	top := p.blockTop(height(b.title), height(b.meta))
	for _, l := range slices.Concat(b.title, b.meta) {
		baseline := top + l.face.Metrics().Ascent.Ceil()
		clip := p.lineClip(top, top+l.height)
		if err := c.text(clip, l.face, l.text, fixed.P(columnLeft, baseline), solidPaint(l.color, 1)); err != nil {
			return err
		}
		top += l.height
	}
	footer, err := faces.get(false, footerSize)
	if err != nil {
		return err
	}
	baseline := PreviewHeight - footerBottom
	clip := p.lineClip(baseline-footerSize, baseline+footerSize/2)
	return c.text(clip, footer, "Open Badges 3.0 · Laurel", fixed.P(columnLeft, baseline), solidPaint(previewMuted, 1))
}

// faceCache makes faces and closes them all when done.
type faceCache []font.Face

// get returns a new face of the Go font at px pixels.
func (c *faceCache) get(bold bool, px float64) (font.Face, error) {
	f, err := newFace(bold, px)
	if err != nil {
		return nil, err
	}
	*c = append(*c, f)
	return f, nil
}

// close closes every face made.
func (c faceCache) close() {
	for _, f := range c {
		f.Close()
	}
}

// blockTop places the text block: centred on the badge, above the footer,
// and with the title above the QR code, which it is as wide as the column
// to avoid.
func (p Preview) blockTop(titleHeight, metaHeight int) int {
	badge := previewBadgeRect()
	total := titleHeight + metaHeight
	top := min((badge.Min.Y+badge.Max.Y-total)/2, contentEnd-total)
	if p.URL != "" {
		top = min(top, previewQRRect().Min.Y-qrGap-titleHeight)
	}
	_, band := p.band()
	return max(top, max(contentTop, band+28))
}

// lineClip returns the part of the text column a line from top to bottom
// may use: it stops short of the QR code beside it.
func (p Preview) lineClip(top, bottom int) image.Rectangle {
	r := image.Rect(columnLeft, top, columnRight, bottom)
	if qr := previewQRRect(); p.URL != "" && r.Overlaps(qr.Inset(-qrGap)) {
		r.Max.X = qr.Min.X - qrGap
	}
	return r
}

// layout breaks the preview's text into lines, with faces from faces.
func (p Preview) layout(faces *faceCache) (block, error) {
	const width = columnRight - columnLeft
	title := clean(p.Achievement)
	probe, err := faces.get(true, titleMaxSize)
	if err != nil {
		return block{}, err
	}
	titleSize := titleFontSize(probe, title, width)
	titleFace, err := faces.get(true, titleSize)
	if err != nil {
		return block{}, err
	}
	body, err := faces.get(false, 30)
	if err != nil {
		return block{}, err
	}
	small, err := faces.get(false, 26)
	if err != nil {
		return block{}, err
	}
	status, err := faces.get(true, 28)
	if err != nil {
		return block{}, err
	}

	var b block
	for _, s := range wrap(titleFace, title, fixed.I(width), titleMaxLines) {
		b.title = append(b.title, line{titleFace, s, previewTitle, int(titleSize * 1.18)})
	}
	if len(b.title) > 0 {
		b.title[len(b.title)-1].height += 22 // set the title apart
	}
	if clean(p.Status) != "" {
		// The band says why; no one is congratulated on it.
		b.meta = []line{{status, "No longer valid.", previewWarning, 44}}
	} else {
		recipient := "a verified recipient"
		if r := clean(p.Recipient); r != "" {
			recipient = r
		}
		b.meta = []line{{body, "Awarded to " + recipient, previewBody, 44}}
	}
	issuer, err := p.issuerLines(faces)
	if err != nil {
		return block{}, err
	}
	b.meta = append(b.meta, issuer...)
	if issued := clean(p.Issued); issued != "" {
		b.meta = append(b.meta, line{small, issued, previewMuted, 40})
	}
	p.ellipsize(b.meta)
	return b, nil
}

// issuerLines names the issuer: on one line, or two, or in a smaller
// face, before it is cut short with "…". The lines are as narrow as those
// beside the QR code, where they may end up.
func (p Preview) issuerLines(faces *faceCache) ([]line, error) {
	issuer := clean(p.Issuer)
	if issuer == "" {
		return nil, nil
	}
	width := columnRight - columnLeft
	if p.URL != "" {
		width = previewQRRect().Min.X - qrGap - columnLeft
	}
	t, err := fitText(faces, "Issued by "+issuer, width, []float64{30, 26}, 24, 2, false)
	if err != nil {
		return nil, err
	}
	lines := make([]line, len(t.lines))
	for i, s := range t.lines {
		lines[i] = line{t.face, s, previewBody, t.lineHeight() + 8}
	}
	return lines, nil
}

// ellipsize shortens lines, which end the block, to fit their width with
// the block as low as it may go: beside the QR code lines are narrower.
func (p Preview) ellipsize(lines []line) {
	bottom := contentEnd
	for i := len(lines) - 1; i >= 0; i-- {
		top := bottom - lines[i].height
		r := p.lineClip(top, bottom)
		lines[i].text = ellipsize(lines[i].face, lines[i].text, fixed.I(r.Dx()))
		bottom = top
	}
}

// titleFontSize returns the largest font size, from titleMaxSize down to
// titleMinSize, at which title's longest word fits in width pixels.
func titleFontSize(face font.Face, title string, width int) float64 {
	widest := fixed.Int26_6(0)
	for _, word := range strings.Fields(title) {
		widest = max(widest, font.MeasureString(face, word))
	}
	if widest <= fixed.I(width) {
		return titleMaxSize
	}
	// Widths grow in proportion to the size of an unhinted face.
	size := float64(titleMaxSize) * float64(width) / fromFixed(widest)
	return max(float64(titleMinSize), float64(int(size)))
}

// clean makes a field safe to lay out on one line: formatting
// characters go, control characters become spaces, runs of spaces one, and only the first maxFieldRunes
// characters are kept.
func clean(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxFieldRunes {
			break
		}
		if unicode.Is(unicode.Cf, r) {
			continue // invisible formatting, such as a right-to-left override
		}
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
