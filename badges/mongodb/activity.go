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
	Batch       string    `bson:"batch,omitempty"` // absent in entries logged before batches were journalled
}

func (r *activityRecord) logged() badges.LoggedActivity {
	return badges.LoggedActivity{Batch: r.Batch, Activity: badges.Activity{ID: r.ID, IssuerID: r.Issuer, MemberID: r.Member,
		Behaviour: r.Behaviour, At: r.At.UTC(), Quantity: r.Quantity, PeerID: r.Peer, EvidenceURL: r.EvidenceURL,
		Narrative: r.Narrative, Cohort: r.Cohort, SourceEventID: r.Source, RecordedAt: r.RecordedAt.UTC()}}
}

// LogActivities appends a batch's activities with one unordered insert; an
// id logged before is a duplicate.
func (s *ActivityStore) LogActivities(ctx context.Context, batchID string, as []badges.Activity) ([]bool, error) {
	docs := make([]any, len(as))
	for i, a := range as {
		docs[i] = activityRecord{ID: a.ID, Issuer: a.IssuerID, Member: a.MemberID, Behaviour: a.Behaviour, At: a.At.UTC(),
			Quantity: a.Quantity, Peer: a.PeerID, EvidenceURL: a.EvidenceURL, Narrative: a.Narrative, Cohort: a.Cohort,
			Source: a.SourceEventID, RecordedAt: a.RecordedAt.UTC(), Batch: batchID}
	}
	return database.InsertNew(ctx, s.db.Collection(database.Activities), docs, "log activities")
}

// Logged reads log entries one by one by exact _id, the one query the
// embedded engine answers without reading the whole log (about half a
// millisecond each); it serves recovery, which is rare.
func (s *ActivityStore) Logged(ctx context.Context, ids []string) (map[string]badges.LoggedActivity, error) {
	out := make(map[string]badges.LoggedActivity, len(ids))
	for _, id := range ids {
		var r activityRecord
		err := s.db.Collection(database.Activities).FindOne(ctx, database.ByID(id)).Decode(&r)
		switch {
		case database.IsNoDocuments(err):
		case err != nil:
			return nil, database.Wrap(err, "read activities")
		default:
			out[id] = r.logged()
		}
	}
	return out, nil
}
