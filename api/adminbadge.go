package api

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The console's Badges pages: the community's badges listed with their
// art, status and holders, and each badge's page with its facts, its
// rule in words, its versions and its re-evaluations. Forms are in
// adminbadgeform.go, the actions on a badge in adminbadgeaction.go.

// badgeListSize is how many badges one page of the list shows.
const badgeListSize = 50

type badgeListPage struct {
	adminPage
	Rows   []badgeRow
	Chips  []badgeChip
	Q      string
	Status string
	All    int // the community's badges, whatever the filters
	Pager  pager
}

// badgeRow is one badge in the list.
type badgeRow struct {
	ID, Name, Level, ImageURL string
	Status                    badges.AchievementStatus
	Holders                   int
	HasRule                   bool
}

// badgeChip is one status filter of the list, with its count.
type badgeChip struct {
	Label, URL string
	N          int
	Current    bool
}

// handleBadgesPage lists the community's badges. A community has tens of
// badges, so they are read at once and filtered, counted and paged here.
func (s *Server) handleBadgesPage(c echo.Context) error {
	v := visitOf(c)
	status, q := c.QueryParam("status"), strings.TrimSpace(c.QueryParam("q"))
	switch badges.AchievementStatus(status) {
	case "", badges.StatusDraft, badges.StatusActive, badges.StatusArchived:
	default:
		return badges.FieldErrorf("status", "The query parameter \"status\" must be draft, active or archived.")
	}
	ctx := c.Request().Context()
	all, err := s.communityBadges(ctx, v.Community.ID)
	if err != nil {
		return err
	}
	p := badgeListPage{adminPage: s.adminPageFor(c, v, "Badges", "badges"), Q: q, Status: status, All: len(all)}
	p.Chips = badgeChips(p.Base()+"/badges", q, status, all)
	shown := slices.DeleteFunc(slices.Clone(all), func(a *badges.Achievement) bool {
		return status != "" && string(a.Status) != status || q != "" && !strings.Contains(strings.ToLower(a.Name), strings.ToLower(q))
	})
	key := func(a *badges.Achievement) string { return strings.ToLower(a.Name) + "\x00" + a.ID }
	page, err := badges.Paginate(shown, key, badges.ListOptions{Limit: badgeListSize, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return badges.FieldErrorf("cursor", "The query parameter \"cursor\" is not one this list gave.")
	}
	if p.Rows, err = s.badgeRows(ctx, v.Community.ID, page.Items); err != nil {
		return err
	}
	p.Pager = listPager(listURL(p.Base()+"/badges", url.Values{"status": {status}, "q": {q}}), shown, page)
	return s.renderAdmin(c, http.StatusOK, "badges", p)
}

// communityBadges is every badge of a community, whatever its status.
func (s *Server) communityBadges(ctx context.Context, issuerID string) ([]*badges.Achievement, error) {
	var all []*badges.Achievement
	o := badges.ListOptions{Limit: badges.MaxPageSize}
	for range 10 {
		page, err := s.svc.Achievements.Achievements(ctx, badges.AchievementFilter{IssuerID: issuerID, ListOptions: o})
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			break
		}
		o.Cursor = page.NextCursor
	}
	return all, nil
}

// badgeChips are the status filters: all, draft, active, archived.
func badgeChips(base, q, current string, all []*badges.Achievement) []badgeChip {
	n := map[string]int{"": len(all)}
	for _, a := range all {
		n[string(a.Status)]++
	}
	var chips []badgeChip
	for _, st := range []struct{ value, label string }{{"", "All"}, {"draft", "Draft"}, {"active", "Active"}, {"archived", "Archived"}} {
		chips = append(chips, badgeChip{Label: st.label, N: n[st.value], Current: st.value == current,
			URL: withQuery(base, url.Values{"status": {st.value}, "q": {q}})})
	}
	return chips
}

