package api

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type quietPage struct {
	adminPage
	Cohort  *badges.Cohort
	Cohorts []*badges.Cohort
	Weeks   int
	Members []quietRow
	Pager   pager
}

// quietRow is a quiet member, with the week of their last activity named
// by the day it starts.
type quietRow struct {
	badges.QuietMember
	LastWeek string
}

// handleQuietPage lists the members who were active and have done nothing
// for the last weeks (Measures.Quiet, as the API's /quiet-members): who
// may need a word. With ?cohort=, only the cohort's members.
func (s *Server) handleQuietPage(c echo.Context) error {
	ctx := c.Request().Context()
	v := visitOf(c)
	p := quietPage{adminPage: s.adminPageFor(c, v, "Members gone quiet", "dashboard"), Weeks: badges.DefaultQuietWeeks}
	o, from, err := spanListOptions(c)
	if err != nil {
		return err
	}
	if p.Cohorts, err = s.svc.Cohorts.List(ctx, v.Community.ID, new(bool)); err != nil {
		return err
	}
	ref := ""
	if q := c.QueryParam("cohort"); q != "" {
		if p.Cohort, err = s.svc.Cohorts.Resolve(ctx, v.Community.ID, q); err != nil {
			return err
		}
		ref = p.Cohort.ID
	}
	in, _, err := s.cohortScope(ctx, v.Community.ID, ref)
	if err != nil {
		return err
	}
	page, err := s.svc.Measures.Quiet(ctx, v.Community.ID, p.Weeks, in, o)
	if err != nil {
		return err
	}
	for _, q := range page.Items {
		p.Members = append(p.Members, quietRow{QuietMember: q, LastWeek: s.periodLabel(q.LastActive)})
	}
	p.Pager = newPager(listURL(p.Base()+"/quiet-members", url.Values{"cohort": {ref}}), "from", from, len(page.Items), page.Total, page.NextCursor)
	return s.renderAdmin(c, http.StatusOK, "dashboard-quiet", p)
}
