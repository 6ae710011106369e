package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The console's members pages: the list with its search, a member's
// page, the forms that add, change and remove members, and the CSV
// import. They call the member services the API's member routes call.

// membersPerPage is how many members a page of the list shows.
const membersPerPage = 50

type membersPage struct {
	adminPage
	Query   string       // the search as typed
	Cohort  string       // the cohort chip chosen, by id
	Cohorts []memberChip // the cohorts to filter by
	Rows    []memberRow
	Pager   pager
}

// memberChip is one filter of the list.
type memberChip struct {
	ID, Name string
	Current  bool
}

// memberRow is one member as the list shows them.
type memberRow struct {
	*badges.Member
	Held       int    // badges held: credentials not revoked
	ProfileURL string // the public profile, only with consent
}

// memberPageOffset reads the "from" of a paged console list: where the page
// starts, for the pager to count from (1 when not given).
func memberPageOffset(c echo.Context) (int, error) {
	v := c.QueryParam("from")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badges.FieldErrorf("from", "The query parameter \"from\" must be a whole number from 1, not %q.", v)
	}
	if c.QueryParam("cursor") == "" {
		return 0, nil // the first page starts at 1, whatever it says
	}
	return n - 1, nil
}

// handleMembersPage lists a community's members, a page at a time,
// searched by name or e-mail address or filtered by cohort. An htmx
// search (as the manager types) gets the results part alone.
func (s *Server) handleMembersPage(c echo.Context) error {
	v := visitOf(c)
	p := membersPage{adminPage: s.adminPageFor(c, v, "Members", "members"),
		Query: strings.TrimSpace(c.QueryParam("q")), Cohort: c.QueryParam("cohort")}
	skip, err := memberPageOffset(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if p.Cohorts, err = s.memberChips(ctx, v.Community.ID, p.Cohort); err != nil {
		return err
	}
	o := badges.ListOptions{Limit: membersPerPage, Cursor: c.QueryParam("cursor")}
	var page *badges.Page[*badges.Member]
	if p.Cohort != "" {
		var co *badges.Cohort
		if co, err = s.communityCohortByID(c, p.Cohort); err == nil {
			page, err = s.cohortMembers(ctx, co.ID, o)
		}
	} else {
		page, err = s.findMembers(ctx, v.Community.ID, p.Query, o)
	}
	if err != nil {
		return err
	}
	if p.Rows, err = s.memberRows(ctx, page.Items); err != nil {
		return err
	}
	base := url.URL{Path: p.Base() + "/members"}
	base.RawQuery = membersQuery(p.Query, p.Cohort).Encode()
	p.Pager = newPager(base, "from", skip+1, len(page.Items), page.Total, page.NextCursor)
	if c.Request().Header.Get("HX-Target") == "member-results" && c.Request().Header.Get("HX-History-Restore-Request") == "" {
		return s.renderAdminPart(c, "members", "results", p)
	}
	return s.renderAdmin(c, http.StatusOK, "members", p)
}

// membersQuery is the list's filters as a query.
func membersQuery(q, cohort string) url.Values {
	out := url.Values{}
	if q != "" {
		out.Set("q", q)
	}
	if cohort != "" {
		out.Set("cohort", cohort)
	}
	return out
}

// cohortMembers is a page of a cohort's members, as the API's cohort
// member list pages them.
func (s *Server) cohortMembers(ctx context.Context, cohortID string, o badges.ListOptions) (*badges.Page[*badges.Member], error) {
	ids, err := s.svc.Cohorts.CohortMembers(ctx, cohortID)
	if err != nil {
		return nil, err
	}
	p, err := badges.Paginate(ids, func(id string) string { return id }, o)
	if err != nil {
		return nil, err
	}
	out := &badges.Page[*badges.Member]{Total: p.Total, NextCursor: p.NextCursor}
	for _, id := range p.Items {
		m, err := s.svc.Members.Member(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue // deleted since it joined
		}
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, m)
	}
	return out, nil
}

// memberChips are the community's cohorts not archived, as filters.
func (s *Server) memberChips(ctx context.Context, issuerID, current string) ([]memberChip, error) {
	archived := false
	cs, err := s.svc.Cohorts.List(ctx, issuerID, &archived)
	if err != nil {
		return nil, err
	}
	out := make([]memberChip, 0, len(cs))
	for _, co := range cs {
		out = append(out, memberChip{ID: co.ID, Name: co.Name, Current: co.ID == current})
	}
	return out, nil
}

// memberShowcaseReaders bounds the showcases a page of the list reads at once.
const memberShowcaseReaders = 8

// memberRows adds to each member the badges they hold, from their
// showcases: one computed document each, read by id, several at once
// (on the embedded engine a read that misses the cache waits for the
// database, and a page of fifty in turn took most of the page's time).
func (s *Server) memberRows(ctx context.Context, ms []*badges.Member) ([]memberRow, error) {
	return readEach(ms, memberShowcaseReaders, func(m *badges.Member) (memberRow, error) { return s.memberRow(ctx, m) })
}

// memberRow is a member with the badges they hold: the credentials on
// their showcase, less those revoked.
func (s *Server) memberRow(ctx context.Context, m *badges.Member) (memberRow, error) {
	sc, err := s.svc.Issuing.MemberShowcase(ctx, m.ID)
	if err != nil {
		return memberRow{}, err
	}
	held := sc.Total - len(sc.RevokedUnlisted)
	for _, e := range sc.Entries {
		if e.Revoked {
			held--
		}
	}
	row := memberRow{Member: m, Held: max(held, 0)}
	if m.PublicProfile {
		row.ProfileURL = s.urls.Member(m.Slug)
	}
	return row, nil
}
