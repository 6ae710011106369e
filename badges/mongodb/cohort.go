package mongodb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// cohortRecord is a cohort as stored; its member list is a computed
// document of its own (cohort_member.go).
type cohortRecord struct {
	ID        string    `bson:"_id"`
	Issuer    string    `bson:"issuer"`
	Name      string    `bson:"name"`
	Archived  bool      `bson:"archived,omitempty"`
	Rev       int64     `bson:"rev,omitempty"` // counts changes; a change is a compare-and-swap on it
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

func newCohortRecord(c *badges.Cohort, rev int64) *cohortRecord {
	return &cohortRecord{ID: c.ID, Issuer: c.IssuerID, Name: c.Name, Archived: c.Archived, Rev: rev, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (r *cohortRecord) cohort() *badges.Cohort {
	return &badges.Cohort{ID: r.ID, IssuerID: r.Issuer, Name: r.Name, Archived: r.Archived, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// cohortNameKey is the key document that makes a cohort's name unique in
// its community, whatever its case.
func cohortNameKey(issuer, name string) string {
	return "cohort:" + issuer + ":" + database.HashPart(badges.FoldCohortName(name))
}

// CohortStore keeps cohorts by id, their names unique per community
// through key documents, and membership in two computed documents: the
// cohort's member list and the member's cohort list.
type CohortStore struct{ db *database.DB }

var _ badges.CohortStore = (*CohortStore)(nil)

// NewCohortStore returns the cohort store of db.
func NewCohortStore(db *database.DB) *CohortStore { return &CohortStore{db: db} }

func (s *CohortStore) record(ctx context.Context, id string) (*cohortRecord, error) {
	var r cohortRecord
	if err := s.db.Collection(database.Cohorts).FindOne(ctx, database.ByID(id)).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, badges.Errorf(badges.ENOTFOUND, "No cohort with id %q.", id)
		}
		return nil, database.Wrap(err, "read cohort")
	}
	return &r, nil
}

// owns reports whether a cohort still holds a name key: it exists and its
// name derives the key.
func (s *CohortStore) owns(ctx context.Context, key string) func(string) (bool, error) {
	return func(holder string) (bool, error) {
		r, err := s.record(ctx, holder)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			return false, nil
		}
		return err == nil && cohortNameKey(r.Issuer, r.Name) == key, err
	}
}

// claimName reserves a cohort's name; ECONFLICT on "name" naming the cohort
// that has it.
func (s *CohortStore) claimName(ctx context.Context, r *cohortRecord) error {
	key := cohortNameKey(r.Issuer, r.Name)
	holder, err := s.db.ClaimKey(ctx, key, r.ID, s.owns(ctx, key))
	if err != nil || holder == "" {
		return err
	}
	name := r.Name
	if other, err := s.record(ctx, holder); err == nil {
		name = other.Name
	}
	return &badges.Error{Code: badges.ECONFLICT, Field: "name", Message: fmt.Sprintf("The community has a cohort named %q already.", name)}
}

// CreateCohort stores a new cohort, its name claimed first.
func (s *CohortStore) CreateCohort(ctx context.Context, c *badges.Cohort) error {
	r := newCohortRecord(c, 0)
	if err := s.claimName(ctx, r); err != nil {
		return err
	}
	if _, err := s.db.Collection(database.Cohorts).InsertOne(ctx, r); err != nil {
		_ = s.db.ReleaseKey(context.WithoutCancel(ctx), cohortNameKey(r.Issuer, r.Name), r.ID)
		return database.Wrap(err, "create cohort")
	}
	return nil
}

// Cohort reads a cohort with its member count.
func (s *CohortStore) Cohort(ctx context.Context, id string) (*badges.Cohort, error) {
	r, err := s.record(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.counted(ctx, r)
}

func (s *CohortStore) counted(ctx context.Context, r *cohortRecord) (*badges.Cohort, error) {
	ids, err := s.CohortMembers(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	c := r.cohort()
	c.Members = len(ids)
	return c, nil
}

// CohortByName finds a cohort through its name's key document, with its
// member count.
func (s *CohortStore) CohortByName(ctx context.Context, issuerID, name string) (*badges.Cohort, error) {
	r, err := s.byName(ctx, issuerID, name)
	if err != nil {
		return nil, err
	}
	return s.counted(ctx, r)
}

// NamedCohort is CohortByName without the member count, which reads the
// cohort's whole member list: for recording and rule sets, which need
// only the cohort.
func (s *CohortStore) NamedCohort(ctx context.Context, issuerID, name string) (*badges.Cohort, error) {
	r, err := s.byName(ctx, issuerID, name)
	if err != nil {
		return nil, err
	}
	return r.cohort(), nil
}

func (s *CohortStore) byName(ctx context.Context, issuerID, name string) (*cohortRecord, error) {
	notFound := badges.Errorf(badges.ENOTFOUND, "No cohort named %q.", name)
	key := cohortNameKey(issuerID, name)
	holder, err := s.db.KeyRef(ctx, key)
	if err != nil || holder == "" {
		return nil, cmp.Or(err, error(notFound))
	}
	r, err := s.record(ctx, holder)
	if badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && cohortNameKey(r.Issuer, r.Name) != key) {
		return nil, notFound // a key left behind by a rename cut short
	}
	return r, err
}

// Cohorts lists a community's cohorts by name. The collection is small
// (MaxCohorts per community).
func (s *CohortStore) Cohorts(ctx context.Context, issuerID string) ([]*badges.Cohort, error) {
	rs, err := database.FindAll[cohortRecord](ctx, s.db.Collection(database.Cohorts), bson.D{{Key: "issuer", Value: issuerID}}, "read cohorts")
	if err != nil {
		return nil, err
	}
	out := make([]*badges.Cohort, len(rs))
	for i := range rs {
		out[i] = rs[i].cohort()
	}
	slices.SortFunc(out, func(a, b *badges.Cohort) int {
		return cmp.Or(cmp.Compare(badges.FoldCohortName(a.Name), badges.FoldCohortName(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// cohortAttempts bounds the retries of a change that keeps losing races.
const cohortAttempts = 8

// UpdateCohort changes a cohort with a compare-and-swap on its rev. A new
// name is claimed before the write and the old one freed after it, so the
// name is never free in between; a crash between leaves a stale key that
// the next claim takes over.
func (s *CohortStore) UpdateCohort(ctx context.Context, id string, change func(*badges.Cohort) error) (*badges.Cohort, error) {
	defer s.db.LockDoc(database.Cohorts, id)()
	for range cohortAttempts {
		old, err := s.record(ctx, id)
		if err != nil {
			return nil, err
		}
		c := old.cohort()
		if err := change(c); err != nil {
			return nil, err
		}
		r := newCohortRecord(c, old.Rev+1)
		r.ID, r.Issuer, r.CreatedAt = old.ID, old.Issuer, old.CreatedAt
		oldKey, newKey := cohortNameKey(old.Issuer, old.Name), cohortNameKey(r.Issuer, r.Name)
		if oldKey != newKey {
			if err := s.claimName(ctx, r); err != nil {
				return nil, err
			}
		}
		res, err := s.db.Collection(database.Cohorts).ReplaceOne(ctx, s.db.AtRev(id, old.Rev), r)
		if err != nil {
			return nil, database.Wrap(err, "update cohort")
		}
		if res.MatchedCount == 0 {
			continue
		}
		if oldKey != newKey {
			_ = s.db.ReleaseKey(context.WithoutCancel(ctx), oldKey, id) // a key left is stale, taken over later
		}
		return s.counted(ctx, r)
	}
	return nil, badges.Errorf(badges.EUNAVAILABLE, "Cohort %s is being changed by many requests at once; try again.", id)
}
