package api

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// badgeCard is one badge in a list: a member's badges, an issuer's.
type badgeCard struct {
	Name, URL, ImageURL, ImageAlt, Description string
	Date                                       string // when it was awarded, on a member's profile
}

// levelGroup is the badges of one level, in pathway order.
type levelGroup struct {
	Level  string // "" for badges without a level
	Title  string
	Anchor string // the section's id
	Badges []badgeCard
}

// levelOrder puts the usual pathway first: participation, contribution,
// leadership; other levels follow by name, and badges without one last.
func levelOrder(a, b string) int {
	rank := func(l string) int {
		switch l {
		case "participation":
			return 0
		case "contribution":
			return 1
		case "leadership":
			return 2
		case "":
			return 4
		}
		return 3
	}
	return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a, b))
}

func levelTitle(level string) string {
	if level == "" {
		return "Other badges"
	}
	return fmt.Sprintf("%s%s", string(level[0]-'a'+'A'), level[1:])
}

// groupByLevel groups cards by level, in levelOrder.
func groupByLevel(levels []string, cards []badgeCard) []levelGroup {
	var groups []levelGroup
	for i, card := range cards {
		at := slices.IndexFunc(groups, func(g levelGroup) bool { return g.Level == levels[i] })
		if at < 0 {
			groups = append(groups, levelGroup{Level: levels[i], Title: levelTitle(levels[i]), Anchor: "level-" + cmp.Or(levels[i], "other")})
			at = len(groups) - 1
		}
		groups[at].Badges = append(groups[at].Badges, card)
	}
	slices.SortStableFunc(groups, func(a, b levelGroup) int { return levelOrder(a.Level, b.Level) })
	return groups
}

type memberPage struct {
	page
	Name, IssuerName, IssuerURL string
	Count                       int
	Levels                      []levelGroup
	More                        int // badges held beyond those listed
	// ProfileURL is the page's own address, to copy and share;
	// LinkedInShare opens LinkedIn's share form with it (LinkedIn's
	// add-to-profile form is for a certification, not a profile link).
	ProfileURL, LinkedInShare string
}

// consentingProfile is the member of the path's slug, their community and
// their showcase: what their profile and its preview show. Without their
// consent there is no such member.
func (s *Server) consentingProfile(c echo.Context) (*badges.Member, *issuer.Profile, *issuer.MemberShowcase, error) {
	ctx := c.Request().Context()
	m, err := s.svc.Members.MemberBySlug(ctx, c.Param("slug"))
	if badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && !m.PublicProfile) {
		return nil, nil, nil, badges.Errorf(badges.ENOTFOUND, "No public profile at %s.", c.Request().URL.Path)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := s.profile(ctx, m.IssuerID)
	if err != nil {
		return nil, nil, nil, err
	}
	sc, err := s.svc.Issuing.MemberShowcase(ctx, m.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	return m, p, sc, nil
}

// handleMemberPublic shows a member's public profile: only with their
// consent. Without it, or once it is withdrawn, there is no such page.
func (s *Server) handleMemberPublic(c echo.Context) error {
	ctx := c.Request().Context()
	m, p, sc, err := s.consentingProfile(c)
	if err != nil {
		return err
	}
	d := memberPage{Name: m.DisplayName, IssuerName: p.Name, IssuerURL: s.urls.Issuer(p.ID)}
	if d.Name == "" {
		d.Name = m.Slug
	}
	levels, cards, err := s.memberBadges(ctx, sc.Entries)
	if err != nil {
		return err
	}
	d.Levels, d.Count, d.More = groupByLevel(levels, cards), len(cards), max(0, sc.Total-len(sc.Entries))
	d.Title = d.Name
	d.Description = fmt.Sprintf("%s holds %d Open Badges from %s.", d.Name, d.Count, p.Name)
	d.CanonicalURL, d.Brand = s.urls.Member(m.Slug), s.brandOf(p)
	d.ProfileURL, d.LinkedInShare = d.CanonicalURL, linkedInShareURL(d.CanonicalURL)
	setPreview(&d.page, s.urls.Member(m.Slug)+previewSuffix, "The badges "+d.Name+" holds from "+p.Name)
	c.Response().Header().Set("Cache-Control", "no-cache") // consent can be withdrawn at any time
	return s.renderPage(c, http.StatusOK, "member", d)
}

// linkedInShareURL is LinkedIn's documented share link for a page.
func linkedInShareURL(page string) string {
	return "https://www.linkedin.com/sharing/share-offsite/?" + url.Values{"url": {page}}.Encode()
}

// memberBadges lists a member's valid badges, newest first, with the level
// of each: revoked and expired ones are not shown off, nor those the
// member chose not to list.
func (s *Server) memberBadges(ctx context.Context, entries []issuer.ShowcaseEntry) ([]string, []badgeCard, error) {
	var levels []string
	var cards []badgeCard
	now := s.now()
	for _, e := range entries {
		if e.Revoked || e.Unlisted { // unlisted: the member keeps it off their profile
			continue
		}
		cred, err := s.credential(ctx, e.CredentialID)
		if err != nil {
			return nil, nil, err
		}
		if cred.Revoked() || (!cred.ValidUntil.IsZero() && !cred.ValidUntil.After(now)) {
			continue
		}
		a, err := s.achievementVersion(ctx, cred.AchievementID, cred.AchievementVersion)
		if err != nil {
			return nil, nil, err
		}
		levels = append(levels, a.Level)
		cards = append(cards, badgeCard{Name: a.Name, URL: s.urls.Credential(cred.ID), ImageURL: s.urls.Image(a.Image),
			ImageAlt: "Badge image for " + a.Name, Description: a.Description, Date: cred.Earned().Format(dateLayout)})
	}
	return levels, cards, nil
}

// recentHolders names the latest holders of an achievement who consent to
// be named and list the credential, at most n of them.
func (s *Server) recentHolders(ctx context.Context, sc *issuer.AchievementShowcase, n int) ([]holder, error) {
	var out []holder
	for _, e := range sc.Recent {
		if len(out) == n {
			break
		}
		if e.Unlisted {
			continue
		}
		m, err := s.publicMember(ctx, e.MemberID)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		out = append(out, holder{Name: m.DisplayName, ProfileURL: s.urls.Member(m.Slug), CredentialURL: s.urls.Credential(e.CredentialID),
			Date: e.AwardedAt.Format(dateLayout)})
	}
	return out, nil
}
