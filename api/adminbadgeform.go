package api

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// A badge's form, to create one or to edit it: the fields the API's
// achievement create and update take, with the public page's preview
// beside it (adminbadgepreview.go). Validation is the service's; the
// form only turns its fields into the service's input.

// badgeForm is the form's values as typed.
type badgeForm struct {
	Name, Description, Criteria, Type, Level, Tags, Validity, Status string
	Repeatable                                                       bool
	Applications                                                     bool     // open to members' applications
	Outcomes                                                         []string // ids
	Alignments                                                       []badges.Alignment

	GrantsLeadership bool // holders may endorse and nominate others
}

type badgeFormPage struct {
	adminPage
	Badge       *badges.Achievement // nil for a new badge
	NextVersion int                 // the version a change to an active badge makes
	In          badgeForm
	Form        formState
	Types       []choice
	Statuses    []choice
	Outcomes    []outcomeChoice
	Alignments  []badges.Alignment // those typed, and blank rows to add more
	Criteria    template.HTML      // the criteria's preview, when asked for without JavaScript
	Action      string             // where the form posts
	PreviewSrc  string             // the public page's preview, in its frame
}

// outcomeChoice is one of the community's outcomes, as a checkbox.
type outcomeChoice struct {
	ID, Name string
	Checked  bool
}

// blankAlignments is how many empty alignment rows the form offers.
const blankAlignments = 2

// readBadgeForm reads the form's fields.
func readBadgeForm(c echo.Context) (badgeForm, error) {
	if _, err := c.FormParams(); err != nil {
		return badgeForm{}, err
	}
	f := badgeForm{Name: c.FormValue("name"), Description: c.FormValue("description"), Criteria: c.FormValue("criteria"),
		Type: c.FormValue("achievementType"), Level: strings.TrimSpace(c.FormValue("level")), Tags: c.FormValue("tags"),
		Validity: strings.TrimSpace(c.FormValue("validityDays")), Status: c.FormValue("status"),
		Repeatable: c.FormValue("repeatable") == "yes", Applications: c.FormValue("applications") == "yes", GrantsLeadership: c.FormValue("grantsLeadership") == "yes"}
	form := c.Request().Form
	f.Outcomes = form["outcomes"]
	names, urls, frameworks, codes := form["alignmentName"], form["alignmentUrl"], form["alignmentFramework"], form["alignmentCode"]
	for i := range names {
		al := badges.Alignment{TargetName: strings.TrimSpace(names[i]), TargetURL: strings.TrimSpace(at(urls, i)),
			TargetFramework: strings.TrimSpace(at(frameworks, i)), TargetCode: strings.TrimSpace(at(codes, i))}
		if al != (badges.Alignment{}) {
			f.Alignments = append(f.Alignments, al)
		}
	}
	return f, nil
}

