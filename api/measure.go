package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Measures defines measures of success, computes their history and finds
// the members who have gone quiet.
type Measures interface {
	Measure(ctx context.Context, id string) (*badges.Measure, error)
	List(ctx context.Context, issuerID string) ([]*badges.Measure, error)
	Create(ctx context.Context, issuerID string, in badges.MeasureInput) (*badges.Measure, error)
	Update(ctx context.Context, id string, u badges.MeasureUpdate) (*badges.Measure, error)
	Delete(ctx context.Context, id string) error
	History(ctx context.Context, id string, periods int) (*badges.Measure, []badges.MeasurePoint, error)
	Quiet(ctx context.Context, issuerID string, weeks int, in func(memberID string) bool, o badges.ListOptions) (*badges.Page[badges.QuietMember], error)
}

type measureRequest struct {
	Name         *string   `json:"name"`
	Description  *string   `json:"description"`
	Kind         *string   `json:"kind"`
	Behaviours   *[]string `json:"behaviours"`
	Achievements *[]string `json:"achievements"`
	Cohort       *string   `json:"cohort"`
	Period       *string   `json:"period"`
	Target       *int      `json:"target"`
}

func (r *measureRequest) update() badges.MeasureUpdate {
	u := badges.MeasureUpdate{Name: r.Name, Description: r.Description, Behaviours: r.Behaviours,
		Achievements: r.Achievements, Cohort: r.Cohort, Target: r.Target}
	if r.Kind != nil {
		k := badges.MeasureKind(*r.Kind)
		u.Kind = &k
	}
	if r.Period != nil {
		p := badges.MeasurePeriod(*r.Period)
		u.Period = &p
	}
	return u
}

type measureJSON struct {
	ID           string      `json:"id"`
	IssuerID     string      `json:"issuerId"`
	Name         string      `json:"name"`
	Description  string      `json:"description,omitempty"`
	Kind         string      `json:"kind"`
	Behaviours   []namedJSON `json:"behaviours"`
	Achievements []namedJSON `json:"achievements"`
	Cohort       string      `json:"cohort,omitempty"`     // the cohort's id
	CohortName   string      `json:"cohortName,omitempty"` // and its name
	Period       string      `json:"period"`
	Target       int         `json:"target"`
	CreatedAt    time.Time   `json:"createdAt"`
	UpdatedAt    time.Time   `json:"updatedAt"`
}

