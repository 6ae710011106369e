package api

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/render"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// The social previews of public pages: each page's og:image is a
// 1200×630 PNG, as LinkedIn, X and Facebook show no SVG. A preview is
// generated once per distinct content (its cache key names everything it
// shows) and revalidated, since names, counts and consent change.

// LaurelPreviewPath is the social preview of Laurel's front door, for
// pages that belong to no community.
const LaurelPreviewPath = "/preview.png"

// previewSuffix ends the path of a page's social preview.
const previewSuffix = "/preview.png"

// cardArtSize is the size badge art is drawn at for a card.
const cardArtSize = 360

// setPreview makes a page's og:image its 1200×630 social preview, shown
// as a large card.
func setPreview(d *page, imageURL, alt string) {
	d.ImageURL, d.ImageAlt = imageURL, alt
	d.ImageWidth, d.ImageHeight, d.LargeImage = render.PreviewWidth, render.PreviewHeight, true
}

// spotlightPreviewURL is the social preview of a community's spotlight,
// scoped to a cohort when cohort is not "".
func (s *Server) spotlightPreviewURL(issuerID, cohort string) string {
	u := s.urls.Issuer(issuerID) + "/spotlight" + previewSuffix
	if cohort != "" {
		u += "?cohort=" + url.QueryEscape(cohort)
	}
	return u
}

// setLaurelPreview makes a page's og:image Laurel's own preview.
func (s *Server) setLaurelPreview(d *page) {
	setPreview(d, s.urls.Base()+LaurelPreviewPath, "Laurel: Open Badges for communities")
}

// cardSpec is a card before its pictures are loaded: what it shows, and
// the pictures to draw in it.
type cardSpec struct {
	card render.Card
	art  []cardSource // one per card.Art, in order
	logo *badges.ImageRef
}

// cardSource is a card's picture: a stored image, or generated art drawn
// for the card alone when ref is empty.
type cardSource struct {
	ref       badges.ImageRef
	generated badges.BadgeArt
}

// name identifies the picture in a cache key.
func (src cardSource) name() string {
	if src.ref.SHA256 != "" {
		return src.ref.SHA256
	}
	return fmt.Sprintf("%q", src.generated)
}

// addArt adds a stored picture with its caption.
func (sp *cardSpec) addArt(ref badges.ImageRef, caption string) {
	sp.card.Art = append(sp.card.Art, render.CardArt{Caption: caption})
	sp.art = append(sp.art, cardSource{ref: ref})
}

// key names everything the card shows, so that a cached card is never
// stale: any change to a name, a count or a picture makes a new key.
func (sp *cardSpec) key(kind string) string {
	c := sp.card
	k := fmt.Sprintf("card|%s|%v|%v|%q|%q|%q|%q|%q", kind, c.Accent, c.AccentText, c.Community, c.Kicker, c.Title, c.Lines, c.Footer)
	for i, a := range c.Art {
		k += fmt.Sprintf("|%s|%q", sp.art[i].name(), a.Caption)
	}
	if sp.logo != nil {
		k += "|logo|" + sp.logo.SHA256
	}
	return k
}

// serveCard draws (once per distinct content) and serves a card.
func (s *Server) serveCard(c echo.Context, kind string, sp *cardSpec) error {
	ctx := c.Request().Context()
	b, err := s.cache.images.get(sp.key(kind), func() ([]byte, error) {
		card := sp.card
		card.Art = append([]render.CardArt(nil), card.Art...)
		for i, src := range sp.art {
			img, err := s.cardPicture(ctx, src)
			if err != nil {
				return nil, err
			}
			card.Art[i].Image = img
		}
		if sp.logo != nil {
			img, err := s.cardPicture(ctx, cardSource{ref: *sp.logo})
			if err != nil {
				return nil, err
			}
			card.Logo = img
		}
		return card.PNG()
	})
	if err != nil {
		return err
	}
	return serveBlob(c, b, string(badges.ImagePNG), cacheRevalidate)
}

// cardPicture loads or draws a picture; one that cannot be drawn is nil,
// which the card draws as a neutral disc.
func (s *Server) cardPicture(ctx context.Context, src cardSource) (image.Image, error) {
	if src.ref.SHA256 == "" {
		art, err := render.RasterizeSVG(src.generated.SVG(), cardArtSize)
		switch {
		case errors.Is(err, render.ErrUnsupportedSVG):
			return nil, nil
		case err != nil:
			return nil, err // a nil *image.NRGBA would make a non-nil image.Image
		}
		return art, nil
	}
	art, err := s.badgeArt(ctx, src.ref, cardArtSize)
	if errors.Is(err, render.ErrUndrawable) {
		return nil, nil
	}
	return art, err
}

// brandedCard starts a card in a community's colours, with its logo and
// name in the header.
func (s *Server) brandedCard(p *issuer.Profile, kicker string) *cardSpec {
	sp := &cardSpec{card: render.Card{Community: p.Name, Kicker: kicker, Footer: s.siteName()}}
	sp.card.Accent, sp.card.AccentText = accentColours(p.AccentColor)
	if p.Image != nil {
		logo := *p.Image
		sp.logo = &logo
	}
	return sp
}

// accentColours reads a community's accent colour and the readable colour
// of text over it; no colour (or one no longer valid) leaves Laurel's.
func accentColours(accent string) (band, text color.NRGBA) {
	if accent == "" {
		return band, text
	}
	a, err := issuer.ParseAccent(accent)
	if err != nil {
		return band, text
	}
	return hexColour(a.Color), hexColour(a.Text)
}

// hexColour reads a colour written #rrggbb; anything else is transparent.
func hexColour(s string) color.NRGBA {
	if len(s) != 7 || s[0] != '#' {
		return color.NRGBA{}
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.NRGBA{}
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// siteName is the host Laurel answers on, for a card's footer.
func (s *Server) siteName() string {
	u, err := url.Parse(s.urls.Base())
	if err != nil {
		return ""
	}
	return u.Host
}
