package api

import (
	"context"
	"strings"
	"unicode"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// A community's public figures, as its page and the front door show
// them, read from kept counters and the public directory, never by
// scanning credentials: the badges it publishes, the credentials they
// count as awarded and not revoked (each achievement's showcase), its
// members (the member list's counter) and those of them who chose a
// public profile (the directory).

// communitySummary is a community as the front door lists it.
type communitySummary struct {
	ID, Name, Description string
	URL, LogoURL          string
	DirectoryURL          string
	SpotlightURL          string
	Badges                int // published (active) badges
	Awarded               int // credentials issued and not revoked
	Members               int
	Public                int // members who chose a public profile
}

// communityOf reads a community's figures. A community that publishes no
// badge is summarised with no further reads: it is not public.
func (s *Server) communityOf(ctx context.Context, p *issuer.Profile) (communitySummary, []*badges.Achievement, error) {
	home := s.urls.Issuer(p.ID)
	cs := communitySummary{ID: p.ID, Name: p.Name, Description: p.Description, URL: home,
		DirectoryURL: home + "/members", SpotlightURL: home + "/spotlight"}
	if p.Image != nil {
		cs.LogoURL = s.urls.Image(*p.Image)
	}
	achievements, err := s.issuerAchievements(ctx, p.ID)
	if err != nil || len(achievements) == 0 {
		return cs, achievements, err
	}
	cs.Badges = len(achievements)
	for _, a := range achievements {
		sc, err := s.svc.Issuing.AchievementShowcase(ctx, a.ID)
		if err != nil {
			return cs, nil, err
		}
		cs.Awarded += sc.Earned
	}
	members, err := s.svc.Members.Members(ctx, badges.MemberFilter{IssuerID: p.ID, ListOptions: badges.ListOptions{Limit: 1}})
	if err != nil {
		return cs, nil, err
	}
	cs.Members = members.Total
	listed, err := s.directory(ctx, p.ID)
	if err != nil {
		return cs, nil, err
	}
	cs.Public = len(listed)
	return cs, achievements, nil
}

// directory is a community's public member directory, in name order,
// kept briefly: a change of consent made through this server forgets it
// at once (forgetMember).
func (s *Server) directory(ctx context.Context, issuerID string) ([]badges.ListedMember, error) {
	return s.cache.directories.get(issuerID, func() ([]badges.ListedMember, error) {
		return s.svc.Directory.PublicMembers(ctx, issuerID)
	})
}

// publicCommunities are the communities the front door lists: those that
// publish at least one badge, in the order they were made. A community
// still setting up (no active badge yet) is left off, and so is one whose
// admins chose to keep it off (Profile.Unlisted).
func (s *Server) publicCommunities(ctx context.Context) ([]communitySummary, error) {
	return s.cache.frontDoor.get("", func() ([]communitySummary, error) {
		out := []communitySummary{}
		o := badges.ListOptions{Limit: badges.MaxPageSize}
		for range maxFrontDoorPages {
			page, err := s.svc.Issuers.Profiles(ctx, o)
			if err != nil {
				return nil, err
			}
			for _, p := range page.Items {
				if p.Unlisted {
					continue
				}
				cs, _, err := s.communityOf(ctx, p)
				if err != nil {
					return nil, err
				}
				if cs.Badges > 0 {
					out = append(out, cs)
				}
			}
			if o.Cursor = page.NextCursor; o.Cursor == "" {
				break
			}
		}
		return out, nil
	})
}

// maxFrontDoorPages bounds the communities the front door reads, in
// pages of badges.MaxPageSize.
const maxFrontDoorPages = 10

// nounCount writes a count with its noun ("1 badge", "1,204 badges").
func nounCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// initial is the letter that stands for a name without a picture.
func initial(name string) string {
	for _, r := range strings.TrimSpace(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return strings.ToUpper(string(r))
		}
	}
	return "•"
}

// oneLine is a description cut to its first line and at most
// oneLineRunes characters, at a word where it can.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	r := []rune(strings.TrimSpace(s))
	if len(r) <= oneLineRunes {
		return string(r)
	}
	cut := string(r[:oneLineRunes])
	if i := strings.LastIndexByte(cut, ' '); i > oneLineRunes/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

const oneLineRunes = 120
