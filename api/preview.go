package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type previewMemberJSON struct {
	MemberID   string          `json:"memberId"`
	Name       string          `json:"name"`
	Fraction   float64         `json:"fraction"`
	Conditions []conditionJSON `json:"conditions"`
}

type previewJSON struct {
	Evaluated  int                 `json:"evaluated"`
	WouldAward int                 `json:"wouldAward"`
	Truncated  bool                `json:"truncated"`
	Qualify    []previewMemberJSON `json:"qualify"`
	Closest    []previewMemberJSON `json:"closest"`
}

// handleRulePreview evaluates a draft rule over the community: who would
// be awarded now and who is closest, condition by condition. Nothing is
// stored or awarded.
func (s *Server) handleRulePreview(c echo.Context) error {
	r, err := s.readRule(c)
	if err != nil {
		return err
	}
	p, err := s.svc.Previews.Preview(c.Request().Context(), c.Param("achievement"), r)
	if err != nil {
		return err
	}
	out := previewJSON{Evaluated: p.Evaluated, WouldAward: p.WouldAward, Truncated: p.Truncated, Qualify: previewMembers(p.Qualify), Closest: previewMembers(p.Closest)}
	return c.JSON(http.StatusOK, out)
}

func previewMembers(ms []badges.PreviewMember) []previewMemberJSON {
	out := make([]previewMemberJSON, len(ms))
	for i, m := range ms {
		out[i] = previewMemberJSON{MemberID: m.Member.ID, Name: m.Member.DisplayName, Fraction: m.Progress.Fraction, Conditions: conditionsJSON(m.Progress)}
	}
	return out
}