// measureJSON is m with its behaviours, badges and cohort named.
func (s *Server) measureJSON(ctx context.Context, m *badges.Measure) (measureJSON, error) {
	j := measureJSON{ID: m.ID, IssuerID: m.IssuerID, Name: m.Name, Description: m.Description, Kind: string(m.Kind),
		Behaviours: []namedJSON{}, Achievements: []namedJSON{}, Cohort: m.Cohort, Period: string(m.Period), Target: m.Target,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	if len(m.Behaviours) > 0 {
		names, err := s.behaviourNames(ctx, m.IssuerID)
		if err != nil {
			return j, err
		}
		for _, k := range m.Behaviours {
			j.Behaviours = append(j.Behaviours, namedJSON{ID: k, Name: nameOr(names, k)})
		}
	}
	for _, id := range m.Achievements {
		a, err := s.achievement(ctx, id)
		if err != nil {
			return j, err
		}
		j.Achievements = append(j.Achievements, namedJSON{ID: id, Name: a.Name})
	}
	if m.Cohort != "" {
		co, err := s.svc.Cohorts.Cohort(ctx, m.Cohort)
		if err != nil {
			return j, err
		}
		j.CohortName = co.Name
	}
	return j, nil
}

func (s *Server) handleMeasureCreate(c echo.Context) error {
	var req measureRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	u := req.update()
	in := badges.MeasureInput{Name: deref(u.Name), Description: deref(u.Description), Cohort: deref(u.Cohort)}
	setFrom(&in.Kind, u.Kind)
	setFrom(&in.Behaviours, u.Behaviours)
	setFrom(&in.Achievements, u.Achievements)
	setFrom(&in.Period, u.Period)
	setFrom(&in.Target, u.Target)
	ctx := c.Request().Context()
	m, err := s.svc.Measures.Create(ctx, c.Param("issuer"), in)
	if err != nil {
		return err
	}
	j, err := s.measureJSON(ctx, m)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/measures/"+m.ID, j)
}

// setFrom sets *dst to *src when src is given.
func setFrom[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (s *Server) handleMeasureList(c echo.Context) error {
	ctx := c.Request().Context()
	ms, err := s.svc.Measures.List(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	out := listJSON[measureJSON]{Items: []measureJSON{}, Total: len(ms)}
	for _, m := range ms {
		j, err := s.measureJSON(ctx, m)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, j)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleMeasureGet(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := s.svc.Measures.Measure(ctx, c.Param("measure"))
	if err != nil {
		return err
	}
	j, err := s.measureJSON(ctx, m)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

func (s *Server) handleMeasureUpdate(c echo.Context) error {
	var req measureRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := s.svc.Measures.Update(ctx, c.Param("measure"), req.update())
	if err != nil {
		return err
	}
	j, err := s.measureJSON(ctx, m)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

func (s *Server) handleMeasureDelete(c echo.Context) error {
	if err := s.svc.Measures.Delete(c.Request().Context(), c.Param("measure")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type measurePointJSON struct {
	Period  string `json:"period"`
	Value   int    `json:"value"`
	Target  int    `json:"target"`
	Met     bool   `json:"met"`
	Partial bool   `json:"partial"`
}

// handleMeasureHistory answers a measure's value per period against its
// target, as JSON or CSV.
func (s *Server) handleMeasureHistory(c echo.Context) error {
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	periods, err := intParam(c, "periods", badges.DefaultHistoryPeriods)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, points, err := s.svc.Measures.History(ctx, c.Param("measure"), periods)
	if err != nil {
		return err
	}
	if asCSV {
		rows := make([][]string, len(points))
		for i, p := range points {
			rows[i] = []string{m.Name, p.Period, strconv.Itoa(p.Value), strconv.Itoa(p.Target), strconv.FormatBool(p.Met), strconv.FormatBool(p.Partial)}
		}
		return writeCSV(c, "measure-"+m.ID+".csv", []string{"measure", "period", "value", "target", "met", "partial"}, rows)
	}
	j, err := s.measureJSON(ctx, m)
	if err != nil {
		return err
	}
	out := struct {
		Measure measureJSON        `json:"measure"`
		Points  []measurePointJSON `json:"points"`
	}{Measure: j, Points: make([]measurePointJSON, len(points))}
	for i, p := range points {
		out.Points[i] = measurePointJSON(p)
	}
	return c.JSON(http.StatusOK, out)
}

// intParam reads a whole-number query parameter, def when absent; the
// service checks its range and names it.
func intParam(c echo.Context, name string, def int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, badges.FieldErrorf(name, "The query parameter %q must be a whole number.", name)
	}
	return n, nil
}

type quietMemberJSON struct {
	MemberID   string `json:"memberId"`
	Name       string `json:"name"`
	LastActive string `json:"lastActiveWeek"`
	Activities int    `json:"activities"`
}

// handleQuietMembers lists the members who were active and have done
// nothing for the last weeks weeks: who may need support.
func (s *Server) handleQuietMembers(c echo.Context) error {
	weeks, err := intParam(c, "weeks", badges.DefaultQuietWeeks)
	if err != nil {
		return err
	}
	o, err := listParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	in, _, err := s.cohortScope(ctx, c.Param("issuer"), c.QueryParam("cohort"))
	if err != nil {
		return err
	}
	p, err := s.svc.Measures.Quiet(ctx, c.Param("issuer"), weeks, in, o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, func(q badges.QuietMember) quietMemberJSON { return quietMemberJSON(q) }))
}
