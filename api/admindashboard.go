package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The dashboard is a community's measures of success at a glance. It reads
// what GET /api/v1/issuers/:id/stats reads — the weekly counters, the
// pathway funnel and the community's small lists (behaviours, badges,
// measures, cohorts) — and the quiet members from those same counters:
// computed documents by _id, never a scan of members or credentials.

// dashboardWeeks is how many weeks the dashboard's charts span.
const dashboardWeeks = 12

type dashboardPage struct {
	adminPage
	Cohort   *badges.Cohort   // the cohort the numbers are scoped to, or nil
	Cohorts  []*badges.Cohort // the chips
	Headline []headlineNumber
	Charts   []chartView
	Measures []measureView
	Empty    bool // nothing to show yet: first steps instead of charts
	MailOff  bool // e-mail is kept in the outbox, not sent
}

// headlineNumber is one number of the row at the top, linking to its page.
type headlineNumber struct {
	Label, Hint, Link string
	N                 int
}

// handleDashboard is a community's first console page.
func (s *Server) handleDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	v := visitOf(c)
	p := dashboardPage{adminPage: s.adminPageFor(c, v, "Dashboard", "dashboard"), MailOff: s.mailOff()}
	var err error
	if p.Cohorts, err = s.svc.Cohorts.List(ctx, v.Community.ID, new(bool)); err != nil {
		return err
	}
	if ref := c.QueryParam("cohort"); ref != "" {
		if p.Cohort, err = s.svc.Cohorts.Resolve(ctx, v.Community.ID, ref); err != nil {
			return err
		}
	}
	d, err := s.dashboardData(ctx, v.Community.ID, p.Cohort)
	if err != nil {
		return err
	}
	p.Empty = d.members == 0 && d.quiet == 0 && !d.anyActivity()
	if !p.Empty {
		p.Headline = d.headline(p.Base())
		p.Charts = d.charts(p.Base())
		if p.Measures, err = s.measureViews(ctx, d.measures, dashboardMeasures, 2, false); err != nil {
			return err
		}
	}
	return s.renderAdmin(c, http.StatusOK, "dashboard", p)
}

// dashboardData is what the dashboard's numbers and charts are drawn from.
type dashboardData struct {
	now          time.Time
	weeks        []badges.WeekStats // oldest first
	funnel       map[string]int
	achievements []*badges.Achievement // active ones, for the funnel's levels
	behaviours   map[string]string     // names by key
	badgeNames   map[string]string     // names by id
	measures     []*badges.Measure
	cohortID     string // the cohort shown, or ""
	members      int    // in the community, or in the cohort
	quiet        int
}

// dashboardData reads the counters of the community, or of the cohort.
func (s *Server) dashboardData(ctx context.Context, issuerID string, cohort *badges.Cohort) (*dashboardData, error) {
	d := &dashboardData{now: s.now()}
	var err error
	if cohort == nil {
		d.weeks, d.funnel, err = s.svc.Recognition.Counters(ctx, issuerID, dashboardWeeks)
	} else {
		d.cohortID = cohort.ID
		d.weeks, d.funnel, err = s.svc.Recognition.CohortCounters(ctx, issuerID, cohort.ID, dashboardWeeks)
	}
	if err != nil {
		return nil, err
	}
	if d.achievements, err = s.issuerAchievements(ctx, issuerID); err != nil {
		return nil, err
	}
	if d.behaviours, err = s.behaviourNames(ctx, issuerID); err != nil {
		return nil, err
	}
	all, err := s.allAchievements(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	d.badgeNames = make(map[string]string, len(all))
	for _, a := range all {
		d.badgeNames[a.ID] = a.Name
	}
	if d.measures, err = s.svc.Measures.List(ctx, issuerID); err != nil {
		return nil, err
	}
	if err := s.dashboardPeople(ctx, issuerID, cohort, d); err != nil {
		return nil, err
	}
	return d, nil
}

// dashboardPeople counts the members (a computed counter, or the cohort's
// own count) and those gone quiet.
func (s *Server) dashboardPeople(ctx context.Context, issuerID string, cohort *badges.Cohort, d *dashboardData) error {
	ref := ""
	if cohort != nil {
		ref, d.members = cohort.ID, cohort.Members
	} else {
		page, err := s.svc.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, ListOptions: badges.ListOptions{Limit: 1}})
		if err != nil {
			return err
		}
		d.members = page.Total
	}
	in, _, err := s.cohortScope(ctx, issuerID, ref)
	if err != nil {
		return err
	}
	quiet, err := s.svc.Measures.Quiet(ctx, issuerID, badges.DefaultQuietWeeks, in, badges.ListOptions{Limit: 1})
	if err != nil {
		return err
	}
	d.quiet = quiet.Total
	return nil
}

// anyActivity reports whether the weeks counted anything at all.
func (d *dashboardData) anyActivity() bool {
	for _, w := range d.weeks {
		if len(w.Activities) > 0 || len(w.Awards) > 0 {
			return true
		}
	}
	return len(d.funnel) > 0
}

// headline is the row of numbers at the top of the dashboard.
func (d *dashboardData) headline(base string) []headlineNumber {
	thisWeek := d.weeks[len(d.weeks)-1]
	return []headlineNumber{
		{Label: "Members", Hint: "in all", Link: base + "/members", N: d.members},
		{Label: "Active this week", Hint: "members with any activity", Link: base + "/activity", N: len(thisWeek.Members)},
		{Label: "Awards this month", Hint: "badges awarded", Link: base + "/awards", N: d.awardsThisMonth()},
		{Label: "Members gone quiet", Hint: "nothing for " + thousands(badges.DefaultQuietWeeks) + " weeks", Link: base + "/quiet-members", N: d.quiet},
	}
}

// awardsThisMonth adds the awards of the weeks that count in this month:
// those whose Thursday falls in it, as monthly measures count them.
func (d *dashboardData) awardsThisMonth() int {
	month := badges.MonthKey(d.now.UTC())
	inMonth := map[string]bool{}
	for k := range 6 {
		t := d.now.UTC().AddDate(0, 0, -7*k)
		thursday := t.AddDate(0, 0, 3-(int(t.Weekday())+6)%7)
		if badges.MonthKey(thursday) == month {
			inMonth[badges.WeekKey(t)] = true
		}
	}
	n := 0
	for _, w := range d.weeks {
		if inMonth[w.Week] {
			n += sumCounts(w.Awards)
		}
	}
	return n
}

// sumCounts adds every count of m.
func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
