package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type conditionJSON struct {
	Path        string   `json:"path"`
	Kind        string   `json:"kind"`
	Description string   `json:"description"`
	Current     float64  `json:"current"`
	Required    float64  `json:"required"`
	Met         bool     `json:"met"`
	Links       []string `json:"links,omitempty"`
}

type progressJSON struct {
	AchievementID string              `json:"achievementId"`
	Name          string              `json:"name"`
	Level         string              `json:"level,omitempty"`
	Held          bool                `json:"held"`
	Met           bool                `json:"met"`
	Fraction      float64             `json:"fraction"`
	Conditions    []conditionJSON     `json:"conditions"`
	Behaviours    []behaviourNameJSON `json:"behaviours"` // those the rule counts
}

// behaviourNameJSON is a behaviour named by its key and its name.
type behaviourNameJSON struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

type progressListJSON struct {
	listJSON[progressJSON]
	MemberID   string `json:"memberId"`
	MemberName string `json:"memberName"`
}

// handleProgress shows how far a member is towards each achievement with a
// rule, condition by condition: closest first, held last.
func (s *Server) handleProgress(c echo.Context) error {
	ps, err := s.svc.Recognition.Progress(c.Request().Context(), c.Param("member"))
	if err != nil {
		return err
	}
	m, err := s.svc.Members.Member(c.Request().Context(), c.Param("member"))
	if err != nil {
		return err
	}
	out := progressListJSON{MemberID: m.ID, MemberName: m.DisplayName,
		listJSON: listJSON[progressJSON]{Items: make([]progressJSON, len(ps)), Total: len(ps)}}
	for i, p := range ps {
		out.Items[i] = progressJSON{AchievementID: p.Achievement.ID, Name: p.Achievement.Name, Level: p.Achievement.Level, Held: p.Held,
			Met: p.Progress.Met, Fraction: p.Progress.Fraction, Conditions: conditionsJSON(p.Progress), Behaviours: []behaviourNameJSON{}}
		for _, b := range p.Behaviours {
			out.Items[i].Behaviours = append(out.Items[i].Behaviours, behaviourNameJSON{Key: b.Key, Name: b.Name})
		}
	}
	return c.JSON(http.StatusOK, out)
}
func conditionsJSON(p badges.Progress) []conditionJSON {
	out := make([]conditionJSON, len(p.Conditions))
	for k, cp := range p.Conditions {
		out[k] = conditionJSON{Path: cp.Path, Kind: cp.Kind, Description: cp.Description, Current: cp.Current,
			Required: cp.Required, Met: cp.Met, Links: cp.Links}
	}
	return out
}
