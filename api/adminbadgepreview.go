package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The badge form's preview is the real public page of the badge
// (template "achievement", built by achievementPage as
// /achievements/:id builds it) for the values in the form, shown in a
// frame beside it. The form posts its values into the frame: on a
// button without JavaScript, as they are typed with it (admin.js).

// previewPlaceholder is what the preview of a form not yet filled in shows.
var previewPlaceholder = badgeForm{Name: "Your new badge", Description: "What the badge recognises, in a sentence or two.",
	Criteria: "How a member earns it.", Type: "Badge"}

// handleBadgePreview renders the public page of a badge as the form
// would save it: GET shows the badge named by ?badge= as it is (or a
// placeholder), POST the form's values over it.
func (s *Server) handleBadgePreview(c echo.Context) error {
	var base *badges.Achievement
	if id := c.FormValue("badge"); id != "" {
		var err error
		if base, err = s.communityBadgeByID(c, id); err != nil {
			return err
		}
	}
	f := previewPlaceholder
	switch {
	case c.Request().Method == http.MethodPost:
		var err error
		if f, err = readBadgeForm(c); err != nil {
			return s.readFailure(c, err, "form")
		}
	case base != nil:
		f = formOf(base)
	}
	return s.renderBadgePreview(c, s.previewBadge(c, base, f))
}

// previewBadge is the badge as saving the form would make it: the
// service's own Apply for a badge (with its new version when the change
// makes one), the input's own Validate for a new one, and the values as
// typed when they would not be saved.
func (s *Server) previewBadge(c echo.Context, base *badges.Achievement, f badgeForm) *badges.Achievement {
	ctx := c.Request().Context()
	a := &badges.Achievement{Version: 1, Image: badges.ImageRef{Generated: true}}
	if base != nil {
		a = base
	}
	u, err := f.update()
	if err != nil { // a validity that is not a number: the page does not show it
		f.Validity = ""
		u, _ = f.update()
	}
	outcomes, _ := s.svc.Outcomes.List(ctx, visitOf(c).Community.ID)
	var refs []badges.OutcomeRef
	for _, o := range outcomes {
		if slices.Contains(f.Outcomes, o.ID) {
			refs = append(refs, badges.OutcomeRef{ID: o.ID, Name: o.Name})
		}
	}
	u.Outcomes = &refs
	if n, changed, err := a.Apply(u); err == nil {
		if changed && a.Status == badges.StatusActive {
			n.Version++
		}
		return n
	}
	raw := *a
	raw.Name, raw.Description, raw.Criteria, raw.Level, raw.Tags, raw.Alignments = f.Name, f.Description, f.Criteria, f.Level, f.tags(), f.Alignments
	raw.AchievementType, raw.Outcomes = f.Type, refs
	return &raw
}

// renderBadgePreview renders the public page of a, to be framed by the
// console's own pages only.
func (s *Server) renderBadgePreview(c echo.Context, a *badges.Achievement) error {
	ctx := c.Request().Context()
	d := s.achievementPage(a, visitOf(c).Community)
	if a.Image.Generated {
		// Generated art follows the name, and is stored when saved.
		d.Achievement.ImageURL = visitOf(c).communityPath() + "/badges/art.svg?" + url.Values{"name": {a.Name}, "level": {a.Level}}.Encode()
	}
	if a.ID != "" {
		sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
		if err != nil {
			return err
		}
		d.Earned = sc.Earned
		if d.Holders, err = s.recentHolders(ctx, sc, recentHoldersShown); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := s.pages["achievement"].ExecuteTemplate(&buf, "layout", d); err != nil {
		return fmt.Errorf("render the preview of a badge's page: %w", err)
	}
	framedBySelf(c)
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// framedBySelf lets the console's own pages frame this answer, and no
// one else: the site's policy refuses every frame.
func framedBySelf(c echo.Context) {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", strings.Replace(h.Get("Content-Security-Policy"), "frame-ancestors 'none'", "frame-ancestors 'self'", 1))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Cache-Control", "no-store")
}

// communityPath is the console path of the visited community.
func (v *visit) communityPath() string { return "/admin/c/" + v.Community.ID }

// badgeArtCSP is the policy of an SVG served on its own, as /images/ serves them.
const badgeArtCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

// maxArtName bounds the name the generated art is drawn for.
const maxArtName = 200

// handleBadgeArtSVG draws the generated art for a name and a level, as a
// badge of that name without an upload gets when it is saved.
func (s *Server) handleBadgeArtSVG(c echo.Context) error {
	name, level := c.QueryParam("name"), c.QueryParam("level")
	if len(name) > maxArtName {
		return badges.FieldErrorf("name", "The query parameter \"name\" is longer than %d bytes.", maxArtName)
	}
	if len(level) > maxArtName {
		return badges.FieldErrorf("level", "The query parameter \"level\" is longer than %d bytes.", maxArtName)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", badgeArtCSP)
	return c.Blob(http.StatusOK, string(badges.ImageSVG), badges.BadgeArt{Name: name, Level: level, Community: visitOf(c).Community.Name}.SVG())
}
