package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// A measure's form, on the Outcomes & measures page (new) and on its own
// page (edit, delete), through the same Measures service as the API. Its
// fields are named "m-…" so that they never clash with the outcome form's
// on the same page.

// measureForm is a measure's form as typed.
type measureForm struct {
	Name, Description, Kind, Period, Target, Cohort string
	Behaviours, Achievements                        []string
}

// HasBehaviour and HasBadge say whether a checkbox is ticked.
func (f measureForm) HasBehaviour(k string) bool { return slices.Contains(f.Behaviours, k) }
func (f measureForm) HasBadge(id string) bool    { return slices.Contains(f.Achievements, id) }

// measureChoices are the choices of a measure's form.
type measureChoices struct {
	Behaviours []badges.Behaviour
	Badges     []namedJSON
	Cohorts    []*badges.Cohort
}

// Kinds, Periods and CohortChoices are the form's selects, f's choice
// selected.
func (f measureForm) Kinds() []choice {
	return selected(f.Kind, []choice{{Value: string(badges.MeasureActivity), Label: "Activities (of chosen behaviours, or all)"},
		{Value: string(badges.MeasureActiveMembers), Label: "Active members"},
		{Value: string(badges.MeasureReturningMembers), Label: "Returning members (active this period and the one before)"},
		{Value: string(badges.MeasureAwards), Label: "Awards (of chosen badges, or all)"}})
}

func (f measureForm) Periods() []choice {
	return selected(f.Period, []choice{{Value: string(badges.MeasureWeekly), Label: "Each week"}, {Value: string(badges.MeasureMonthly), Label: "Each month"}})
}

func (f measureForm) CohortChoices(cs []*badges.Cohort) []choice {
	out := []choice{{Value: "", Label: "The whole community"}}
	for _, c := range cs {
		out = append(out, choice{Value: c.ID, Label: c.Name})
	}
	return selected(f.Cohort, out)
}

// selected marks the choice whose value is v.
func selected(v string, cs []choice) []choice {
	for i := range cs {
		cs[i].Selected = cs[i].Value == v
	}
	return cs
}

// measureChoices reads what a measure may count: the catalogue's
// behaviours (given), the badges and the active cohorts.
func (s *Server) measureChoices(ctx context.Context, issuerID string, bs []badges.Behaviour) (measureChoices, error) {
	ch := measureChoices{Behaviours: bs}
	all, err := s.allAchievements(ctx, issuerID)
	if err != nil {
		return ch, err
	}
	for _, a := range all {
		ch.Badges = append(ch.Badges, namedJSON{ID: a.ID, Name: a.Name})
	}
	ch.Cohorts, err = s.svc.Cohorts.List(ctx, issuerID, new(bool))
	return ch, err
}

// measureFormOf reads a measure's form.
func measureFormOf(c echo.Context) (measureForm, error) {
	form, err := c.FormParams()
	if err != nil {
		return measureForm{}, badges.FieldErrorf("m-name", "The form could not be read.")
	}
	return measureForm{Name: form.Get("m-name"), Description: form.Get("m-description"), Kind: form.Get("m-kind"),
		Period: form.Get("m-period"), Target: strings.TrimSpace(form.Get("m-target")), Cohort: form.Get("m-cohort"),
		Behaviours: form["m-behaviours"], Achievements: form["m-achievements"]}, nil
}

// update is the form as a change of every field.
func (f measureForm) update() (badges.MeasureUpdate, error) {
	target, err := strconv.Atoi(f.Target)
	if err != nil {
		return badges.MeasureUpdate{}, badges.FieldErrorf("m-target", "Target must be a whole number, e.g. 40.")
	}
	kind, period := badges.MeasureKind(f.Kind), badges.MeasurePeriod(f.Period)
	return badges.MeasureUpdate{Name: &f.Name, Description: &f.Description, Kind: &kind, Period: &period, Target: &target,
		Cohort: &f.Cohort, Behaviours: &f.Behaviours, Achievements: &f.Achievements}, nil
}

