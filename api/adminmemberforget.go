package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// memberForgetPage says exactly what forgetting a member removes and what
// stays, before it is done.
type memberForgetPage struct {
	adminPage
	Member  *badges.Member
	Held    int // credentials of theirs, revoked or not
	Cohorts []*badges.Cohort
	// FormerName is the name they are shown by once forgotten.
	FormerName string
}

// handleMemberForgetPage is the confirmation step of forgetting a member
// at their request: it checks the answers with the manager first.
func (s *Server) handleMemberForgetPage(c echo.Context) error {
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := memberForgetPage{adminPage: s.adminPageFor(c, visitOf(c), "Forget "+m.DisplayName, "members"), Member: m, FormerName: badges.FormerMemberName}
	if m.Forgotten() {
		p.Title = "Forgotten member"
		return s.renderAdmin(c, http.StatusOK, "memberforget", p)
	}
	if p.Held, p.Cohorts, err = s.memberStakes(ctx, m); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "memberforget", p)
}

// handleMemberForgetForm forgets a member, as POST /members/{id}/forget does;
// a member forgotten already is answered the same.
func (s *Server) handleMemberForgetForm(c echo.Context) error {
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	if _, err := s.forget(c.Request().Context(), m.ID); err != nil {
		return err
	}
	return s.redirectDone(c, memberPath(m), "The member’s personal data is removed; they are kept as a former member.")
}
