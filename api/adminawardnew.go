package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Awarding one badge by hand: find the member, pick the badge, write
// the narrative and evidence, check the answers, then issue through the
// service POST /api/v1/issuers/:id/awards calls. Each step is a plain
// form; "step" says which one a POST comes from.

// evidenceRows is how many evidence rows the form offers.
const evidenceRows = 3

type awardNewPage struct {
	adminPage
	Form   formState
	Step   string // "find", "form" or "check"
	Search memberSearch
	Member *badges.Member
	Badges []choice
	Badge  string // the chosen badge's name
	In     awardForm
	Key    string // the award's idempotency key, made at the check step
	Held   string // the credential the member already holds, after a refusal
}

// awardForm is the award as typed.
type awardForm struct {
	MemberID, AchievementID, Narrative string
	Evidence                           []evidenceRow
}

// evidenceRow is one row of evidence: a link and its name.
type evidenceRow struct {
	N         int // 1-based, for labels and ids
	URL, Name string
}

// Given is the evidence rows that say something.
func (f awardForm) Given() []evidenceRow {
	var out []evidenceRow
	for _, e := range f.Evidence {
		if e.URL != "" || e.Name != "" {
			out = append(out, e)
		}
	}
	return out
}

// input is the award the service is asked for.
func (f awardForm) input() badges.AwardInput {
	in := badges.AwardInput{AchievementID: f.AchievementID, MemberID: f.MemberID, Narrative: f.Narrative}
	for _, e := range f.Given() {
		in.Evidence = append(in.Evidence, badges.Evidence{URL: e.URL, Name: e.Name})
	}
	return in
}

// awardFormOf reads the award form; rows beyond those offered are dropped.
func awardFormOf(c echo.Context) awardForm {
	f := awardForm{MemberID: c.FormValue("memberId"), AchievementID: c.FormValue("achievementId"), Narrative: c.FormValue("narrative")}
	form, _ := c.FormParams()
	f.Evidence = evidenceOf(form["evidenceUrl"], form["evidenceName"])
	return f
}

// evidenceOf is the form's evidence rows, from the links and names sent.
func evidenceOf(urls, names []string) []evidenceRow {
	rows := make([]evidenceRow, evidenceRows)
	for i := range rows {
		rows[i].N = i + 1
		if i < len(urls) {
			rows[i].URL = strings.TrimSpace(urls[i])
		}
		if i < len(names) {
			rows[i].Name = strings.TrimSpace(names[i])
		}
	}
	return rows
}

// handleAwardNewPage is the first steps: find the member, then (with
// ?member=) the award form.
func (s *Server) handleAwardNewPage(c echo.Context) error {
	v := visitOf(c)
	p := awardNewPage{adminPage: s.adminPageFor(c, v, "Award a badge", "awards"), Step: "find"}
	p.In = awardForm{MemberID: c.QueryParam("member"), AchievementID: c.QueryParam("achievement"), Evidence: evidenceOf(nil, nil)}
	if p.In.MemberID == "" {
		var err error
		keep := url.Values{"achievement": {p.In.AchievementID}}
		if p.Search, err = s.searchMembers(c, strings.TrimSpace(c.QueryParam("q")), p.Base()+"/awards/new", keep); err != nil {
			return err
		}
		if c.Request().Header.Get("HX-Request") == "true" {
			return s.renderAdminPart(c, "award-new", "member-results", p)
		}
		return s.renderAdmin(c, http.StatusOK, "award-new", p)
	}
	if err := s.awardFormPage(c, &p); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "award-new", p)
}

// awardFormPage fills the award form's step: the member and the badges.
func (s *Server) awardFormPage(c echo.Context, p *awardNewPage) error {
	m, err := s.communityMemberByID(c, p.In.MemberID)
	if err != nil {
		return err
	}
	p.Step, p.Member = "form", m
	p.Title = "Award a badge to " + m.DisplayName
	p.Badges, err = s.badgeChoices(c, p.Community.ID, badges.StatusActive, p.In.AchievementID)
	return err
}

// handleAwardNew takes the award form: "check" shows the answers to
// confirm, "edit" goes back to the form, "issue" awards the badge.
func (s *Server) handleAwardNew(c echo.Context) error {
	v := visitOf(c)
	p := awardNewPage{adminPage: s.adminPageFor(c, v, "Award a badge", "awards"), In: awardFormOf(c)}
	if err := s.awardFormPage(c, &p); err != nil {
		return err
	}
	step := c.FormValue("step")
	if step == "edit" {
		return s.renderAdmin(c, http.StatusOK, "award-new", p)
	}
	in := p.In.input()
	err := s.checkAward(&p, &in)
	if err == nil && step == "issue" {
		return s.issueAward(c, &p, in)
	}
	if err != nil {
		return s.awardFormFailed(c, &p, err)
	}
	p.Step, p.Key = "check", badges.NewID()+badges.NewID()
	p.Title = "Check your answers"
	return s.renderAdmin(c, http.StatusOK, "award-new", p)
}

// checkAward checks the badge is one the form offers, then the award as
// the service will (badges.AwardInput.Validate).
func (s *Server) checkAward(p *awardNewPage, in *badges.AwardInput) error {
	for _, b := range p.Badges {
		if b.Value != "" && b.Value == in.AchievementID {
			p.Badge = b.Label
		}
	}
	if p.Badge == "" {
		return badges.FieldErrorf("achievementId", "Choose the badge to award from the list of the community's active badges.")
	}
	return in.Validate()
}

// issueAward issues the award through the API's service, keyed by the
// check step's key so that a form sent twice issues once.
func (s *Server) issueAward(c echo.Context, p *awardNewPage, in badges.AwardInput) error {
	in.IdempotencyKey = "console:" + c.FormValue("key")
	cred, issued, err := s.svc.Issuing.Award(c.Request().Context(), p.Community.ID, in)
	if err != nil {
		if badges.ErrorCode(err) == badges.ECONFLICT && badges.ErrorField(err) == "achievementId" {
			err = &badges.Error{Code: badges.ECONFLICT, Field: "achievementId",
				Message: p.Badge + " is no longer active; only active badges can be awarded."}
		}
		return s.awardFormFailed(c, p, err)
	}
	if !issued {
		p.Held = p.Base() + "/awards/" + cred.ID
		return s.awardFormFailed(c, p, &badges.Error{Code: badges.ECONFLICT, Field: "achievementId",
			Message: fmt.Sprintf("%s already holds %s, awarded %s; nothing new was issued.", p.Member.DisplayName, p.Badge, dayOf(cred.Earned()))})
	}
	return s.redirectDone(c, p.Base()+"/awards/"+cred.ID, fitFlash(fmt.Sprintf("%s is awarded to %s.", p.Badge, p.Member.DisplayName), "The badge is awarded."))
}

// awardFormFailed shows the form again with err on its field: errors
// about one row of evidence are shown on the evidence rows.
func (s *Server) awardFormFailed(c echo.Context, p *awardNewPage, err error) error {
	if !isFormError(err) {
		return err
	}
	p.Step, p.Title = "form", "Award a badge to "+p.Member.DisplayName
	p.Form.fail(err, "achievementId")
	for i, e := range p.Form.Errors {
		if strings.HasPrefix(e.Field, "evidence") {
			p.Form.Errors[i].Field = "evidence"
		}
	}
	return s.renderAdmin(c, formFailStatus(err), "award-new", *p)
}
