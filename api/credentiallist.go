package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// credentialSummaryJSON is a credential as a list shows it: ids, names and
// status, without the signed documents (GET /api/v1/credentials/{id} has
// them).
type credentialSummaryJSON struct {
	ID              string     `json:"id"`
	URL             string     `json:"url"`
	IssuerID        string     `json:"issuerId"`
	IssuerName      string     `json:"issuerName"`
	AchievementID   string     `json:"achievementId"`
	AchievementName string     `json:"achievementName"`
	MemberID        string     `json:"memberId"`
	MemberName      string     `json:"memberName"`
	AwardedAt       time.Time  `json:"awardedAt"`
	ValidUntil      *time.Time `json:"validUntil,omitempty"`
	Status          string     `json:"status"`
	RevokedAt       *time.Time `json:"revokedAt,omitempty"`
}

func (s *Server) credentialSummaryJSON(c *issuer.CredentialSummary) credentialSummaryJSON {
	return credentialSummaryJSON{ID: c.ID, URL: s.urls.Credential(c.ID), IssuerID: c.IssuerID, IssuerName: c.IssuerName,
		AchievementID: c.AchievementID, AchievementName: c.AchievementName, MemberID: c.MemberID, MemberName: c.MemberName,
		AwardedAt: c.AwardedAt, ValidUntil: timePtr(c.ValidUntil), Status: string(c.Status), RevokedAt: timePtr(c.RevokedAt)}
}

// handleCredentialList lists a community's credentials, newest first,
// filtered by member, achievement, status and award date.
func (s *Server) handleCredentialList(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	f := issuer.CredentialFilter{IssuerID: c.Param("issuer"), MemberID: c.QueryParam("member"), AchievementID: c.QueryParam("achievement"),
		Status: issuer.CredentialStatus(c.QueryParam("status")), At: s.now(), ListOptions: o}
	if f.From, err = dateParam(c, "from", false); err != nil {
		return err
	}
	if f.To, err = dateParam(c, "to", true); err != nil {
		return err
	}
	p, err := s.svc.Issuing.Credentials(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, s.credentialSummaryJSON))
}

// dateParam reads a query parameter that is a date-time (RFC 3339) or a
// date (YYYY-MM-DD, in UTC): a date stands for its first moment, or for
// its last with endOfDay, so that from=2026-03-01&to=2026-03-31 is all of
// March.
func dateParam(c echo.Context, name string, endOfDay bool) (time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, badges.FieldErrorf(name, "The query parameter %q must be a date (2026-03-31) or a date-time (2026-03-31T12:00:00Z), not %q.", name, v)
	}
	if endOfDay {
		d = d.Add(24*time.Hour - time.Millisecond)
	}
	return d, nil
}
