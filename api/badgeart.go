package api

import (
	"context"
	"fmt"

	"github.com/laurel-badges/laurel/api/render"
	"github.com/laurel-badges/laurel/badges"
)

// Badge art as PNG: the baked badge.png, the previews and the console's
// download all use one rendition per image. An uploaded PNG is its own;
// an SVG is drawn at badgePNGSize once, when it is uploaded (or, for
// Laurel's generated art and art uploaded before, the first time it is
// asked for) and stored beside the image, so a restart does not draw it
// again. Images are named by their hash, so a rendition is never stale.

// artPNG returns the PNG rendition of badge art. When an SVG cannot be
// drawn the error wraps render.ErrUndrawable.
func (s *Server) artPNG(ctx context.Context, ref badges.ImageRef) (blob, error) {
	return s.cache.images.get("art|"+ref.SHA256, func() ([]byte, error) {
		if ref.Format == badges.ImagePNG {
			img, err := s.svc.Images.Image(ctx, ref.SHA256)
			if err != nil {
				return nil, err
			}
			return img.Data, nil
		}
		stored, err := s.svc.Images.Rendition(ctx, ref.SHA256)
		if err != nil || stored != nil {
			return stored, err
		}
		return s.drawRendition(ctx, ref.SHA256)
	})
}

// drawRendition draws a stored SVG and keeps the PNG beside it. Failing
// to keep it costs only drawing it again later, so the PNG is served.
func (s *Server) drawRendition(ctx context.Context, sha string) ([]byte, error) {
	img, err := s.svc.Images.Image(ctx, sha)
	if err != nil {
		return nil, err
	}
	png, err := drawArt(img.Data)
	if err != nil {
		return nil, err
	}
	if err := s.svc.Images.PutRendition(ctx, sha, png); err != nil {
		s.log.WarnContext(ctx, "badge art: keep the PNG rendition", "image", sha, "err", err)
	}
	return png, nil
}

// drawArt draws SVG art as the PNG its credentials carry.
func drawArt(svg []byte) ([]byte, error) {
	art, err := render.RasterizeSVG(svg, badgePNGSize)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", render.ErrUndrawable, err)
	}
	return render.PNG(art)
}

// uploadRendition draws uploaded SVG art before it is kept, so that every
// badge can be had as PNG; art that cannot be drawn is refused. A PNG
// needs no rendition: the result is nil.
func uploadRendition(img *badges.Image) ([]byte, error) {
	if img.Format != badges.ImageSVG {
		return nil, nil
	}
	png, err := drawArt(img.Data)
	if err != nil {
		return nil, badges.FieldErrorf("image", "The SVG image is too large or too complex to draw as a PNG; simplify it or upload a PNG.")
	}
	return png, nil
}

// keepRendition stores the PNG drawn at upload beside its image, once the
// image is stored.
func (s *Server) keepRendition(ctx context.Context, img *badges.Image, png []byte) error {
	if png == nil {
		return nil
	}
	return s.svc.Images.PutRendition(ctx, img.SHA256, png)
}
