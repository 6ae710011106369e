package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// communityOutcome is the outcome the path names, of the visited community.
func (s *Server) communityOutcome(c echo.Context) (*badges.Outcome, error) {
	return communityThing(c, "outcome", c.Param("outcome"), s.svc.Outcomes.Outcome, func(o *badges.Outcome) string { return o.IssuerID })
}

// handleOutcomeEditPage shows an outcome's form.
func (s *Server) handleOutcomeEditPage(c echo.Context) error {
	o, err := s.communityOutcome(c)
	if err != nil {
		return err
	}
	return s.renderOutcomeEdit(c, http.StatusOK, o, outcomeForm{Name: o.Name, Description: o.Description, Behaviours: o.Behaviours}, string(o.Status), nil)
}

func (s *Server) renderOutcomeEdit(c echo.Context, status int, o *badges.Outcome, f outcomeForm, st string, failed error) error {
	p := outcomesPage{adminPage: s.adminPageFor(c, visitOf(c), o.Name, "outcomes"), Editing: "outcome",
		EditedOutcome: &outcomeRow{Outcome: o, PublicURL: s.urls.Outcome(o.ID)}, Outcome: f, OutcomeStatus: st}
	var err error
	if p.Behaviours, err = s.svc.Catalogue.Behaviours(c.Request().Context(), o.IssuerID); err != nil {
		return err
	}
	if failed != nil {
		p.Form.fail(failed, "name")
	}
	return s.renderAdmin(c, status, "outcomes", p)
}

// StatusChoices are an outcome's statuses for its select.
func (p outcomesPage) StatusChoices() []choice {
	return selected(p.OutcomeStatus, []choice{{Value: string(badges.OutcomeActive), Label: "Active: pursued now"},
		{Value: string(badges.OutcomeArchived), Label: "Archived: no longer pursued (its public page stays)"}})
}

// handleOutcomeEdit saves an outcome's form; archiving it is choosing the
// archived status (its page stays: credentials point at it). Achievements
// saved again to carry a new name are forgotten by the public pages'
// cache, as the API's update does.
func (s *Server) handleOutcomeEdit(c echo.Context) error {
	o, err := s.communityOutcome(c)
	if err != nil {
		return err
	}
	f, err := outcomeFormOf(c)
	st := badges.OutcomeStatus(c.FormValue("status"))
	if err == nil {
		u := badges.OutcomeUpdate{Name: &f.Name, Description: &f.Description, Behaviours: &f.Behaviours, Status: &st}
		var saved []string
		_, saved, err = s.svc.Outcomes.Update(c.Request().Context(), o.ID, u)
		for _, id := range saved {
			s.forgetAchievement(&badges.Achievement{ID: id, IssuerID: o.IssuerID})
		}
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderOutcomeEdit(c, statusOfFormError(err), o, f, string(st), err)
	}
	return s.redirectDone(c, visitOf(c).adminBase()+"/outcomes", f.Name+" is saved.")
}