// badgeRows adds to each badge what the list shows of it: its holders
// and whether a rule awards it.
func (s *Server) badgeRows(ctx context.Context, issuerID string, items []*badges.Achievement) ([]badgeRow, error) {
	rules, err := s.svc.Catalogue.RulesOf(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	holders, err := s.holderCounts(ctx, items)
	if err != nil {
		return nil, err
	}
	rows := make([]badgeRow, len(items))
	for i, a := range items {
		rows[i] = badgeRow{ID: a.ID, Name: a.Name, Level: a.Level, ImageURL: s.urls.Image(a.Image),
			Status: a.Status, Holders: holders[i], HasRule: rules[a.ID] != nil}
	}
	return rows, nil
}

// showcaseReaders bounds the holder counts one page reads at once.
const showcaseReaders = 4

// holderCounts are the badges' holder counts, from their showcases: a
// read by id each, a few at a time, as a page of 50 would otherwise wait
// for 50 reads in turn.
func (s *Server) holderCounts(ctx context.Context, items []*badges.Achievement) ([]int, error) {
	return readEach(items, showcaseReaders, func(a *badges.Achievement) (int, error) {
		sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
		if err != nil {
			return 0, err
		}
		return sc.Earned, nil
	})
}

// badgeRule is a badge's rule, or nil when it is awarded by hand.
func (s *Server) badgeRule(ctx context.Context, id string) (*badges.Rule, error) {
	r, err := s.svc.Catalogue.Rule(ctx, id)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, nil
	}
	return r, err
}

// listPager is the pager of a page of a list read whole and paged here:
// where the page starts among those shown says its rows' numbers.
func listPager[T any](base url.URL, shown []T, page *badges.Page[T]) pager {
	if len(page.Items) == 0 {
		return pager{Total: page.Total}
	}
	start := slices.IndexFunc(shown, func(x T) bool { return any(x) == any(page.Items[0]) })
	return newPager(base, "", start+1, len(page.Items), page.Total, page.NextCursor)
}

type badgeDetailPage struct {
	adminPage
	Badge         *badges.Achievement
	ImageURL      string
	PublicURL     string // the public page, for an active badge
	Criteria      template.HTML
	Holders       int
	Rule          *ruleLine // nil: awarded by hand
	Versions      []*badges.Achievement
	Reevaluations []*badges.Reevaluation
}

// recentReevaluations bounds the re-evaluations a badge's page lists.
const recentReevaluations = 5

// handleBadgePage shows one badge: its facts and art, its rule in words,
// its versions and its latest re-evaluations.
func (s *Server) handleBadgePage(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := badgeDetailPage{adminPage: s.adminPageFor(c, visitOf(c), a.Name, "badges"), Badge: a,
		ImageURL: s.urls.Image(a.Image), Criteria: renderMarkdown(a.Criteria)}
	if a.Status == badges.StatusActive {
		p.PublicURL = s.urls.Achievement(a.ID)
	}
	sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
	if err != nil {
		return err
	}
	p.Holders = sc.Earned
	if p.Rule, err = s.ruleSummary(ctx, a); err != nil {
		return err
	}
	if p.Versions, err = s.svc.Achievements.AchievementVersions(ctx, a.ID); err != nil {
		return err
	}
	slices.Reverse(p.Versions) // newest first
	if p.Reevaluations, err = s.badgeReevaluations(ctx, a); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "badge", p)
}

// communityBadge is the badge the path names, of the visited community.
func (s *Server) communityBadge(c echo.Context) (*badges.Achievement, error) {
	return s.communityBadgeByID(c, c.Param("achievement"))
}

// communityBadgeByID is a badge of the visited community.
func (s *Server) communityBadgeByID(c echo.Context, id string) (*badges.Achievement, error) {
	return communityThing(c, "badge", id, s.svc.Achievements.Achievement, func(a *badges.Achievement) string { return a.IssuerID })
}

// badgeReevaluations are a badge's latest re-evaluations, newest first,
// among the community's latest hundred.
func (s *Server) badgeReevaluations(ctx context.Context, a *badges.Achievement) ([]*badges.Reevaluation, error) {
	page, err := s.svc.Reevaluations.Reevaluations(ctx, a.IssuerID, badges.ListOptions{Limit: badges.MaxPageSize})
	if err != nil {
		return nil, err
	}
	var out []*badges.Reevaluation
	for _, j := range page.Items {
		if j.AchievementID == a.ID && len(out) < recentReevaluations {
			out = append(out, j)
		}
	}
	return out, nil
}
