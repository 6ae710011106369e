package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/render"
	"github.com/laurel-badges/laurel/badges"
)

// A badge's art: uploaded as a PNG or an SVG, checked as
// PUT /api/v1/achievements/:id/image checks it, or Laurel's generated art.
// The page shows the art as the public pages show it, and the PNG that
// the credentials' baked badge.png carries.

type badgeImagePage struct {
	adminPage
	Badge    *badges.Achievement
	ImageURL string // what the public pages show
	PNG      bool   // the baked PNG is offered (art.png shows it)
	Form     formState
}

// handleBadgeImagePage shows a badge's art and the form to replace it.
func (s *Server) handleBadgeImagePage(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "badgeimage", s.badgeImagePageFor(c, a))
}

func (s *Server) badgeImagePageFor(c echo.Context, a *badges.Achievement) badgeImagePage {
	return badgeImagePage{adminPage: s.adminPageFor(c, visitOf(c), "Art of "+a.Name, "badges"), Badge: a,
		ImageURL: s.urls.Image(a.Image), PNG: pngAvailable(a.Image)}
}

// handleBadgeImageUpload replaces a badge's art with the uploaded file.
func (s *Server) handleBadgeImageUpload(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	img, err := s.uploadedImage(c)
	saved := a
	if err == nil {
		saved, err = s.svc.Achievements.SetAchievementImage(c.Request().Context(), a.ID, img)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p := s.badgeImagePageFor(c, a)
		p.Form.fail(err, "image")
		status := http.StatusBadRequest
		if badges.ErrorCode(err) == badges.ECONFLICT {
			status = http.StatusConflict
		}
		return s.renderAdmin(c, status, "badgeimage", p)
	}
	s.forgetAchievement(saved)
	return s.redirectDone(c, "/admin/c/"+a.IssuerID+"/badges/"+a.ID+"/image", "The new art of "+a.Name+" is saved.")
}

// uploadedImage reads the form's file "image", bounded by the route's
// limit, and checks it as the API does: a PNG or an SVG, well formed,
// within the image limits. The file's declared type is checked against
// its content when it declares one of the two.
func (s *Server) uploadedImage(c echo.Context) (*badges.Image, error) {
	fh, err := c.FormFile("image")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, badges.FieldErrorf("image", "Choose a PNG or SVG file to upload.")
	}
	if err != nil {
		return nil, s.readFailure(c, err, "upload")
	}
	data, err := readUpload(fh, s.bodyLimitOf(c))
	if err != nil {
		return nil, err
	}
	declared := strings.ToLower(fh.Header.Get(echo.HeaderContentType))
	if !strings.HasPrefix(declared, string(badges.ImagePNG)) && !strings.HasPrefix(declared, string(badges.ImageSVG)) {
		declared = "" // application/octet-stream and the like: the content says
	}
	f, err := badges.ValidateImage(data, declared, s.cfg.ImageLimit)
	if err != nil {
		return nil, err
	}
	return badges.NewImage(data, f), nil
}

// handleBadgeImageReset gives a badge Laurel's generated art again.
func (s *Server) handleBadgeImageReset(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	if a, err = s.svc.Achievements.SetAchievementImage(c.Request().Context(), a.ID, nil); err != nil {
		return err
	}
	s.forgetAchievement(a)
	return s.redirectDone(c, "/admin/c/"+a.IssuerID+"/badges/"+a.ID+"/image", a.Name+" has its generated art again.")
}

// handleBadgeArtPNG is a badge's art as the PNG its credentials' baked
// badge.png carries: an uploaded PNG as it is, the generated art drawn
// as bake draws it. An uploaded SVG has none.
func (s *Server) handleBadgeArtPNG(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	if !pngAvailable(a.Image) {
		return badges.Errorf(badges.ENOTFOUND, "The art of %s is an uploaded SVG drawing: its credentials are baked as SVG only.", a.Name)
	}
	b, err := s.cache.images.get("art|"+a.Image.SHA256, func() ([]byte, error) {
		img, err := s.svc.Images.Image(c.Request().Context(), a.Image.SHA256)
		if err != nil || img.Format == badges.ImagePNG {
			return imageData(img), err
		}
		art, err := render.RasterizeSVG(img.Data, badgePNGSize)
		if err != nil {
			return nil, err
		}
		return render.PNG(art)
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	return serveBlob(c, b, string(badges.ImagePNG), "")
}

// imageData is an image's bytes, or none.
func imageData(img *badges.Image) []byte {
	if img == nil {
		return nil
	}
	return img.Data
}
