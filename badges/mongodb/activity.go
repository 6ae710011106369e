package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// ActivityStore is the activity log, by activity id.
type ActivityStore struct{ db *database.DB }

var _ badges.ActivityStore = (*ActivityStore)(nil)

// NewActivityStore returns the activity log of db.
func NewActivityStore(db *database.DB) *ActivityStore { return &ActivityStore{db: db} }

type activityRecord struct {
	ID          string    `bson:"_id"`
	Issuer      string    `bson:"issuer"`
	Member      string    `bson:"member"`
	Behaviour   string    `bson:"behaviour"`
	At          time.Time `bson:"at"`
	Quantity    float64   `bson:"quantity,omitempty"`
	Peer        string    `bson:"peer,omitempty"`
	EvidenceURL string    `bson:"evidenceUrl,omitempty"`
	Narrative   string    `bson:"narrative,omitempty"`
	Cohort      string    `bson:"cohort,omitempty"`
	Source      string    `bson:"source,omitempty"`
	RecordedAt  time.Time `bson:"recordedAt"`
}

// LogActivities appends activities with one unordered insert; an id
// logged before is a duplicate.
func (s *ActivityStore) LogActivities(ctx context.Context, as []badges.Activity) ([]bool, error) {
	docs := make([]any, len(as))
	for i, a := range as {
		docs[i] = activityRecord{ID: a.ID, Issuer: a.IssuerID, Member: a.MemberID, Behaviour: a.Behaviour, At: a.At.UTC(),
			Quantity: a.Quantity, Peer: a.PeerID, EvidenceURL: a.EvidenceURL, Narrative: a.Narrative, Cohort: a.Cohort,
			Source: a.SourceEventID, RecordedAt: a.RecordedAt.UTC()}
	}
	return database.InsertNew(ctx, s.db.Collection(database.Activities), docs, "log activities")
}
