package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// OutcomeStore keeps outcomes as computed documents of the outcomes
// collection, by id, listed per community (see addListed).
type OutcomeStore struct{ db *database.DB }

var _ badges.OutcomeStore = (*OutcomeStore)(nil)

// NewOutcomeStore returns the outcome store of db.
func NewOutcomeStore(db *database.DB) *OutcomeStore { return &OutcomeStore{db: db} }

type outcomeRecord struct {
	Issuer      string    `bson:"issuer"`
	Name        string    `bson:"name"`
	Description string    `bson:"description,omitempty"`
	Behaviours  []string  `bson:"behaviours,omitempty"`
	Status      string    `bson:"status"`
	CreatedAt   time.Time `bson:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt"`
}

// outcomeRefRecord is an outcome an achievement aligns to.
type outcomeRefRecord struct {
	ID   string `bson:"id"`
	Name string `bson:"name"`
}

func newOutcomeRecord(o *badges.Outcome) outcomeRecord {
	return outcomeRecord{Issuer: o.IssuerID, Name: o.Name, Description: o.Description, Behaviours: o.Behaviours,
		Status: string(o.Status), CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC()}
}

func (r *outcomeRecord) outcome(id string) *badges.Outcome {
	return &badges.Outcome{ID: id, IssuerID: r.Issuer, Name: r.Name, Description: r.Description, Behaviours: r.Behaviours,
		Status: badges.OutcomeStatus(r.Status), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func notFoundOutcome(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No outcome with id %q.", id)
}

// CreateOutcome stores a new outcome.
func (s *OutcomeStore) CreateOutcome(ctx context.Context, o *badges.Outcome) error {
	full := badges.Errorf(badges.ECONFLICT, "The community has %d outcomes already, the most it may have; archive or edit one instead.", badges.MaxOutcomes)
	return addListed(ctx, s.db, database.Outcomes, o.IssuerID, o.ID, newOutcomeRecord(o), badges.MaxOutcomes, full)
}

// Outcome reads one.
func (s *OutcomeStore) Outcome(ctx context.Context, id string) (*badges.Outcome, error) {
	r, err := readOne[outcomeRecord](ctx, s.db, database.Outcomes, id, notFoundOutcome(id))
	if err != nil {
		return nil, err
	}
	return r.outcome(id), nil
}

// Outcomes lists a community's outcomes, oldest first.
func (s *OutcomeStore) Outcomes(ctx context.Context, issuerID string) ([]*badges.Outcome, error) {
	ids, err := listedIDs(ctx, s.db, database.Outcomes, issuerID)
	if err != nil {
		return nil, err
	}
	out := make([]*badges.Outcome, 0, len(ids))
	for _, id := range ids {
		o, err := s.Outcome(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue // listed, but its write failed (see addListed)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// UpdateOutcome changes an outcome atomically.
func (s *OutcomeStore) UpdateOutcome(ctx context.Context, id string, change func(*badges.Outcome) error) (*badges.Outcome, error) {
	r, err := updateOne(ctx, s.db, database.Outcomes, id, notFoundOutcome(id), func(r *outcomeRecord) error {
		o := r.outcome(id)
		if err := change(o); err != nil {
			return err
		}
		*r = newOutcomeRecord(o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r.outcome(id), nil
}
