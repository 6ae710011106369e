package api

import (
	"context"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/render"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// handleAchievementPreview serves a badge's social preview: its art, its
// name, its level and how many have earned it.
func (s *Server) handleAchievementPreview(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.achievement(ctx, c.Param("achievement"))
	if err != nil {
		return err
	}
	if a.Status != badges.StatusActive {
		return badges.Errorf(badges.ENOTFOUND, "No achievement with id %q.", a.ID)
	}
	p, err := s.profile(ctx, a.IssuerID)
	if err != nil {
		return err
	}
	sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
	if err != nil {
		return err
	}
	sp := s.brandedCard(p, "Badge")
	sp.card.Title = a.Name
	if a.Level != "" {
		sp.card.Lines = append(sp.card.Lines, levelTitle(a.Level)+" badge")
	}
	sp.card.Lines = append(sp.card.Lines, earnedLine(sc.Earned))
	sp.addArt(a.Image, "")
	return s.serveCard(c, "achievement|"+a.ID, sp)
}

// earnedLine says how many have earned a badge.
func earnedLine(n int) string {
	if n == 0 {
		return "Be the first to earn it"
	}
	return "Earned by " + countOf(n, "member", "members")
}

// handleIssuerPreview serves a community's social preview: its badges
// along its pathway, or its logo, and how many badges it awards.
func (s *Server) handleIssuerPreview(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.profile(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	achievements, err := s.issuerAchievements(ctx, p.ID)
	if err != nil {
		return err
	}
	sp := s.brandedCard(p, "Community")
	sp.card.Title = p.Name
	sp.card.Lines = []string{countOf(len(achievements), "badge", "badges") + " to earn", p.Description}
	shown := slices.Clone(achievements)
	slices.SortStableFunc(shown, func(a, b *badges.Achievement) int { return levelOrder(a.Level, b.Level) })
	switch {
	case len(shown) > 1:
		for _, a := range shown[:min(len(shown), render.CardMaxArt)] {
			sp.addArt(a.Image, a.Name)
		}
	case p.Image != nil:
		sp.addArt(*p.Image, "")
	case len(shown) == 1:
		sp.addArt(shown[0].Image, "")
	}
	return s.serveCard(c, "issuer|"+p.ID, sp)
}

// handleMemberPreview serves a member's social preview: their name and
// their newest badges. Like the profile, it exists only with their
// consent.
func (s *Server) handleMemberPreview(c echo.Context) error {
	ctx := c.Request().Context()
	m, p, sc, err := s.consentingProfile(c)
	if err != nil {
		return err
	}
	held, err := s.shownBadges(ctx, sc.Entries)
	if err != nil {
		return err
	}
	sp := s.brandedCard(p, "Member")
	sp.card.Title = m.DisplayName
	if sp.card.Title == "" {
		sp.card.Title = m.Slug
	}
	sp.card.Lines = []string{countOf(len(held), "badge", "badges") + " from " + p.Name}
	if len(held) == 0 && p.Image != nil {
		sp.addArt(*p.Image, "") // nothing to show off yet: the community's logo
	}
	for _, a := range held[:min(len(held), render.CardMaxArt)] {
		caption := a.Name
		if len(held) == 1 {
			caption = "" // drawn large, beside the name
		}
		sp.addArt(a.Image, caption)
	}
	return s.serveCard(c, "member|"+m.ID, sp)
}

// shownBadges is the badges a member's profile shows, newest first:
// valid, and listed by the member.
func (s *Server) shownBadges(ctx context.Context, entries []issuer.ShowcaseEntry) ([]*badges.Achievement, error) {
	var out []*badges.Achievement
	now := s.now()
	for _, e := range entries {
		if e.Revoked || e.Unlisted {
			continue
		}
		cred, err := s.credential(ctx, e.CredentialID)
		if err != nil {
			return nil, err
		}
		if cred.Revoked() || (!cred.ValidUntil.IsZero() && !cred.ValidUntil.After(now)) {
			continue
		}
		a, err := s.achievementVersion(ctx, cred.AchievementID, cred.AchievementVersion)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// handleSpotlightPreview serves a spotlight's social preview: the member
// an admin pinned, and the art of recent awards with the members' names.
// Only consenting members are named, as on the page; ?cohort= scopes it
// as it scopes the page.
func (s *Server) handleSpotlightPreview(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.profile(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	in, cohort, err := s.cohortScope(ctx, p.ID, c.QueryParam("cohort"))
	if err != nil {
		return err
	}
	spot, err := s.spotlight(ctx, p.ID, in)
	if err != nil {
		return err
	}
	achievements, err := s.issuerAchievements(ctx, p.ID)
	if err != nil {
		return err
	}
	sp := s.brandedCard(p, "Spotlight")
	sp.card.Title, sp.card.Lines = "Recent badges", []string{"Celebrating the members of " + p.Name}
	if pin := spot.Pinned; pin != nil {
		sp.card.Title, sp.card.Lines = pin.Name, []string{"In the spotlight at " + p.Name, pin.Note}
	}
	if cohort != "" {
		sp.card.Lines = append(sp.card.Lines, "Cohort: "+cohort)
	}
	sp.addAwards(spot.RecentAwards, achievements)
	return s.serveCard(c, "spotlight|"+p.ID, sp)
}

// addAwards adds the art of recent awards, captioned with the member and
// the badge; a single award is drawn large and named in the text.
func (sp *cardSpec) addAwards(awards []spotlightAward, achievements []*badges.Achievement) {
	var shown []spotlightAward
	for _, w := range awards {
		if len(shown) == render.CardMaxArt {
			break
		}
		// The spotlight names the badge; its art is the active badge's.
		at := slices.IndexFunc(achievements, func(a *badges.Achievement) bool { return a.Name == w.Achievement })
		if at >= 0 {
			sp.addArt(achievements[at].Image, w.Member.Name+" · "+w.Achievement)
			shown = append(shown, w)
		}
	}
	if len(shown) == 1 {
		sp.card.Art[0].Caption = ""
		sp.card.Lines = append(sp.card.Lines, shown[0].Member.Name+" earned "+shown[0].Achievement)
	}
}

// handleLaurelPreview serves the social preview of Laurel's front door and
// of pages that belong to no community: a badge of each level.
func (s *Server) handleLaurelPreview(c echo.Context) error {
	sp := &cardSpec{card: render.Card{Community: "Laurel", Kicker: "Open Badges",
		Title: "Badges worth sharing", Lines: []string{"Communities award Open Badges 3.0 that anyone can verify."}, Footer: s.siteName()}}
	for _, level := range []string{"participation", "contribution", "leadership"} {
		sp.card.Art = append(sp.card.Art, render.CardArt{Caption: levelTitle(level)})
		sp.art = append(sp.art, cardSource{generated: badges.BadgeArt{Name: levelTitle(level), Level: level}})
	}
	return s.serveCard(c, "laurel", sp)
}
