package api

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// spotlightShown bounds each list of the spotlight.
const spotlightShown = 5

// spotlightMember is a consenting member the spotlight names.
type spotlightMember struct {
	Name       string `json:"name"`
	ProfileURL string `json:"profileUrl"`
	Count      int    `json:"activities,omitempty"`
	Note       string `json:"note,omitempty"`
}

// spotlightAward is a recent award the spotlight celebrates.
type spotlightAward struct {
	Member        spotlightMember `json:"member"`
	Achievement   string          `json:"achievement"`
	BadgeImageURL string          `json:"badgeImageUrl"`
	CredentialURL string          `json:"credentialUrl"`
	Date          string          `json:"date"`
}

type spotlightJSON struct {
	Cohort       string            `json:"cohort,omitempty"` // the cohort it is scoped to, by name
	Pinned       *spotlightMember  `json:"pinned,omitempty"`
	RecentAwards []spotlightAward  `json:"recentAwards"`
	ThisWeek     []spotlightMember `json:"thisWeek"`
	ThisMonth    []spotlightMember `json:"thisMonth"`
}

type spotlightPage struct {
	page
	IssuerName, IssuerURL string
	Spotlight             spotlightJSON
	PinnedBadges          []badgeCard // the pinned member's latest badges
}

// pinnedBadgesShown bounds the badges the pinned member's card shows.
const pinnedBadgesShown = 4

