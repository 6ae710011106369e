package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type nominationJSON struct {
	ID            string    `json:"id"`
	NominatorID   string    `json:"nominatorId"`
	MemberID      string    `json:"memberId"`
	AchievementID string    `json:"achievementId"`
	Note          string    `json:"note,omitempty"`
	Status        string    `json:"status"`
	CredentialID  string    `json:"credentialId,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	CreatedAt     time.Time `json:"createdAt"`
	DecidedAt     time.Time `json:"decidedAt,omitzero"`
}

func toNominationJSON(n *badges.Nomination) nominationJSON {
	return nominationJSON{ID: n.ID, NominatorID: n.NominatorID, MemberID: n.MemberID, AchievementID: n.AchievementID, Note: n.Note,
		Status: n.Status, CredentialID: n.CredentialID, Reason: n.Reason, CreatedAt: n.CreatedAt, DecidedAt: n.DecidedAt}
}

type nominateRequest struct {
	NominatorID   string `json:"nominatorId"`
	MemberID      string `json:"memberId"`
	AchievementID string `json:"achievementId"`
	Note          string `json:"note"`
}

func (s *Server) handleNominate(c echo.Context) error {
	var req nominateRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	n, err := s.svc.Nominations.Nominate(c.Request().Context(), c.Param("issuer"),
		badges.NominateInput{NominatorID: req.NominatorID, MemberID: req.MemberID, AchievementID: req.AchievementID, Note: req.Note})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/nominations/"+n.ID, toNominationJSON(n))
}

func (s *Server) handleNominationList(c echo.Context) error {
	ns, err := s.svc.Nominations.Nominations(c.Request().Context(), c.Param("issuer"), c.QueryParam("status"))
	if err != nil {
		return err
	}
	out := listJSON[nominationJSON]{Items: make([]nominationJSON, len(ns)), Total: len(ns)}
	for i, n := range ns {
		out.Items[i] = toNominationJSON(n)
	}
	return c.JSON(http.StatusOK, out)
}

type declineRequest struct {
	Reason string `json:"reason"`
}

// handleNominationDecide approves (which awards the achievement) or
// declines a pending nomination.
func (s *Server) handleNominationDecide(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req declineRequest
		if !approve {
			if err := s.decodeJSON(c, &req); err != nil {
				return err
			}
		}
		n, err := s.svc.Nominations.Decide(c.Request().Context(), c.Param("nomination"), approve, req.Reason)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, toNominationJSON(n))
	}
}
