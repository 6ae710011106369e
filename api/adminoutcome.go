package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The Outcomes & measures page: the outcomes a community works towards
// (which badges align to and whose public pages credentials link to) and
// its measures of success with their history. Outcomes are created,
// edited and archived through the same Outcomes service as the API, and
// achievements saved again for a new name are forgotten by the same
// updateOutcome path's cache.

type outcomesPage struct {
	adminPage
	Outcomes   []outcomeRow
	Measures   []measureView
	More       []*badges.Measure  // past outcomeMeasuresDrawn: listed, not drawn
	Behaviours []badges.Behaviour // the catalogue, for the forms' choices
	Outcome    outcomeForm        // the new outcome, as typed
	Measure    measureForm        // the new measure, as typed
	Choices    measureChoices
	Form       formState // the outcome form's
	MForm      formState // the measure form's

	// On an outcome's or a measure's own page (the same template), the
	// one edited, and whether its deletion is being confirmed.
	Editing       string // "", "outcome" or "measure"
	EditedOutcome *outcomeRow
	OutcomeStatus string // as chosen
	EditedMeasure *badges.Measure
	Confirm       bool
}

// fieldsOf bundles a form's values, choices and errors for a template part.
type fieldsOf[F any] struct {
	F          F
	Choices    measureChoices
	Behaviours []badges.Behaviour
	State      formState
}

// MeasureFields and OutcomeFields are what the forms' parts draw.
func (p outcomesPage) MeasureFields() fieldsOf[measureForm] {
	return fieldsOf[measureForm]{F: p.Measure, Choices: p.Choices, State: p.MForm}
}

func (p outcomesPage) OutcomeFields() fieldsOf[outcomeForm] {
	return fieldsOf[outcomeForm]{F: p.Outcome, Behaviours: p.Behaviours, State: p.Form}
}

// outcomeRow is an outcome with its behaviours named and its public page.
type outcomeRow struct {
	*badges.Outcome
	BehaviourNames []string
	PublicURL      string
}

// outcomeForm is an outcome's form as typed.
type outcomeForm struct {
	Name, Description string
	Behaviours        []string
}

// Has reports whether the form lists a behaviour, for its checkbox.
func (f outcomeForm) Has(key string) bool { return slices.Contains(f.Behaviours, key) }

// outcomeMeasureHistory is how many periods the page draws of each
// measure (half as many months); outcomeMeasuresDrawn bounds the measures
// drawn, each history being a read of every week it spans.
const (
	outcomeMeasureHistory = 12
	outcomeMeasuresDrawn  = 12
)

// handleOutcomesPage lists outcomes and measures.
func (s *Server) handleOutcomesPage(c echo.Context) error {
	return s.renderOutcomes(c, http.StatusOK, outcomesPage{}, nil, nil)
}

// renderOutcomes draws the page with p's forms and a failure of either.
func (s *Server) renderOutcomes(c echo.Context, status int, p outcomesPage, outcomeErr, measureErr error) error {
	ctx := c.Request().Context()
	v := visitOf(c)
	p.adminPage = s.adminPageFor(c, v, "Outcomes & measures", "outcomes")
	var err error
	if p.Outcomes, p.Behaviours, err = s.outcomeRows(ctx, v.Community.ID); err != nil {
		return err
	}
	ms, err := s.svc.Measures.List(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	if p.Measures, err = s.measureViews(ctx, ms, outcomeMeasuresDrawn, outcomeMeasureHistory, true); err != nil {
		return err
	}
	p.More = ms[len(p.Measures):]
	if p.Choices, err = s.measureChoices(ctx, v.Community.ID, p.Behaviours); err != nil {
		return err
	}
	if outcomeErr != nil {
		p.Form.fail(outcomeErr, "name")
	}
	if measureErr != nil {
		p.MForm.fail(measureErr, "m-name")
	}
	return s.renderAdmin(c, status, "outcomes", p)
}

// outcomeRows are the community's outcomes, named, and its behaviours.
func (s *Server) outcomeRows(ctx context.Context, issuerID string) ([]outcomeRow, []badges.Behaviour, error) {
	list, err := s.svc.Outcomes.List(ctx, issuerID)
	if err != nil {
		return nil, nil, err
	}
	bs, err := s.svc.Catalogue.Behaviours(ctx, issuerID)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, b := range bs {
		names[b.Key] = b.Name
	}
	rows := make([]outcomeRow, len(list))
	for i, o := range list {
		rows[i] = outcomeRow{Outcome: o, PublicURL: s.urls.Outcome(o.ID)}
		for _, k := range o.Behaviours {
			rows[i].BehaviourNames = append(rows[i].BehaviourNames, nameOr(names, k))
		}
	}
	return rows, bs, nil
}

// outcomeFormOf reads an outcome's form.
func outcomeFormOf(c echo.Context) (outcomeForm, error) {
	f := outcomeForm{Name: c.FormValue("name"), Description: c.FormValue("description")}
	form, err := c.FormParams()
	if err != nil {
		return f, badges.FieldErrorf("name", "The form could not be read.")
	}
	f.Behaviours = form["behaviours"]
	return f, nil
}

// handleOutcomeCreatePage creates an outcome.
func (s *Server) handleOutcomeCreatePage(c echo.Context) error {
	f, err := outcomeFormOf(c)
	if err == nil {
		_, err = s.svc.Outcomes.Create(c.Request().Context(), visitOf(c).Community.ID,
			badges.OutcomeInput{Name: f.Name, Description: f.Description, Behaviours: f.Behaviours})
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderOutcomes(c, statusOfFormError(err), outcomesPage{Outcome: f}, err, nil)
	}
	return s.redirectDone(c, visitOf(c).adminBase()+"/outcomes", f.Name+" is created.")
}
