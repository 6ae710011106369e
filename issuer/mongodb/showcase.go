package mongodb

import (
	"context"
	"time"

	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
)

// showcaseEntry is a ShowcaseEntry as stored.
type showcaseEntry struct {
	Credential  string    `bson:"c"`
	Achievement string    `bson:"a"`
	Level       string    `bson:"l,omitempty"`
	Member      string    `bson:"m"`
	AwardedAt   time.Time `bson:"t"`
	Revoked     bool      `bson:"r,omitempty"`
}

type memberShowcase struct {
	Entries []showcaseEntry `bson:"entries"`
	Total   int             `bson:"total"`
}

type achievementShowcase struct {
	Earned int             `bson:"earned"`
	Recent []showcaseEntry `bson:"recent"`
}

func toEntries(es []issuer.ShowcaseEntry) []showcaseEntry {
	out := make([]showcaseEntry, len(es))
	for i, e := range es {
		out[i] = showcaseEntry{Credential: e.CredentialID, Achievement: e.AchievementID, Level: e.Level, Member: e.MemberID, AwardedAt: e.AwardedAt, Revoked: e.Revoked}
	}
	return out
}

func fromEntries(es []showcaseEntry) []issuer.ShowcaseEntry {
	out := make([]issuer.ShowcaseEntry, len(es))
	for i, e := range es {
		out[i] = issuer.ShowcaseEntry{CredentialID: e.Credential, AchievementID: e.Achievement, Level: e.Level, MemberID: e.Member, AwardedAt: e.AwardedAt, Revoked: e.Revoked}
	}
	return out
}

func (d *memberShowcase) showcase() *issuer.MemberShowcase {
	return &issuer.MemberShowcase{Entries: fromEntries(d.Entries), Total: d.Total}
}

func (d *memberShowcase) set(m *issuer.MemberShowcase) {
	d.Entries, d.Total = toEntries(m.Entries), m.Total
}

func (d *achievementShowcase) showcase() *issuer.AchievementShowcase {
	return &issuer.AchievementShowcase{Earned: d.Earned, Recent: fromEntries(d.Recent)}
}

func (d *achievementShowcase) set(a *issuer.AchievementShowcase) {
	d.Earned, d.Recent = a.Earned, toEntries(a.Recent)
}

// ShowcaseStore keeps showcases as computed documents, "member:<id>" and
// "achievement:<id>".
type ShowcaseStore struct {
	db    *bmongo.DB
	stats *bmongo.StatsStore
}

var _ issuer.ShowcaseStore = (*ShowcaseStore)(nil)

// NewShowcaseStore returns the showcase store of db.
func NewShowcaseStore(db *bmongo.DB) *ShowcaseStore {
	return &ShowcaseStore{db: db, stats: bmongo.NewStatsStore(db)}
}

func memberShowcaseID(id string) string      { return "member:" + id }
func achievementShowcaseID(id string) string { return "achievement:" + id }

