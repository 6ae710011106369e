package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/render"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Cache lifetimes of a credential's images.
const (
	cacheImmutable  = "public, max-age=31536000, immutable" // content named by everything it is made from
	cacheRevalidate = "public, no-cache"                    // may change: revocation, consent
)

// Default QR code rendering.
const (
	defaultQRSize = 320
	badgePNGSize  = 512
)

// qrParams reads the size and level query parameters of a QR code.
func qrParams(c echo.Context) (size int, level render.Level, err error) {
	size = defaultQRSize
	if v := c.QueryParam("size"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < render.MinQRSize || n > render.MaxQRSize {
			return 0, 0, badges.FieldErrorf("size", "The query parameter \"size\" must be a whole number of pixels from %d to %d.", render.MinQRSize, render.MaxQRSize)
		}
		size = n
	}
	if level, err = render.ParseLevel(c.QueryParam("level")); err != nil {
		return 0, 0, badges.FieldErrorf("level", "The query parameter \"level\" must be L, M, Q or H (error correction of about 7, 15, 25 or 30 %%).")
	}
	return size, level, nil
}

// handleCredentialQR serves a QR code of the credential page's URL, as PNG
// or SVG. The code depends only on the URL and the parameters, so it is
// made once and cached for good.
func (s *Server) handleCredentialQR(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		size, level, err := qrParams(c)
		if err != nil {
			return err
		}
		cred, err := s.credential(c.Request().Context(), c.Param("credential"))
		if err != nil {
			return err
		}
		page := s.urls.Credential(cred.ID)
		key := fmt.Sprintf("qr|%s|%s|%d|%d", format, page, size, level)
		b, err := s.cache.images.get(key, func() ([]byte, error) {
			if format == "svg" {
				return render.QRSVG(page, size, level)
			}
			return render.QRPNG(page, size, level)
		})
		if err != nil {
			return err
		}
		return serveBlob(c, b, imageType(format), cacheImmutable)
	}
}

// imageType is the media type of an image format named by its extension.
func imageType(format string) string {
	if format == "svg" {
		return string(badges.ImageSVG)
	}
	return string(badges.ImagePNG)
}

// handleCredentialPreview serves the 1200×630 social preview. It names the
// recipient only with their consent and shows a revocation, so it is
// revalidated; it is generated once per distinct content.
func (s *Server) handleCredentialPreview(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.credentialView(ctx, c.Param("credential"))
	if err != nil {
		return err
	}
	st := v.status()
	p := render.Preview{Achievement: v.doc.Name, Recipient: v.recipientName(), Issuer: v.profile.Name,
		Issued: v.Earned().UTC().Format(dateLayout), URL: s.urls.Credential(v.ID)}
	if st.Class != "valid" && st.Class != "warning" {
		p.Status = st.Label // a band across the card; no one is congratulated
	}
	p.Accent, _ = accentColours(v.profile.AccentColor)
	key := fmt.Sprintf("preview|%s|%s|%q|%q|%q|%q|%q|%v", v.ID, v.achievement.Image.SHA256, p.Achievement, p.Recipient, p.Issuer, p.Issued, p.Status, p.Accent)
	b, err := s.cache.images.get(key, func() ([]byte, error) {
		art, err := s.badgeArt(ctx, v.achievement.Image, 440)
		switch {
		case err == nil:
			p.Badge = art
		case !errors.Is(err, render.ErrUndrawable):
			return nil, err // passing: a placeholder would be kept for good
		}
		return p.PNG()
	})
	if err != nil {
		return err
	}
	return serveBlob(c, b, string(badges.ImagePNG), cacheRevalidate)
}

// artLoadTimeout bounds loading badge art for the previews waiting on it.
const artLoadTimeout = 10 * time.Second

// badgeArt is the achievement's artwork as a picture, scaled from its PNG
// rendition; the error wraps render.ErrUndrawable when it cannot be
// drawn. It is decoded once per image, not once per credential: images are named by their hash, so the
// cache never holds a stale one. Every request asking meanwhile waits for
// the first one's load, so the load does not end with that request.
func (s *Server) badgeArt(ctx context.Context, ref badges.ImageRef, size int) (image.Image, error) {
	art, err := s.cache.art.Art(ctx, ref.SHA256, size, func() ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), artLoadTimeout)
		defer cancel()
		b, err := s.artPNG(ctx, ref)
		return b.data, err
	})
	if err != nil {
		return nil, err // a nil *image.NRGBA would make a non-nil image.Image
	}
	return art, nil
}

// handleCredentialBadge serves the badge image with the credential baked in
// (Open Badges 3.0 baking, carrying the VC-JWT, or the signed JSON when the
// JWT's algorithm is one the public validator refuses): PNG or SVG. A credential
// never changes, so neither does its baked image. SVG art is baked as PNG
// in its stored rendition (badgeart.go).
func (s *Server) handleCredentialBadge(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v, err := s.credentialView(ctx, c.Param("credential"))
		if err != nil {
			return err
		}
		if err := s.stillOffered(v); err != nil {
			return err
		}
		cred, a := v.shownCredential, v.achievement
		key := fmt.Sprintf("badge|%s|%s", format, cred.ID)
		b, err := s.cache.images.get(key, func() ([]byte, error) { return s.bake(ctx, cred, a.Image, format) })
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", "badge-"+cred.ID+"."+format))
		return serveBlob(c, b, imageType(format), cacheImmutable)
	}
}

// bake embeds a credential in its badge's artwork: PNG art or the PNG
// rendition of SVG art for badge.png, the SVG or the wrapped PNG for
// badge.svg.
func (s *Server) bake(ctx context.Context, cred *shownCredential, art badges.ImageRef, format string) ([]byte, error) {
	form, err := issuer.BakedForm(cred.Credential)
	if err != nil {
		return nil, err
	}
	if format == "png" {
		rendition, err := s.artPNG(ctx, art)
		if errors.Is(err, render.ErrUndrawable) {
			return nil, badges.Errorf(badges.ENOTFOUND, "This badge's artwork cannot be drawn as PNG; the baked badge is available as SVG: %s/badge.svg.", s.urls.Credential(cred.ID))
		}
		if err != nil {
			return nil, err
		}
		return ob3.BakePNG(rendition.data, form)
	}
	img, err := s.svc.Images.Image(ctx, art.SHA256)
	if err != nil {
		return nil, err
	}
	return bakeSVG(img, form)
}

// bakeSVG embeds a credential (a VC-JWT or signed JSON) in the badge
// artwork as SVG: a PNG is wrapped in an SVG first.
func bakeSVG(img *badges.Image, credential string) ([]byte, error) {
	if img.Format == badges.ImageSVG {
		return ob3.BakeSVG(img.Data, credential)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img.Data))
	if err != nil {
		return nil, fmt.Errorf("read badge artwork: %w", err)
	}
	wrapped := fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="%d" height="%d" viewBox="0 0 %d %d"><image width="%d" height="%d" href="data:image/png;base64,%s"/></svg>`,
		cfg.Width, cfg.Height, cfg.Width, cfg.Height, cfg.Width, cfg.Height, base64.StdEncoding.EncodeToString(img.Data))
	return ob3.BakeSVG(wrapped, credential)
}
