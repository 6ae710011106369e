package api

import (
	"context"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Applying for a badge from the member portal: the badges of the
// member's community open to applications that they can earn, each with
// its criteria, a form for each, and the member's own applications with
// where each stands. The member is the session's (memberOf), never one
// named by the path or the form.

type applyPage struct {
	mePage
	Openings []applyOpening
	Mine     []applicationRow
}

// applyOpening is a badge the member may apply for.
type applyOpening struct {
	ID, Name, Description, ImageURL string
	Criteria                        template.HTML
	Waiting                         string // when the member's application waits: since when, in words
}

// applicationRow is one of the member's applications, in words.
type applicationRow struct {
	Badge    string
	Sent     string
	State    string // "Waiting for review", "Approved on 3 May 2026", "Declined: …"
	Tone     string // "", "good" or "bad"
	BadgeURL string // approved: the credential's page
}

// handleApplyPage lists the badges the member may apply for and their
// applications.
func (s *Server) handleApplyPage(c echo.Context) error {
	v := memberOf(c)
	ctx := c.Request().Context()
	mine, err := s.svc.Applications.Mine(ctx, v.Member.ID)
	if err != nil {
		return err
	}
	openings, err := s.svc.Applications.Openings(ctx, v.Member.ID)
	if err != nil {
		return err
	}
	p := applyPage{mePage: s.mePageFor(c, v, "Apply for a badge", "apply")}
	waiting := map[string]string{}
	for _, n := range mine {
		row, err := s.applicationRow(ctx, n)
		if err != nil {
			return err
		}
		p.Mine = append(p.Mine, row)
		if n.Status == badges.NominationPending {
			waiting[n.AchievementID] = n.CreatedAt.UTC().Format(dateLayout)
		}
	}
	for _, a := range openings {
		p.Openings = append(p.Openings, applyOpening{ID: a.ID, Name: a.Name, Description: a.Description,
			ImageURL: s.urls.Image(a.Image), Criteria: renderMarkdown(a.Criteria), Waiting: waiting[a.ID]})
	}
	return s.renderPortal(c, http.StatusOK, "apply", p)
}

// applicationRow says where one of the member's applications stands.
func (s *Server) applicationRow(ctx context.Context, n *badges.Nomination) (applicationRow, error) {
	name, err := s.nominationNames().achievement(ctx, n.AchievementID)
	if err != nil {
		return applicationRow{}, err
	}
	if name == n.AchievementID {
		name = "A badge since deleted"
	}
	row := applicationRow{Badge: name, Sent: n.CreatedAt.UTC().Format(dateLayout), State: "Waiting for review"}
	switch {
	case n.Status == badges.NominationApproved && n.CredentialID != "":
		row.State, row.Tone, row.BadgeURL = "Approved on "+n.DecidedAt.UTC().Format(dateLayout), "good", "/credentials/"+n.CredentialID
	case n.Status == badges.NominationDeclined && n.Reason != "":
		row.State, row.Tone = "Declined: "+n.Reason, "bad"
	case n.Status == badges.NominationDeclined:
		row.State, row.Tone = "Declined on "+n.DecidedAt.UTC().Format(dateLayout), "bad"
	}
	return row, nil
}
