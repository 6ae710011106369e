package issuer

import (
	"context"
	"slices"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// A showcase is what the public pages list of issued credentials: a
// member's badges, and an achievement's count and latest recipients. It is
// kept as computed documents, changed as credentials are issued and
// revoked, so that no page scans the credentials.

// ShowcaseEntry is one credential as a showcase lists it.
type ShowcaseEntry struct {
	CredentialID  string
	AchievementID string
	Level         string // the achievement's level
	MemberID      string
	AwardedAt     time.Time // when the member earned it (Credential.Earned)
	Revoked       bool
	// Unlisted entries are kept for everything but public lists: the
	// member chose not to show the credential on their profile.
	Unlisted bool
}

// MemberShowcase lists a member's credentials, newest first.
type MemberShowcase struct {
	Entries []ShowcaseEntry // at most MaxMemberShowcase
	Total   int             // credentials ever recorded, the listed ones included
	// RevokedUnlisted are the credentials, too old to be listed, whose
	// revocation was counted: at most MaxRevokedUnlisted, oldest out first.
	RevokedUnlisted []string
}

// AchievementShowcase counts an achievement's holders and lists its latest
// awards, newest first.
type AchievementShowcase struct {
	Earned int             // credentials issued and not revoked
	Recent []ShowcaseEntry // at most MaxAchievementRecent, revoked ones left out
}

// Bounds of the showcase lists.
const (
	MaxMemberShowcase    = 500
	MaxRevokedUnlisted   = 1000
	MaxAchievementRecent = 48
)

// ShowcaseStore keeps the showcases, each changed atomically. A change
// function may run more than once for one showcase (the store retries when
// another writer came first); the last run is the one kept, so it must
// only change the showcase it is given and remember what it did by
// overwriting, never by adding up.
type ShowcaseStore interface {
	// UpdateMemberShowcases changes the showcases of members, starting from
	// an empty one for a member seen for the first time. change is called
	// for one member at a time.
	UpdateMemberShowcases(ctx context.Context, memberIDs []string, change func(memberID string, sc *MemberShowcase) error) error
	UpdateAchievementShowcase(ctx context.Context, achievementID string, change func(sc *AchievementShowcase) error) error
	MemberShowcase(ctx context.Context, memberID string) (*MemberShowcase, error)
	AchievementShowcase(ctx context.Context, achievementID string) (*AchievementShowcase, error)
}

// AwardCounter counts issued credentials in a community's statistics: the
// credentials (badge, member, when awarded), and the members who reached
// each level for the first time.
type AwardCounter interface {
	CountAwards(ctx context.Context, issuerID string, awards []badges.CountedAward, levels map[string]int) error
}

// EntryOf is the showcase entry of a credential.
func EntryOf(c *Credential) ShowcaseEntry {
	return ShowcaseEntry{CredentialID: c.ID, AchievementID: c.AchievementID, Level: c.AchievementLevel, MemberID: c.MemberID,
		AwardedAt: c.Earned(), Revoked: c.Revoked(), Unlisted: !c.Visibility.Listed()}
}

// AddToMember adds an entry to a member's showcase, newest first, unless it
// is listed already. It reports whether it changed anything.
func (m *MemberShowcase) AddToMember(e ShowcaseEntry) bool {
	for _, have := range m.Entries {
		if have.CredentialID == e.CredentialID {
			return false
		}
	}
	m.Entries = insertNewest(m.Entries, e, MaxMemberShowcase)
	m.Total++
	return true
}

// Levels lists the levels of the badges the member holds (not revoked).
func (m *MemberShowcase) Levels() map[string]bool {
	out := map[string]bool{}
	for _, e := range m.Entries {
		if !e.Revoked && e.Level != "" {
			out[e.Level] = true
		}
	}
	return out
}

// listing is what listing credentials changed on a member's showcase.
type listing struct {
	Added     []ShowcaseEntry // entries the showcase did not list before
	NewLevels []string        // levels the member holds a badge of for the first time, sorted
}

// list adds entries to a member's showcase and says what changed. An entry
// listed already changes nothing, so listing twice is harmless.
func (m *MemberShowcase) list(entries []ShowcaseEntry) listing {
	before := m.Levels()
	var l listing
	for _, e := range entries {
		if m.AddToMember(e) {
			l.Added = append(l.Added, e)
		}
	}
	for level := range m.Levels() {
		if !before[level] {
			l.NewLevels = append(l.NewLevels, level)
		}
	}
	slices.Sort(l.NewLevels)
	return l
}

// issuedCounts is what newly listed credentials add to their achievements'
// showcases and to the community's statistics.
type issuedCounts struct {
	ByAchievement map[string][]ShowcaseEntry // the new entries, by achievement
	Awards        []badges.CountedAward      // the credentials, as the statistics count them
	Reached       map[string]int             // the level funnel: members reaching each level
}

// countIssued adds up what listing credentials changed on members'
// showcases: only entries new to their member's showcase count, and a
// member counts once for each level they reached.
func countIssued(changes []listing) issuedCounts {
	c := issuedCounts{ByAchievement: map[string][]ShowcaseEntry{}, Reached: map[string]int{}}
	for _, l := range changes {
		for _, e := range l.Added {
			c.ByAchievement[e.AchievementID] = append(c.ByAchievement[e.AchievementID], e)
			c.Awards = append(c.Awards, badges.CountedAward{AchievementID: e.AchievementID, MemberID: e.MemberID, At: e.AwardedAt})
		}
		for _, level := range l.NewLevels {
			c.Reached[level]++
		}
	}
	return c
}

// MarkRevoked marks a credential of the member revoked. It reports false
// when the entry says so already, so a revocation is uncounted once.
func (m *MemberShowcase) MarkRevoked(id string) (first bool) {
	for i := range m.Entries {
		if m.Entries[i].CredentialID == id {
			first = !m.Entries[i].Revoked
			m.Entries[i].Revoked = true
			return first
		}
	}
	// Too old to be listed: the entry cannot say it was counted, so the
	// showcase remembers that itself.
	if slices.Contains(m.RevokedUnlisted, id) {
		return false
	}
	m.RevokedUnlisted = append(m.RevokedUnlisted, id)
	if n := len(m.RevokedUnlisted) - MaxRevokedUnlisted; n > 0 {
		m.RevokedUnlisted = slices.Delete(m.RevokedUnlisted, 0, n)
	}
	return true
}

// Add counts a new holder and lists it among the recent ones.
func (a *AchievementShowcase) Add(e ShowcaseEntry) {
	a.Recent = insertNewest(a.Recent, e, MaxAchievementRecent)
	a.Earned++
}

// Remove uncounts a revoked credential and takes it off the recent list.
func (a *AchievementShowcase) Remove(id string) {
	a.Earned = max(0, a.Earned-1)
	for i, have := range a.Recent {
		if have.CredentialID == id {
			a.Recent = append(a.Recent[:i], a.Recent[i+1:]...)
			break
		}
	}
}

// insertNewest puts e in its place in a list sorted newest first, keeping
// at most limit entries.
func insertNewest(list []ShowcaseEntry, e ShowcaseEntry, limit int) []ShowcaseEntry {
	at := len(list)
	for i, have := range list {
		if e.AwardedAt.After(have.AwardedAt) || (e.AwardedAt.Equal(have.AwardedAt) && e.CredentialID > have.CredentialID) {
			at = i
			break
		}
	}
	list = append(list, ShowcaseEntry{})
	copy(list[at+1:], list[at:])
	list[at] = e
	if len(list) > limit {
		list = list[:limit]
	}
	return list
}

// recordIssued lists credentials of one issuer in its credential index and
// on their members' and achievements' showcases, and counts them in the
// community's statistics:
// the weekly award counts and the level funnel. A credential its member's
// showcase lists already is not counted again, so recording twice is
// harmless.
func (s *Service) recordIssued(ctx context.Context, creds []*Credential) error {
	if len(creds) == 0 {
		return nil
	}
	if err := s.deps.Credentials.IndexCredentials(ctx, creds); err != nil {
		return err
	}
	byMember := map[string][]ShowcaseEntry{}
	var members []string
	for _, c := range creds {
		if _, seen := byMember[c.MemberID]; !seen {
			members = append(members, c.MemberID)
		}
		byMember[c.MemberID] = append(byMember[c.MemberID], EntryOf(c))
	}
	listed := make(map[string]listing, len(members))
	err := s.deps.Showcases.UpdateMemberShowcases(ctx, members, func(id string, sc *MemberShowcase) error {
		listed[id] = sc.list(byMember[id])
		return nil
	})
	if err != nil {
		return err
	}
	changes := make([]listing, len(members))
	for i, m := range members {
		changes[i] = listed[m]
	}
	counts := countIssued(changes)
	if err := s.deps.Stats.CountAwards(ctx, creds[0].IssuerID, counts.Awards, counts.Reached); err != nil {
		return err
	}
	for a, entries := range counts.ByAchievement {
		err := s.deps.Showcases.UpdateAchievementShowcase(ctx, a, func(sc *AchievementShowcase) error {
			for _, e := range entries {
				sc.Add(e)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// recordRevoked marks a credential revoked on its member's showcase and
// uncounts it on its achievement's, once: recording it again changes
// nothing.
func (s *Service) recordRevoked(ctx context.Context, c *Credential) error {
	if err := s.deps.Credentials.IndexCredentials(ctx, []*Credential{c}); err != nil {
		return err
	}
	first := false
	err := s.deps.Showcases.UpdateMemberShowcases(ctx, []string{c.MemberID}, func(_ string, sc *MemberShowcase) error {
		first = sc.MarkRevoked(c.ID)
		return nil
	})
	if err != nil || !first {
		return err
	}
	return s.deps.Showcases.UpdateAchievementShowcase(ctx, c.AchievementID, func(sc *AchievementShowcase) error {
		sc.Remove(c.ID)
		return nil
	})
}