// measureFieldError names the form's field for a service error about one
// of a measure's fields.
func measureFieldError(err error) error {
	if f := badges.ErrorField(err); f != "" && !strings.HasPrefix(f, "m-") {
		return onField(err, "m-"+f)
	}
	return err
}

// handleMeasureCreatePage defines a measure.
func (s *Server) handleMeasureCreatePage(c echo.Context) error {
	f, err := measureFormOf(c)
	var u badges.MeasureUpdate
	if err == nil {
		u, err = f.update()
	}
	if err == nil {
		in := badges.MeasureInput{Name: f.Name, Description: f.Description, Kind: *u.Kind, Period: *u.Period, Target: *u.Target,
			Cohort: f.Cohort, Behaviours: f.Behaviours, Achievements: f.Achievements}
		_, err = s.svc.Measures.Create(c.Request().Context(), visitOf(c).Community.ID, in)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderOutcomes(c, statusOfFormError(err), outcomesPage{Measure: f}, nil, measureFieldError(err))
	}
	return s.redirectDone(c, visitOf(c).adminBase()+"/outcomes", f.Name+" is defined: its history is drawn from the counters kept so far.")
}

// communityMeasure is the measure the path names, of the visited community.
func (s *Server) communityMeasure(c echo.Context) (*badges.Measure, error) {
	return communityThing(c, "measure", c.Param("measure"), s.svc.Measures.Measure, func(m *badges.Measure) string { return m.IssuerID })
}

// handleMeasurePage shows a measure's form (edit) or, at …/delete, asks
// before deleting it.
func (s *Server) handleMeasurePage(confirm bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		m, err := s.communityMeasure(c)
		if err != nil {
			return err
		}
		f := measureForm{Name: m.Name, Description: m.Description, Kind: string(m.Kind), Period: string(m.Period),
			Target: strconv.Itoa(m.Target), Cohort: m.Cohort, Behaviours: m.Behaviours, Achievements: m.Achievements}
		return s.renderMeasure(c, http.StatusOK, m, f, confirm, nil)
	}
}

// renderMeasure draws a measure's own page: its form as f, or the
// confirmation of its deletion.
func (s *Server) renderMeasure(c echo.Context, status int, m *badges.Measure, f measureForm, confirm bool, failed error) error {
	ctx := c.Request().Context()
	p := outcomesPage{adminPage: s.adminPageFor(c, visitOf(c), m.Name, "outcomes"), Editing: "measure", EditedMeasure: m, Measure: f, Confirm: confirm}
	bs, err := s.svc.Catalogue.Behaviours(ctx, m.IssuerID)
	if err != nil {
		return err
	}
	if p.Choices, err = s.measureChoices(ctx, m.IssuerID, bs); err != nil {
		return err
	}
	if failed != nil {
		p.MForm.fail(failed, "m-name")
	}
	return s.renderAdmin(c, status, "outcomes", p)
}

// handleMeasureEdit saves a measure's form.
func (s *Server) handleMeasureEdit(c echo.Context) error {
	m, err := s.communityMeasure(c)
	if err != nil {
		return err
	}
	f, err := measureFormOf(c)
	var u badges.MeasureUpdate
	if err == nil {
		u, err = f.update()
	}
	if err == nil {
		_, err = s.svc.Measures.Update(c.Request().Context(), m.ID, u)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderMeasure(c, statusOfFormError(err), m, f, false, measureFieldError(err))
	}
	return s.redirectDone(c, visitOf(c).adminBase()+"/outcomes", f.Name+" is saved.")
}

// handleMeasureDeleteDone deletes a measure: only its definition goes,
// the counters it was computed from stay.
func (s *Server) handleMeasureDeleteDone(c echo.Context) error {
	m, err := s.communityMeasure(c)
	if err != nil {
		return err
	}
	if err := s.svc.Measures.Delete(c.Request().Context(), m.ID); err != nil {
		return err
	}
	return s.redirectDone(c, visitOf(c).adminBase()+"/outcomes", m.Name+" is deleted.")
}
