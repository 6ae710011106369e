package api

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Reevaluations starts and reports the jobs that evaluate an achievement's
// rule for every member of its community.
type Reevaluations interface {
	Start(ctx context.Context, achievementID string, reason badges.ReevaluationReason) (*badges.Reevaluation, bool, error)
	RuleChanged(ctx context.Context, ach *badges.Achievement, reason badges.ReevaluationReason)
	Reevaluation(ctx context.Context, id string) (*badges.Reevaluation, error)
	Reevaluations(ctx context.Context, issuerID string, o badges.ListOptions) (*badges.Page[*badges.Reevaluation], error)
}

type reevaluationJSON struct {
	ID              string     `json:"id"`
	IssuerID        string     `json:"issuerId"`
	AchievementID   string     `json:"achievementId"`
	AchievementName string     `json:"achievementName"`
	RuleRevision    string     `json:"ruleRevision"`
	Reason          string     `json:"reason"`
	State           string     `json:"state"`
	MembersTotal    int        `json:"membersTotal"`
	MembersDone     int        `json:"membersDone"`
	AwardsQueued    int        `json:"awardsQueued"`
	Error           string     `json:"error,omitempty"`
	CreatedAt       time.Time  `json:"createdAt"`
	StartedAt       *time.Time `json:"startedAt"`
	FinishedAt      *time.Time `json:"finishedAt"`
	UpdatedAt       time.Time  `json:"updatedAt"`
}

func reevaluationToJSON(j *badges.Reevaluation) reevaluationJSON {
	return reevaluationJSON{ID: j.ID, IssuerID: j.IssuerID, AchievementID: j.AchievementID, AchievementName: j.AchievementName,
		RuleRevision: j.RuleRevision, Reason: string(j.Reason), State: string(j.State), MembersTotal: j.MembersTotal,
		MembersDone: j.MembersDone, AwardsQueued: j.AwardsQueued, Error: j.Error, CreatedAt: j.CreatedAt,
		StartedAt: timeOrNull(j.StartedAt), FinishedAt: timeOrNull(j.FinishedAt), UpdatedAt: j.UpdatedAt}
}

// timeOrNull is a time, or null for one that has not come yet.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// handleReevaluationStart re-evaluates an achievement's rule for every
// member of its community, in the background. A re-evaluation of the same
// rule queued or running already is answered instead of starting another.
// The body, if any, is an empty JSON object.
func (s *Server) handleReevaluationStart(c echo.Context) error {
	if err := s.readEmptyObject(c); err != nil {
		return err
	}
	j, _, err := s.svc.Reevaluations.Start(c.Request().Context(), c.Param("achievement"), badges.ReevaluationRequested)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/reevaluations/"+j.ID)
	return c.JSON(http.StatusAccepted, reevaluationToJSON(j))
}

// readEmptyObject accepts no body or an empty JSON object; a field in it
// is refused by name.
func (s *Server) readEmptyObject(c echo.Context) error {
	body, err := s.readBody(c)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	if mt := mediaType(c); mt != echo.MIMEApplicationJSON {
		return unsupportedMedia(mt, echo.MIMEApplicationJSON)
	}
	return decodeStrict(body, &struct{}{})
}

func (s *Server) handleReevaluationGet(c echo.Context) error {
	j, err := s.svc.Reevaluations.Reevaluation(c.Request().Context(), c.Param("reevaluation"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, reevaluationToJSON(j))
}

// handleReevaluationList lists a community's re-evaluations, newest
// first.
func (s *Server) handleReevaluationList(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	p, err := s.svc.Reevaluations.Reevaluations(c.Request().Context(), c.Param("issuer"), o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, reevaluationToJSON))
}
