package render

import (
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/font"
)

// band returns the colour and height of the band along the top: the
// community's colour, or the warning band of a credential that no longer
// holds.
func (p Preview) band() (color.NRGBA, int) {
	switch {
	case clean(p.Status) != "":
		return previewWarning, statusBand
	case p.Accent.A != 0:
		return p.Accent, bandHeight
	}
	return previewBand, bandHeight
}

// drawBand draws the band along the top; a status is written across it
// in capitals, so that nobody takes the card for a valid credential.
func (p Preview) drawBand(img *image.RGBA) error {
	c, h := p.band()
	fill(img, image.Rect(0, 0, PreviewWidth, h), c)
	status := strings.ToUpper(clean(p.Status))
	if status == "" {
		return nil
	}
	var faces faceCache
	defer faces.close()
	t, err := fitText(&faces, status, PreviewWidth-2*margin, []float64{40, 34}, 28, 1, true)
	if err != nil {
		return err
	}
	x := (PreviewWidth - font.MeasureString(t.face, t.lines[0]).Ceil()) / 2
	drawLine(img, image.Rect(margin, 0, PreviewWidth-margin, h), t.face, t.lines[0], x, h/2+int(t.size*0.36), cardWhite)
	return nil
}

// fade greys the badge of a credential that no longer holds and lightens
// it towards the background.
func fade(img *image.RGBA, r image.Rectangle) {
	bg := previewBackground
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := img.PixOffset(x, y)
			px := img.Pix[i : i+4 : i+4]
			grey := (299*uint32(px[0]) + 587*uint32(px[1]) + 114*uint32(px[2])) / 1000
			// Mix 55% of the grey with 45% of the background.
			px[0] = uint8((55*grey + 45*uint32(bg.R)) / 100)
			px[1] = uint8((55*grey + 45*uint32(bg.G)) / 100)
			px[2] = uint8((55*grey + 45*uint32(bg.B)) / 100)
		}
	}
}
