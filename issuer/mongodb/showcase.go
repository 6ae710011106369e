package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges/database"
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
	Unlisted    bool      `bson:"u,omitempty"`
}

type memberShowcase struct {
	Entries         []showcaseEntry `bson:"entries"`
	Total           int             `bson:"total"`
	RevokedUnlisted []string        `bson:"revokedUnlisted,omitempty"`
}

type achievementShowcase struct {
	Earned int             `bson:"earned"`
	Recent []showcaseEntry `bson:"recent"`
}

func toEntries(es []issuer.ShowcaseEntry) []showcaseEntry {
	out := make([]showcaseEntry, len(es))
	for i, e := range es {
		out[i] = showcaseEntry{Credential: e.CredentialID, Achievement: e.AchievementID, Level: e.Level, Member: e.MemberID, AwardedAt: e.AwardedAt, Revoked: e.Revoked, Unlisted: e.Unlisted}
	}
	return out
}

func fromEntries(es []showcaseEntry) []issuer.ShowcaseEntry {
	out := make([]issuer.ShowcaseEntry, len(es))
	for i, e := range es {
		out[i] = issuer.ShowcaseEntry{CredentialID: e.Credential, AchievementID: e.Achievement, Level: e.Level, MemberID: e.Member, AwardedAt: e.AwardedAt, Revoked: e.Revoked, Unlisted: e.Unlisted}
	}
	return out
}

func (d *memberShowcase) showcase() *issuer.MemberShowcase {
	return &issuer.MemberShowcase{Entries: fromEntries(d.Entries), Total: d.Total, RevokedUnlisted: d.RevokedUnlisted}
}

func (d *memberShowcase) set(m *issuer.MemberShowcase) {
	d.Entries, d.Total, d.RevokedUnlisted = toEntries(m.Entries), m.Total, m.RevokedUnlisted
}

func (d *achievementShowcase) showcase() *issuer.AchievementShowcase {
	return &issuer.AchievementShowcase{Earned: d.Earned, Recent: fromEntries(d.Recent)}
}

func (d *achievementShowcase) set(a *issuer.AchievementShowcase) {
	d.Earned, d.Recent = a.Earned, toEntries(a.Recent)
}

// ShowcaseStore keeps showcases as computed documents, "member:<id>" and
// "achievement:<id>".
type ShowcaseStore struct{ db *database.DB }

var _ issuer.ShowcaseStore = (*ShowcaseStore)(nil)

// NewShowcaseStore returns the showcase store of db.
func NewShowcaseStore(db *database.DB) *ShowcaseStore { return &ShowcaseStore{db: db} }

func memberShowcaseID(id string) string      { return "member:" + id }
func achievementShowcaseID(id string) string { return "achievement:" + id }

// UpdateMemberShowcases changes members' showcases. The documents of
// members seen for the first time are created with one batch insert (the
// change applied to an empty showcase); the others are changed one by one.
func (s *ShowcaseStore) UpdateMemberShowcases(ctx context.Context, memberIDs []string, change func(string, *issuer.MemberShowcase) error) error {
	ids := make([]string, len(memberIDs))
	docs := make([]memberShowcase, len(memberIDs))
	for i, m := range memberIDs {
		var sc issuer.MemberShowcase
		if err := change(m, &sc); err != nil {
			return err
		}
		ids[i] = memberShowcaseID(m)
		docs[i].set(&sc)
	}
	existing, err := database.InsertComputed(ctx, s.db, database.Showcases, ids, docs)
	if err != nil {
		return err
	}
	for _, i := range existing {
		err := database.Modify(ctx, s.db, database.Showcases, ids[i], func(d *memberShowcase, _ bool) error {
			sc := d.showcase()
			if err := change(memberIDs[i], sc); err != nil {
				return err
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

// UpdateAchievementShowcase changes an achievement's showcase.
func (s *ShowcaseStore) UpdateAchievementShowcase(ctx context.Context, achievementID string, change func(*issuer.AchievementShowcase) error) error {
	return database.Modify(ctx, s.db, database.Showcases, achievementShowcaseID(achievementID), func(d *achievementShowcase, _ bool) error {
		sc := d.showcase()
		if err := change(sc); err != nil {
			return err
		}
		d.set(sc)
		return nil
	})
}

// MemberShowcase returns a member's showcase, empty when they hold nothing.
// It is kept in the cache of computed documents once read: a member's
// profile and each row of the console's member list read it.
func (s *ShowcaseStore) MemberShowcase(ctx context.Context, memberID string) (*issuer.MemberShowcase, error) {
	d, _, err := database.ReadKept[memberShowcase](ctx, s.db, database.Showcases, memberShowcaseID(memberID))
	if err != nil {
		return nil, err
	}
	return d.showcase(), nil
}

// AchievementShowcase returns an achievement's showcase, empty when nobody
// holds it.
func (s *ShowcaseStore) AchievementShowcase(ctx context.Context, achievementID string) (*issuer.AchievementShowcase, error) {
	d, _, err := database.ReadComputed[achievementShowcase](ctx, s.db, database.Showcases, achievementShowcaseID(achievementID))
	if err != nil {
		return nil, err
	}
	return d.showcase(), nil
}
