package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type reviewJSON struct {
	ID              string     `json:"id"`
	MemberID        string     `json:"memberId"`
	MemberName      string     `json:"memberName"`
	AchievementID   string     `json:"achievementId"`
	AchievementName string     `json:"achievementName"`
	CredentialIDs   []string   `json:"credentialIds"`
	ActivityID      string     `json:"activityId"`
	Summary         string     `json:"summary"`
	Reason          string     `json:"reason,omitempty"`
	Status          string     `json:"status"`
	CreatedAt       time.Time  `json:"createdAt"`
	ResolvedAt      *time.Time `json:"resolvedAt,omitempty"`
	Note            string     `json:"note,omitempty"`
}

func toReviewJSON(r badges.Review) reviewJSON {
	out := reviewJSON{ID: r.ID, MemberID: r.MemberID, MemberName: r.MemberName, AchievementID: r.AchievementID,
		AchievementName: r.AchievementName, CredentialIDs: r.CredentialIDs, ActivityID: r.ActivityID, Reason: r.Reason, Status: r.Status, CreatedAt: r.CreatedAt, Note: r.Note,
		Summary: r.MemberName + " holds " + r.AchievementName + ", whose rule they no longer meet after a correction."}
	if !r.ResolvedAt.IsZero() {
		out.ResolvedAt = &r.ResolvedAt
	}
	if out.CredentialIDs == nil {
		out.CredentialIDs = []string{}
	}
	return out
}

// handleReviewList lists a community's credentials to review after
// corrections, newest first; ?status= open, revoked or dismissed.
func (s *Server) handleReviewList(c echo.Context) error {
	rs, err := s.svc.Corrections.Reviews(c.Request().Context(), c.Param("issuer"), c.QueryParam("status"))
	if err != nil {
		return err
	}
	out := listJSON[reviewJSON]{Items: make([]reviewJSON, len(rs)), Total: len(rs)}
	for i, r := range rs {
		out.Items[i] = toReviewJSON(r)
	}
	return c.JSON(http.StatusOK, out)
}

type resolveRequest struct {
	Reason        string `json:"reason"`        // revoking: kept with the revocation
	PublishReason bool   `json:"publishReason"` // revoking: show the reason on public pages
	Note          string `json:"note"`          // dismissing: why the badge stays
}

// handleReviewDismiss closes a review, leaving the credential as it is.
func (s *Server) handleReviewDismiss(c echo.Context) error {
	var req resolveRequest
	if c.Request().ContentLength != 0 {
		if err := s.decodeJSON(c, &req); err != nil {
			return err
		}
	}
	if req.Reason != "" {
		return badges.FieldErrorf("reason", "reason is for revoking; say why the badge stays in note")
	}
	if req.PublishReason {
		return badges.FieldErrorf("publishReason", "publishReason is for revoking: a dismissal has no reason to publish")
	}
	r, err := s.svc.Corrections.Resolve(c.Request().Context(), c.Param("issuer"), c.Param("review"), badges.ReviewDismissed, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toReviewJSON(r))
}

// handleReviewRevoke revokes the credentials the review names, with a
// reason, and closes the review.
func (s *Server) handleReviewRevoke(c echo.Context) error {
	var req resolveRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Note != "" {
		return badges.FieldErrorf("note", "note is for dismissing; the reason is kept with the revocation")
	}
	r, err := s.svc.Corrections.Revoke(c.Request().Context(), c.Param("issuer"), c.Param("review"),
		badges.RevokeInput{Reason: req.Reason, PublishReason: req.PublishReason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toReviewJSON(r))
}
