package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// The Awards section: the community's credentials, filtered as the API's
// credential list filters them (the same service call), each linked to
// its console page, its member's and its public page.

type awardsPage struct {
	adminPage
	Form      formState
	Filter    awardsFilter
	Badges    []choice // the badge filter's options
	Statuses  []awardChip
	Member    string // the name of the member filtered on, if any
	Rows      []awardRow
	Pager     pager
	Filtered  bool // some filter is set: the empty state says so
	ClearLink string
	// MemberClear is the list with the same filters but the member's.
	MemberClear string
}

// awardsFilter is the list's filters as the query names them.
type awardsFilter struct {
	Member, Achievement, Status, From, To string
}

// query is the filter as query parameters, with status set to status.
func (f awardsFilter) query(status string) url.Values {
	q := url.Values{}
	for name, v := range map[string]string{"member": f.Member, "achievement": f.Achievement, "status": status, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(name, v)
		}
	}
	return q
}

// awardChip is one status chip: a link to the list with that status.
type awardChip struct {
	Label, Link string
	Current     bool
}

// awardRow is one credential as the list shows it.
type awardRow struct {
	ID, Badge, Member, MemberID string
	Awarded                     string // in words
	Status                      issuer.CredentialStatus
}

// handleAwardsPage lists the community's credentials, newest first.
func (s *Server) handleAwardsPage(c echo.Context) error {
	v := visitOf(c)
	p := awardsPage{adminPage: s.adminPageFor(c, v, "Awards", "awards")}
	p.Filter = awardsFilter{Member: c.QueryParam("member"), Achievement: c.QueryParam("achievement"),
		Status: c.QueryParam("status"), From: c.QueryParam("from"), To: c.QueryParam("to")}
	p.Filtered = p.Filter != awardsFilter{}
	p.ClearLink = p.Base() + "/awards"
	noMember := p.Filter
	noMember.Member = ""
	p.MemberClear = awardsLink(p.ClearLink, noMember.query(noMember.Status))
	p.Statuses = awardChips(p.Base()+"/awards", p.Filter)
	var err error
	if p.Badges, err = s.badgeChoices(c, v.Community.ID, "", p.Filter.Achievement); err != nil {
		return err
	}
	list, err := s.awardsList(c, v.Community.ID)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p.Form.fail(err, "from")
		return s.renderAdmin(c, http.StatusBadRequest, "awards", p)
	}
	if p.Filter.Member != "" {
		// The service has checked the member is the community's.
		if m, err := s.svc.Members.Member(c.Request().Context(), p.Filter.Member); err == nil {
			p.Member = m.DisplayName
		}
	}
	for _, it := range list.Items {
		p.Rows = append(p.Rows, awardRow{ID: it.ID, Badge: it.AchievementName, Member: it.MemberName, MemberID: it.MemberID,
			Awarded: dayOf(it.AwardedAt), Status: it.Status})
	}
	p.Pager = awardsPagerOf(c, p.Base()+"/awards", p.Filter, list.Total, len(list.Items), list.NextCursor)
	return s.renderAdmin(c, http.StatusOK, "awards", p)
}

// awardsList reads the list's query as the API's credential list does,
// and asks the same service for the page.
func (s *Server) awardsList(c echo.Context, issuerID string) (*badges.Page[*issuer.CredentialSummary], error) {
	o, err := listParams(c)
	if err != nil {
		return nil, err
	}
	f := issuer.CredentialFilter{IssuerID: issuerID, MemberID: c.QueryParam("member"), AchievementID: c.QueryParam("achievement"),
		Status: issuer.CredentialStatus(c.QueryParam("status")), At: s.now(), ListOptions: o}
	if f.From, err = dateParam(c, "from", false); err != nil {
		return nil, err
	}
	if f.To, err = dateParam(c, "to", true); err != nil {
		return nil, err
	}
	return s.svc.Issuing.Credentials(c.Request().Context(), f)
}

// awardChips are the status filters: all, active, revoked, expired.
func awardChips(base string, f awardsFilter) []awardChip {
	var out []awardChip
	for _, st := range []string{"", string(issuer.CredentialActive), string(issuer.CredentialRevoked), string(issuer.CredentialExpired)} {
		label := capital(st)
		if st == "" {
			label = "All"
		}
		out = append(out, awardChip{Label: label, Link: awardsLink(base, f.query(st)), Current: f.Status == st})
	}
	return out
}

// awardsPagerOf is the pager of a page of n credentials of total: its
// links keep the filters and a limit given, and count rows by "start".
func awardsPagerOf(c echo.Context, base string, f awardsFilter, total, n int, next string) pager {
	start, err := strconv.Atoi(c.QueryParam("start"))
	if err != nil || start < 1 || start > total {
		start = 1
	}
	q := f.query(f.Status)
	if l := c.QueryParam("limit"); l != "" {
		q.Set("limit", l)
	}
	return newPager(url.URL{Path: base, RawQuery: q.Encode()}, "start", start, n, total, next)
}

// awardsLink is path with the query q, if any.
func awardsLink(path string, q url.Values) string {
	if enc := q.Encode(); enc != "" {
		return path + "?" + enc
	}
	return path
}

// badgeChoices are the community's badges as a select's options, the
// first saying "none" (empty when none is given); only those of status
// when it is set. The badge chosen is selected.
func (s *Server) badgeChoices(c echo.Context, issuerID string, status badges.AchievementStatus, chosen string) ([]choice, error) {
	list, err := s.svc.Achievements.Achievements(c.Request().Context(),
		badges.AchievementFilter{IssuerID: issuerID, Status: status, ListOptions: badges.ListOptions{Limit: badges.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	out := []choice{{Value: "", Label: "Any badge", Selected: chosen == ""}}
	if status != "" {
		out[0].Label = "Choose a badge"
	}
	for _, a := range list.Items {
		out = append(out, choice{Value: a.ID, Label: a.Name, Selected: a.ID == chosen})
	}
	return out, nil
}

// maxFlash is the longest message a page passes on (takeFlash drops
// longer ones): long names make some messages longer.
const maxFlash = 300

// fitFlash is msg, or short when msg is too long to pass on.
func fitFlash(msg, short string) string {
	if len(msg) > maxFlash {
		return short
	}
	return msg
}

// formFailStatus is the status of a form shown again with err.
func formFailStatus(err error) int {
	switch badges.ErrorCode(err) {
	case badges.ECONFLICT:
		return http.StatusConflict
	case badges.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}
