package api

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// outcomeDoc is an outcome's public JSON: what the alignments of badges
// point at.
type outcomeDoc struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Name         string          `json:"name"`
	Description  string          `json:"description,omitempty"`
	Status       string          `json:"status"`
	Issuer       namedJSON       `json:"issuer"`
	Achievements []namedJSON     `json:"achievements"`
	Behaviours   []behaviourText `json:"behaviours"`
}

type behaviourText struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type outcomePage struct {
	page
	Outcome struct {
		Name, Description string
		Archived          bool
	}
	IssuerName, IssuerURL string
	Badges                []badgeCard
	Behaviours            []behaviourText
}

// handleOutcomePublic shows an outcome, archived ones too: credentials
// issued while it was pursued point at it.
func (s *Server) handleOutcomePublic(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := s.svc.Outcomes.Outcome(ctx, c.Param("outcome"))
	if err != nil {
		return err
	}
	p, err := s.profile(ctx, o.IssuerID)
	if err != nil {
		return err
	}
	achievements, err := s.issuerAchievements(ctx, o.IssuerID)
	if err != nil {
		return err
	}
	bs, err := s.svc.Catalogue.Behaviours(ctx, o.IssuerID)
	if err != nil {
		return err
	}
	doc := outcomeDoc{ID: s.urls.Outcome(o.ID), Type: "Outcome", Name: o.Name, Description: o.Description, Status: string(o.Status),
		Issuer: namedJSON{ID: s.urls.Issuer(p.ID), Name: p.Name}, Achievements: []namedJSON{}, Behaviours: []behaviourText{}}
	var d outcomePage
	for _, a := range achievements {
		if slices.ContainsFunc(a.Outcomes, func(r badges.OutcomeRef) bool { return r.ID == o.ID }) {
			doc.Achievements = append(doc.Achievements, namedJSON{ID: s.urls.Achievement(a.ID), Name: a.Name})
			d.Badges = append(d.Badges, badgeCard{Name: a.Name, URL: s.urls.Achievement(a.ID), ImageURL: s.urls.Image(a.Image),
				ImageAlt: "Badge image for " + a.Name})
		}
	}
	for _, b := range bs {
		if slices.Contains(o.Behaviours, b.Key) {
			doc.Behaviours = append(doc.Behaviours, behaviourText{Name: b.Name, Description: b.Description})
		}
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=5")
	if wantsLD(c) {
		c.Response().Header().Set("Vary", "Accept")
		c.Response().Header().Set("Access-Control-Allow-Origin", "*")
		return c.JSON(http.StatusOK, doc)
	}
	d.Title, d.Description = o.Name, o.Description
	if d.Description == "" {
		d.Description = fmt.Sprintf("An outcome %s works towards.", p.Name)
	}
	d.CanonicalURL, d.Brand = doc.ID, s.brandOf(p)
	setPreview(&d.page, s.urls.Issuer(p.ID)+previewSuffix, "The badges of "+p.Name)
	d.Outcome.Name, d.Outcome.Description, d.Outcome.Archived = o.Name, o.Description, o.Status == badges.OutcomeArchived
	d.IssuerName, d.IssuerURL, d.Behaviours = p.Name, doc.Issuer.ID, doc.Behaviours
	return s.renderPage(c, http.StatusOK, "outcome", d)
}
