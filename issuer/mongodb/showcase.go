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
		out[i] = showcaseEntry{Credential: e.CredentialID, Achievement: e.AchievementID, Member: e.MemberID, AwardedAt: e.AwardedAt, Revoked: e.Revoked}
	}
	return out
}

func fromEntries(es []showcaseEntry) []issuer.ShowcaseEntry {
	out := make([]issuer.ShowcaseEntry, len(es))
	for i, e := range es {
		out[i] = issuer.ShowcaseEntry{CredentialID: e.Credential, AchievementID: e.Achievement, MemberID: e.Member, AwardedAt: e.AwardedAt, Revoked: e.Revoked}
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
type ShowcaseStore struct{ db *bmongo.DB }

var _ issuer.ShowcaseStore = (*ShowcaseStore)(nil)

// NewShowcaseStore returns the showcase store of db.
func NewShowcaseStore(db *bmongo.DB) *ShowcaseStore { return &ShowcaseStore{db: db} }

func memberShowcaseID(id string) string      { return "member:" + id }
func achievementShowcaseID(id string) string { return "achievement:" + id }

// RecordIssued lists credentials on their members' and achievements'
// showcases. Members seen for the first time get their document in one
// batch insert; the rest are changed one by one, and each achievement
// once. A credential its member's showcase lists already is not counted
// again, so recording twice is harmless.
func (s *ShowcaseStore) RecordIssued(ctx context.Context, creds []*issuer.Credential) error {
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
	for _, i := range existing {
		var added []issuer.ShowcaseEntry
		err := bmongo.Modify(ctx, s.db, bmongo.ColShowcases, ids[i], func(d *memberShowcase, _ bool) error {
			sc := d.showcase()
			added = added[:0]
			for _, e := range byMember[members[i]] {
				if sc.AddToMember(e) {
					added = append(added, e)
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
	}
	for i, m := range members {
		if !isExisting[i] {
			for _, e := range byMember[m] {
				fresh[e.AchievementID] = append(fresh[e.AchievementID], e)
			}
		}
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
