package issuer

import (
	"context"
	"time"
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
	AwardedAt     time.Time
	Revoked       bool
}

// MemberShowcase lists a member's credentials, newest first.
type MemberShowcase struct {
	Entries []ShowcaseEntry // at most MaxMemberShowcase
	Total   int             // credentials ever recorded, the listed ones included
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
	MaxAchievementRecent = 48
)

// ShowcaseStore keeps the showcases. Recording is idempotent for a
// credential already listed.
type ShowcaseStore interface {
	RecordIssued(ctx context.Context, creds []*Credential) error
	RecordRevoked(ctx context.Context, c *Credential) error
	MemberShowcase(ctx context.Context, memberID string) (*MemberShowcase, error)
	AchievementShowcase(ctx context.Context, achievementID string) (*AchievementShowcase, error)
}

// EntryOf is the showcase entry of a credential.
func EntryOf(c *Credential) ShowcaseEntry {
	return ShowcaseEntry{CredentialID: c.ID, AchievementID: c.AchievementID, Level: c.AchievementLevel, MemberID: c.MemberID,
		AwardedAt: c.AwardedAt, Revoked: c.Revoked()}
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
	return true // too old to be listed: nothing says it was recorded
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
