package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The Activity section: recording one activity by hand (the service
// POST /api/v1/issuers/:id/activities calls, with the fields of its form
// body, badges.ParseActivityForm) and the community's activity files.
// The service keeps activity per member, not per community, so voiding
// one starts from the member's timeline (adminactivityvoid.go).

type activityPage struct {
	adminPage
	Recent []importRow
}

// handleActivityPage is the section's page: record, import, recent files.
func (s *Server) handleActivityPage(c echo.Context) error {
	p := activityPage{adminPage: s.adminPageFor(c, visitOf(c), "Activity", "activity")}
	var err error
	if p.Recent, err = s.recentImports(c, badges.JobActivity); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "activity", p)
}

type activityNewPage struct {
	adminPage
	Form       formState
	Step       string // "find" or "form"
	Search     memberSearch
	Member     *badges.Member
	Behaviours []choice
	In         activityForm
	Today      string // the date input's latest day
}

// activityForm is an activity as typed, in the API's field names.
type activityForm struct {
	MemberID, Behaviour, At, Quantity, EvidenceURL, Narrative string
	Key                                                       string // the source event id's key: a form sent twice records once
}

// handleActivityNewPage finds the member, then (with ?member=) shows the
// activity form, dated today.
func (s *Server) handleActivityNewPage(c echo.Context) error {
	p := activityNewPage{adminPage: s.adminPageFor(c, visitOf(c), "Record activity", "activity"), Step: "find"}
	p.In = activityForm{MemberID: c.QueryParam("member"), At: s.now().UTC().Format(time.DateOnly), Key: badges.NewID()}
	if p.In.MemberID == "" {
		var err error
		if p.Search, err = s.searchMembers(c, strings.TrimSpace(c.QueryParam("q")), p.Base()+"/activity/new", nil); err != nil {
			return err
		}
		if c.Request().Header.Get("HX-Request") == "true" {
			return s.renderAdminPart(c, "activity-new", "member-results", p)
		}
		return s.renderAdmin(c, http.StatusOK, "activity-new", p)
	}
	if err := s.activityFormPage(c, &p); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "activity-new", p)
}

// activityFormPage fills the form's step: the member and the behaviours
// that take new activity.
func (s *Server) activityFormPage(c echo.Context, p *activityNewPage) error {
	m, err := s.communityMemberByID(c, p.In.MemberID)
	if err != nil {
		return err
	}
	p.Step, p.Member, p.Today = "form", m, s.now().UTC().Format(time.DateOnly)
	p.Title = "Record activity of " + m.DisplayName
	bs, err := s.svc.Catalogue.Behaviours(c.Request().Context(), p.Community.ID)
	if err != nil {
		return err
	}
	p.Behaviours = []choice{{Value: "", Label: "Choose a behaviour", Selected: p.In.Behaviour == ""}}
	for _, b := range bs {
		if !b.Retired {
			p.Behaviours = append(p.Behaviours, choice{Value: b.Key, Label: b.Name, Selected: b.Key == p.In.Behaviour})
		}
	}
	return nil
}

// handleActivityNew records the activity and goes back to the section.
func (s *Server) handleActivityNew(c echo.Context) error {
	p := activityNewPage{adminPage: s.adminPageFor(c, visitOf(c), "Record activity", "activity")}
	p.In = activityForm{MemberID: c.FormValue("memberId"), Behaviour: c.FormValue("behaviour"), At: c.FormValue("at"),
		Quantity: c.FormValue("quantity"), EvidenceURL: c.FormValue("evidenceUrl"), Narrative: c.FormValue("narrative"), Key: c.FormValue("key")}
	if err := s.activityFormPage(c, &p); err != nil {
		return err
	}
	res, err := s.recordActivity(c, p.In)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p.Form.fail(err, "behaviour")
		return s.renderAdmin(c, formFailStatus(err), "activity-new", p)
	}
	return s.redirectDone(c, p.Base()+"/activity", fitFlash(s.recordedMessage(c, p, res), "The activity is recorded."))
}

// recordActivity records the form's activity as the API's form body is
// recorded: the same fields, read by badges.ParseActivityForm.
func (s *Server) recordActivity(c echo.Context, f activityForm) (badges.ActivityResult, error) {
	at, err := s.activityTime(f.At)
	if err != nil {
		return badges.ActivityResult{}, err
	}
	form := url.Values{"memberId": {f.MemberID}, "behaviour": {f.Behaviour}, "at": {at}}
	if badges.ValidID(f.Key) {
		form.Set("sourceEventId", "console-"+f.Key)
	}
	for name, v := range map[string]string{"quantity": f.Quantity, "evidenceUrl": f.EvidenceURL, "narrative": f.Narrative} {
		if strings.TrimSpace(v) != "" {
			form.Set(name, v)
		}
	}
	in, err := badges.ParseActivityForm(form)
	if err != nil {
		return badges.ActivityResult{}, err
	}
	results, err := s.svc.Recognition.Record(c.Request().Context(), visitOf(c).Community.ID, []badges.ActivityInput{in})
	if err != nil {
		return badges.ActivityResult{}, err
	}
	if results[0].Outcome == badges.ActivityRejected {
		return results[0], results[0].Err
	}
	return results[0], nil
}

// activityTime is the moment of an activity dated day: now when it is
// today, otherwise midday (UTC), so that the day reads the same in most
// time zones.
func (s *Server) activityTime(day string) (string, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(day))
	if err != nil {
		return "", badges.FieldErrorf("at", "Enter the day of the activity as a date, such as %s.", s.now().UTC().Format(time.DateOnly))
	}
	now := s.now().UTC()
	if d.Format(time.DateOnly) == now.Format(time.DateOnly) {
		return now.Format(time.RFC3339), nil
	}
	return d.Add(12 * time.Hour).Format(time.RFC3339), nil
}

// recordedMessage says what recording did, with the badges it earned.
func (s *Server) recordedMessage(c echo.Context, p activityNewPage, res badges.ActivityResult) string {
	if res.Outcome == badges.ActivityDuplicate {
		return "This activity was recorded already; nothing changed."
	}
	what := p.In.Behaviour
	for _, b := range p.Behaviours {
		if b.Value == p.In.Behaviour {
			what = b.Label
		}
	}
	day, _ := time.Parse(time.DateOnly, strings.TrimSpace(p.In.At))
	msg := fmt.Sprintf("Recorded for %s: %s on %s.", p.Member.DisplayName, what, dayOf(day))
	var earned []string
	for _, id := range res.Earned {
		if a, err := s.svc.Achievements.Achievement(c.Request().Context(), id); err == nil {
			earned = append(earned, a.Name)
		}
	}
	if len(earned) > 0 {
		msg += " They now qualify for " + strings.Join(earned, ", ") + ", awarded in a moment."
	}
	return msg
}