// at is list[i], or "" past its end.
func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// tags are the form's comma-separated tags.
func (f badgeForm) tags() []string {
	var out []string
	for _, t := range strings.Split(f.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// validityDays reads the validity: empty is forever.
func (f badgeForm) validityDays() (int, error) {
	if f.Validity == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(f.Validity)
	if err != nil {
		return 0, badges.FieldErrorf("validityDays", "Validity must be a whole number of days, such as 365; leave it empty for a badge that never expires.")
	}
	return n, nil
}

// update is the form as the service's update: every field it shows.
func (f badgeForm) update() (badges.AchievementUpdate, error) {
	days, err := f.validityDays()
	if err != nil {
		return badges.AchievementUpdate{}, err
	}
	tags, als := f.tags(), slices.Clone(f.Alignments)
	if als == nil {
		als = []badges.Alignment{}
	}
	return badges.AchievementUpdate{Name: &f.Name, Description: &f.Description, Criteria: &f.Criteria,
		AchievementType: &f.Type, Tags: &tags, Alignments: &als, Level: &f.Level, ValidityDays: &days, Repeatable: &f.Repeatable,
		Applications: &f.Applications, GrantsLeadership: &f.GrantsLeadership}, nil
}

// formOf is a badge's values in the form.
func formOf(a *badges.Achievement) badgeForm {
	f := badgeForm{Name: a.Name, Description: a.Description, Criteria: a.Criteria, Type: a.AchievementType, Level: a.Level,
		Tags: strings.Join(a.Tags, ", "), Status: string(a.Status), Repeatable: a.Repeatable, Alignments: a.Alignments,
		Applications: a.Applications, GrantsLeadership: a.GrantsLeadership}
	if a.ValidityDays > 0 {
		f.Validity = strconv.Itoa(a.ValidityDays)
	}
	for _, o := range a.Outcomes {
		f.Outcomes = append(f.Outcomes, o.ID)
	}
	return f
}

// badgeFormPageFor is the form's page for a new badge (a nil) or a
// badge, with the values in f.
func (s *Server) badgeFormPageFor(c echo.Context, a *badges.Achievement, f badgeForm) (badgeFormPage, error) {
	v := visitOf(c)
	p := badgeFormPage{Badge: a, In: f, Alignments: append(slices.Clone(f.Alignments), make([]badges.Alignment, blankAlignments)...)}
	if a == nil {
		p.adminPage = s.adminPageFor(c, v, "New badge", "badges")
		p.Action, p.PreviewSrc = p.Base()+"/badges/new", p.Base()+"/badges/preview"
	} else {
		p.adminPage = s.adminPageFor(c, v, "Edit "+a.Name, "badges")
		p.NextVersion = a.Version + 1
		p.Action, p.PreviewSrc = p.Base()+"/badges/"+a.ID+"/edit", p.Base()+"/badges/preview?badge="+a.ID
	}
	for _, t := range badges.AchievementTypes {
		p.Types = append(p.Types, choice{Value: t, Label: t, Selected: t == f.Type || f.Type == "" && t == "Badge"})
	}
	p.Statuses = []choice{{Value: "draft", Label: "Draft: not public, not awarded yet", Selected: f.Status != "active"},
		{Value: "active", Label: "Active: public, and awarded from now on", Selected: f.Status == "active"}}
	outcomes, err := s.svc.Outcomes.List(c.Request().Context(), v.Community.ID)
	if err != nil {
		return p, err
	}
	for _, o := range outcomes {
		checked := slices.Contains(f.Outcomes, o.ID)
		if o.Status == badges.OutcomeActive || checked {
			p.Outcomes = append(p.Outcomes, outcomeChoice{ID: o.ID, Name: o.Name, Checked: checked})
		}
	}
	return p, nil
}

// handleBadgeNewPage is the form for a new badge.
func (s *Server) handleBadgeNewPage(c echo.Context) error {
	p, err := s.badgeFormPageFor(c, nil, badgeForm{Type: "Badge", Status: "draft"})
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "badgeform", p)
}

// handleBadgeCreate creates a badge, as POST …/achievements does.
func (s *Server) handleBadgeCreate(c echo.Context) error {
	f, err := readBadgeForm(c)
	if err != nil {
		return s.readFailure(c, err, "form")
	}
	if c.FormValue("action") == "preview" {
		return s.badgeFormAgain(c, nil, f, nil)
	}
	a, err := s.createBadge(c.Request().Context(), visitOf(c).Community.ID, f)
	if err != nil {
		return s.badgeFormAgain(c, nil, f, err)
	}
	s.forgetAchievement(a)
	return s.redirectDone(c, "/admin/c/"+a.IssuerID+"/badges/"+a.ID, a.Name+" is saved as "+string(a.Status)+". Next, give it a rule, or award it by hand.")
}

// createBadge turns the form into the service's input and creates it.
func (s *Server) createBadge(ctx context.Context, issuerID string, f badgeForm) (*badges.Achievement, error) {
	u, err := f.update()
	if err != nil {
		return nil, err
	}
	in := badges.AchievementInput{Name: *u.Name, Description: *u.Description, Criteria: *u.Criteria, AchievementType: *u.AchievementType,
		Tags: *u.Tags, Alignments: *u.Alignments, Level: *u.Level, ValidityDays: *u.ValidityDays, Repeatable: *u.Repeatable,
		Status: badges.AchievementStatus(f.Status), Applications: *u.Applications, GrantsLeadership: u.GrantsLeadership}
	if in.Outcomes, err = s.svc.Outcomes.Resolve(ctx, issuerID, "outcomes", f.Outcomes, nil); err != nil {
		return nil, err
	}
	return s.svc.Achievements.CreateAchievement(ctx, issuerID, in)
}

// handleBadgeEditPage is the form for a badge.
func (s *Server) handleBadgeEditPage(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	p, err := s.badgeFormPageFor(c, a, formOf(a))
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "badgeform", p)
}

// handleBadgeUpdate saves the form, as PATCH …/achievements/:id does: a
// change to an active badge makes a new version.
func (s *Server) handleBadgeUpdate(c echo.Context) error {
	was, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	f, err := readBadgeForm(c)
	if err != nil {
		return s.readFailure(c, err, "form")
	}
	if c.FormValue("action") == "preview" {
		return s.badgeFormAgain(c, was, f, nil)
	}
	ctx := c.Request().Context()
	u, err := f.update()
	if err == nil {
		var refs []badges.OutcomeRef
		if refs, err = s.svc.Outcomes.Resolve(ctx, was.IssuerID, "outcomes", f.Outcomes, was.Outcomes); err == nil {
			u.Outcomes = &refs
		}
	}
	var a *badges.Achievement
	if err == nil {
		a, err = s.svc.Achievements.UpdateAchievement(ctx, was.ID, u)
	}
	if err != nil {
		return s.badgeFormAgain(c, was, f, err)
	}
	s.forgetAchievement(a)
	msg := a.Name + " is saved."
	if a.Version != was.Version {
		msg = a.Name + " is saved as version " + strconv.Itoa(a.Version) + "; credentials already issued keep the version they were issued under."
	}
	return s.redirectDone(c, "/admin/c/"+a.IssuerID+"/badges/"+a.ID, msg)
}

// badgeFormAgain shows the form again with the values as typed: with
// err beside its field, or, when err is nil, with the criteria's preview.
func (s *Server) badgeFormAgain(c echo.Context, a *badges.Achievement, f badgeForm, err error) error {
	if err != nil && !isFormError(err) {
		return err
	}
	p, perr := s.badgeFormPageFor(c, a, f)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	switch {
	case err == nil:
		p.Criteria = renderMarkdown(f.Criteria)
	case badges.ErrorCode(err) == badges.ECONFLICT:
		status = http.StatusConflict
		p.Form.fail(err, "name")
	default:
		status = http.StatusBadRequest
		p.Form.fail(err, "name")
	}
	p.Form.Errors = formFields(p.Form.Errors)
	return s.renderAdmin(c, status, "badgeform", p)
}

// formFields puts an error about one alignment's part on the alignments'
// fieldset, which is where the form shows them.
func formFields(errs []fieldError) []fieldError {
	for i := range errs {
		if strings.HasPrefix(errs[i].Field, "alignments") {
			errs[i].Field = "alignments"
		}
	}
	return errs
}

// handleCriteriaPreview renders criteria as the public page does: htmx
// swaps the answer in beside the criteria as they are typed.
func (s *Server) handleCriteriaPreview(c echo.Context) error {
	return s.renderAdminPart(c, "badgeform", "criteriapreview", renderMarkdown(c.FormValue("criteria")))
}