// handleSpotlight celebrates a community: the member an admin pinned,
// recent awards, and the most engaged members of the week and of the last
// four weeks, from counters. Only members who consent are named. With
// ?cohort= (a name or an id) only the cohort's members are.
func (s *Server) handleSpotlight(c echo.Context) error {
	ctx := c.Request().Context()
	ref, err := cohortParam(c)
	if err != nil {
		return err
	}
	p, err := s.profile(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	in, cohort, err := s.cohortScope(ctx, p.ID, ref)
	if err != nil {
		return err
	}
	sp, err := s.spotlight(ctx, p.ID, in)
	if err != nil {
		return err
	}
	sp.Cohort = cohort
	c.Response().Header().Set("Cache-Control", "public, max-age=5")
	if negotiate(c.Request().Header.Get("Accept"), "text/html", echo.MIMEApplicationJSON) == echo.MIMEApplicationJSON {
		return c.JSON(http.StatusOK, sp)
	}
	d := spotlightPage{IssuerName: p.Name, IssuerURL: s.urls.Issuer(p.ID), Spotlight: *sp}
	if sp.Pinned != nil {
		if d.PinnedBadges, err = s.pinnedBadges(ctx, p.ID); err != nil {
			return err
		}
	}
	d.Title = "Spotlight · " + p.Name
	d.Description = "Recent badges and the most engaged members of " + p.Name + "."
	d.CanonicalURL, d.Brand = s.urls.Issuer(p.ID)+"/spotlight", s.brandOf(p)
	if cohort != "" {
		d.Title = "Spotlight · " + cohort + " · " + p.Name
		d.Description = "Recent badges and the most engaged members of the " + cohort + " cohort of " + p.Name + "."
		d.CanonicalURL += "?cohort=" + url.QueryEscape(cohort)
	}
	setPreview(&d.page, s.spotlightPreviewURL(p.ID, cohort), "Recent badges of "+p.Name)
	return s.renderPage(c, http.StatusOK, "spotlight", d)
}

// cohortParam reads the spotlight's cohort: a name or an id, or none. A
// value no cohort could have is refused before any lookup.
func cohortParam(c echo.Context) (string, error) {
	ref := c.QueryParam("cohort")
	if ref == "" || badges.ValidID(ref) {
		return ref, nil
	}
	if _, err := badges.CheckCohortName("cohort", ref); err != nil {
		return "", badges.FieldErrorf("cohort", "The query parameter \"cohort\" must be a cohort's name or id: one line of at most 100 characters, without tabs, \";\" or \"|\".")
	}
	return ref, nil
}

// cohortScope resolves a cohort given by name or id (none: every member)
// to a test of membership and the cohort's name.
func (s *Server) cohortScope(ctx context.Context, issuerID, ref string) (in func(string) bool, name string, err error) {
	if ref == "" {
		return func(string) bool { return true }, "", nil
	}
	co, err := s.svc.Cohorts.Resolve(ctx, issuerID, ref)
	if err != nil {
		return nil, "", err
	}
	ids, err := s.svc.Cohorts.CohortMembers(ctx, co.ID)
	if err != nil {
		return nil, "", err
	}
	return func(id string) bool { _, found := slices.BinarySearch(ids, id); return found }, co.Name, nil
}

func (s *Server) spotlight(ctx context.Context, issuerID string, in func(memberID string) bool) (*spotlightJSON, error) {
	out := &spotlightJSON{RecentAwards: []spotlightAward{}, ThisWeek: []spotlightMember{}, ThisMonth: []spotlightMember{}}
	pin, err := s.svc.Spotlight.Pinned(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if pin != nil && in(pin.MemberID) {
		if m, err := s.publicMember(ctx, pin.MemberID); err != nil {
			return nil, err
		} else if m != nil {
			out.Pinned = &spotlightMember{Name: m.DisplayName, ProfileURL: s.urls.Member(m.Slug), Note: pin.Note}
		}
	}
	if out.RecentAwards, err = s.recentAwards(ctx, issuerID, in); err != nil {
		return nil, err
	}
	weeks, _, err := s.svc.Recognition.Counters(ctx, issuerID, 4)
	if err != nil {
		return nil, err
	}
	month := map[string]int{}
	for _, w := range weeks {
		for m, n := range w.Members {
			month[m] += n
		}
	}
	if out.ThisWeek, err = s.mostEngaged(ctx, weeks[len(weeks)-1].Members, in); err != nil {
		return nil, err
	}
	if out.ThisMonth, err = s.mostEngaged(ctx, month, in); err != nil {
		return nil, err
	}
	return out, nil
}

// recentAwards merges the latest awards of the community's badges, newest
// first, naming consenting members only.
func (s *Server) recentAwards(ctx context.Context, issuerID string, in func(string) bool) ([]spotlightAward, error) {
	achievements, err := s.issuerAchievements(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	type award struct {
		badge *badges.Achievement
		issuer.ShowcaseEntry
	}
	var all []award
	for _, a := range achievements {
		sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range sc.Recent {
			if in(e.MemberID) && !e.Unlisted {
				all = append(all, award{a, e})
			}
		}
	}
	slices.SortFunc(all, func(x, y award) int { return y.AwardedAt.Compare(x.AwardedAt) })
	out := []spotlightAward{}
	for _, w := range all {
		if len(out) == 2*spotlightShown {
			break
		}
		m, err := s.publicMember(ctx, w.MemberID)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		out = append(out, spotlightAward{Member: spotlightMember{Name: m.DisplayName, ProfileURL: s.urls.Member(m.Slug)},
			Achievement: w.badge.Name, BadgeImageURL: s.urls.Image(w.badge.Image), CredentialURL: s.urls.Credential(w.CredentialID), Date: w.AwardedAt.Format(dateLayout)})
	}
	return out, nil
}

// pinnedBadges are the latest badges the pinned member shows on their
// profile, none when no one is pinned.
func (s *Server) pinnedBadges(ctx context.Context, issuerID string) ([]badgeCard, error) {
	pin, err := s.svc.Spotlight.Pinned(ctx, issuerID)
	if err != nil || pin == nil {
		return nil, err
	}
	sc, err := s.svc.Issuing.MemberShowcase(ctx, pin.MemberID)
	if err != nil {
		return nil, err
	}
	// Read a few more than shown: some may be revoked, expired or unlisted.
	_, cards, err := s.memberBadges(ctx, sc.Entries[:min(len(sc.Entries), 3*pinnedBadgesShown)])
	return cards[:min(len(cards), pinnedBadgesShown)], err
}

// mostEngaged names the consenting members with the most activities.
func (s *Server) mostEngaged(ctx context.Context, counts map[string]int, in func(string) bool) ([]spotlightMember, error) {
	ids := make([]string, 0, len(counts))
	for id := range counts {
		if in(id) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	out := []spotlightMember{}
	for _, id := range ids {
		if len(out) == spotlightShown {
			break
		}
		m, err := s.publicMember(ctx, id)
		if err != nil {
			return nil, err
		}
		if m != nil {
			out = append(out, spotlightMember{Name: m.DisplayName, ProfileURL: s.urls.Member(m.Slug), Count: counts[id]})
		}
	}
	return out, nil
}

type pinRequest struct {
	MemberID string `json:"memberId"`
	Note     string `json:"note"`
}

func (s *Server) handlePinPut(c echo.Context) error {
	var req pinRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.svc.Spotlight.SetPin(c.Request().Context(), c.Param("issuer"), &badges.Pin{MemberID: req.MemberID, Note: req.Note}); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, req)
}

func (s *Server) handlePinDelete(c echo.Context) error {
	if err := s.svc.Spotlight.SetPin(c.Request().Context(), c.Param("issuer"), nil); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