// RecordIssued lists credentials on their members' and achievements'
// showcases. Members seen for the first time get their document in one
// batch insert; the rest are changed one by one, and each achievement
// once; the issuer's weekly award counts and level funnel follow. A
// credential its member's showcase lists already is not counted again, so
// recording twice is harmless. The credentials are of one issuer.
func (s *ShowcaseStore) RecordIssued(ctx context.Context, creds []*issuer.Credential) error {
	if len(creds) == 0 {
		return nil
	}
	byMember := map[string][]issuer.ShowcaseEntry{}
	var members []string
	for _, c := range creds {
		if _, seen := byMember[c.MemberID]; !seen {
			members = append(members, c.MemberID)
		}
		byMember[c.MemberID] = append(byMember[c.MemberID], issuer.EntryOf(c))
	}
	fresh := map[string][]issuer.ShowcaseEntry{} // by achievement: entries new to their member's showcase
	ids := make([]string, len(members))
	docs := make([]memberShowcase, len(members))
	for i, m := range members {
		var sc issuer.MemberShowcase
		for _, e := range byMember[m] {
			sc.AddToMember(e)
		}
		byMember[m] = sc.Entries // each credential once
		ids[i] = memberShowcaseID(m)
		docs[i].set(&sc)
	}
	existing, err := bmongo.InsertComputed(ctx, s.db, bmongo.ColShowcases, ids, docs)
	if err != nil {
		return err
	}
	isExisting := make(map[int]bool, len(existing))
	reached := map[string]int{} // members holding a badge of a level for the first time
	for _, i := range existing {
		var added []issuer.ShowcaseEntry
		var newLevels []string
		err := bmongo.Modify(ctx, s.db, bmongo.ColShowcases, ids[i], func(d *memberShowcase, _ bool) error {
			sc := d.showcase()
			before := sc.Levels()
			added = added[:0]
			for _, e := range byMember[members[i]] {
				if sc.AddToMember(e) {
					added = append(added, e)
				}
			}
			newLevels = newLevels[:0]
			for l := range sc.Levels() {
				if !before[l] {
					newLevels = append(newLevels, l)
				}
			}
			d.set(sc)
			return nil
		})
		if err != nil {
			return err
		}
		isExisting[i] = true
		for _, e := range added {
			fresh[e.AchievementID] = append(fresh[e.AchievementID], e)
		}
		for _, l := range newLevels {
			reached[l]++
		}
	}
	for i, m := range members {
		if !isExisting[i] {
			sc := issuer.MemberShowcase{Entries: byMember[m]}
			for _, e := range byMember[m] {
				fresh[e.AchievementID] = append(fresh[e.AchievementID], e)
			}
			for l := range sc.Levels() {
				reached[l]++
			}
		}
	}
	awards := map[time.Time][]string{}
	for _, entries := range fresh {
		for _, e := range entries {
			awards[e.AwardedAt] = append(awards[e.AwardedAt], e.AchievementID)
		}
	}
	if err := s.stats.CountAwards(ctx, creds[0].IssuerID, awards, reached); err != nil {
		return err
	}
	for a, entries := range fresh {
		err := bmongo.Modify(ctx, s.db, bmongo.ColShowcases, achievementShowcaseID(a), func(d *achievementShowcase, _ bool) error {
			sc := d.showcase()
			for _, e := range entries {
				sc.Add(e)
			}
			d.set(sc)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// RecordRevoked marks a credential revoked on its member's showcase and
// uncounts it on its achievement's, once: recording it again changes
// nothing.
func (s *ShowcaseStore) RecordRevoked(ctx context.Context, c *issuer.Credential) error {
	first := false
	err := bmongo.Modify(ctx, s.db, bmongo.ColShowcases, memberShowcaseID(c.MemberID), func(d *memberShowcase, _ bool) error {
		sc := d.showcase()
		first = sc.MarkRevoked(c.ID)
		d.set(sc)
		return nil
	})
	if err != nil || !first {
		return err
	}
	return bmongo.Modify(ctx, s.db, bmongo.ColShowcases, achievementShowcaseID(c.AchievementID), func(d *achievementShowcase, _ bool) error {
		sc := d.showcase()
		sc.Remove(c.ID)
		d.set(sc)
		return nil
	})
}

// MemberShowcase returns a member's showcase, empty when they hold nothing.
func (s *ShowcaseStore) MemberShowcase(ctx context.Context, memberID string) (*issuer.MemberShowcase, error) {
	d, _, err := bmongo.ReadComputed[memberShowcase](ctx, s.db, bmongo.ColShowcases, memberShowcaseID(memberID))
	if err != nil {
		return nil, err
	}
	return d.showcase(), nil
}

// AchievementShowcase returns an achievement's showcase, empty when nobody
// holds it.
func (s *ShowcaseStore) AchievementShowcase(ctx context.Context, achievementID string) (*issuer.AchievementShowcase, error) {
	d, _, err := bmongo.ReadComputed[achievementShowcase](ctx, s.db, bmongo.ColShowcases, achievementShowcaseID(achievementID))
	if err != nil {
		return nil, err
	}
	return d.showcase(), nil
}
