package api

import (
	"cmp"
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type nominationJSON struct {
	ID              string    `json:"id"`
	NominatorID     string    `json:"nominatorId"`
	NominatorName   string    `json:"nominatorName"`
	MemberID        string    `json:"memberId"`
	MemberName      string    `json:"memberName"`
	AchievementID   string    `json:"achievementId"`
	AchievementName string    `json:"achievementName"`
	Note            string    `json:"note,omitempty"`
	Status          string    `json:"status"`
	CredentialID    string    `json:"credentialId,omitempty"`
	Reason          string    `json:"reason,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
	DecidedAt       time.Time `json:"decidedAt,omitzero"`
	Kind            string    `json:"kind"`            // nomination, or a member's own application
	Links           []string  `json:"links,omitempty"` // an application's evidence
}

// nominationNames names the members and badges of nominations, each read
// once; one deleted since is named by its id.
type nominationNames struct {
	s            *Server
	members      map[string]string
	achievements map[string]string
}

func (s *Server) nominationNames() *nominationNames {
	return &nominationNames{s: s, members: map[string]string{}, achievements: map[string]string{}}
}

func (nn *nominationNames) member(ctx context.Context, id string) (string, error) {
	if name, ok := nn.members[id]; ok {
		return name, nil
	}
	name := id
	m, err := nn.s.svc.Members.Member(ctx, id)
	switch {
	case err == nil:
		name = m.DisplayName
	case badges.ErrorCode(err) != badges.ENOTFOUND:
		return "", err
	}
	nn.members[id] = name
	return name, nil
}

func (nn *nominationNames) achievement(ctx context.Context, id string) (string, error) {
	if name, ok := nn.achievements[id]; ok {
		return name, nil
	}
	name := id
	a, err := nn.s.svc.Achievements.Achievement(ctx, id)
	switch {
	case err == nil:
		name = a.Name
	case badges.ErrorCode(err) != badges.ENOTFOUND:
		return "", err
	}
	nn.achievements[id] = name
	return name, nil
}

func (nn *nominationNames) json(ctx context.Context, n *badges.Nomination) (nominationJSON, error) {
	out := nominationJSON{ID: n.ID, NominatorID: n.NominatorID, MemberID: n.MemberID, AchievementID: n.AchievementID, Note: n.Note,
		Status: n.Status, CredentialID: n.CredentialID, Reason: n.Reason, CreatedAt: n.CreatedAt, DecidedAt: n.DecidedAt,
		Kind: cmp.Or(n.Kind, badges.KindNomination), Links: n.Links}
	var err error
	if out.NominatorName, err = nn.member(ctx, n.NominatorID); err != nil {
		return out, err
	}
	if out.MemberName, err = nn.member(ctx, n.MemberID); err != nil {
		return out, err
	}
	out.AchievementName, err = nn.achievement(ctx, n.AchievementID)
	return out, err
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
	return s.nominationCreated(c, n)
}

// nominationCreated answers 201 with a new nomination or application.
func (s *Server) nominationCreated(c echo.Context, n *badges.Nomination) error {
	out, err := s.nominationNames().json(c.Request().Context(), n)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/nominations/"+n.ID, out)
}

func (s *Server) handleNominationList(c echo.Context) error {
	kind := c.QueryParam("kind")
	if err := checkKind(kind); err != nil {
		return err
	}
	ns, err := s.svc.Nominations.Nominations(c.Request().Context(), c.Param("issuer"), c.QueryParam("status"))
	if err != nil {
		return err
	}
	ns = ofKind(ns, kind)
	out := listJSON[nominationJSON]{Items: make([]nominationJSON, len(ns)), Total: len(ns)}
	names := s.nominationNames()
	for i, n := range ns {
		if out.Items[i], err = names.json(c.Request().Context(), n); err != nil {
			return err
		}
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
		out, err := s.nominationNames().json(c.Request().Context(), n)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	}
}
