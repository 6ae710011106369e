package api

import (
	"errors"
	"net/http"

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
		ImageURL: s.urls.Image(a.Image)}
}

// handleBadgeImageUpload replaces a badge's art with the uploaded file.
func (s *Server) handleBadgeImageUpload(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	img, err := s.uploadedImage(c)
	saved := a
	var rendition []byte
	if err == nil {
		rendition, err = uploadRendition(img)
	}
	if err == nil {
		saved, err = s.svc.Achievements.SetAchievementImage(c.Request().Context(), a.ID, img)
	}
	if err == nil {
		err = s.keepRendition(c.Request().Context(), img, rendition)
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
// badge.png carries: an uploaded PNG as it is, SVG art in its PNG
// rendition (badgeart.go).
func (s *Server) handleBadgeArtPNG(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	b, err := s.artPNG(c.Request().Context(), a.Image)
	if errors.Is(err, render.ErrUndrawable) {
		return badges.Errorf(badges.ENOTFOUND, "The art of %s cannot be drawn as PNG: its credentials are baked as SVG only.", a.Name)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	return serveBlob(c, b, string(badges.ImagePNG), "")
}
