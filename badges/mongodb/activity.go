package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"

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
	Reciprocal  string    `bson:"reciprocalOf,omitempty"`
	VoidedAt    time.Time `bson:"voidedAt,omitempty"`
	VoidReason  string    `bson:"voidReason,omitempty"`
}

func (r *activityRecord) logged() badges.LoggedActivity {
	l := badges.LoggedActivity{Batch: r.Batch, Activity: badges.Activity{ID: r.ID, IssuerID: r.Issuer, MemberID: r.Member,
		Behaviour: r.Behaviour, At: r.At.UTC(), Quantity: r.Quantity, PeerID: r.Peer, EvidenceURL: r.EvidenceURL,
		Narrative: r.Narrative, Cohort: r.Cohort, SourceEventID: r.Source, RecordedAt: r.RecordedAt.UTC(), ReciprocalOf: r.Reciprocal}}
	if !r.VoidedAt.IsZero() {
		l.Void = &badges.ActivityVoid{At: r.VoidedAt.UTC(), Reason: r.VoidReason}
	}
	return l
}

// LogActivities appends a batch's activities with one unordered insert; an
// id logged before is a duplicate.
func (s *ActivityStore) LogActivities(ctx context.Context, batchID string, as []badges.Activity) ([]bool, error) {
	docs := make([]any, len(as))
	for i, a := range as {
		docs[i] = activityRecord{ID: a.ID, Issuer: a.IssuerID, Member: a.MemberID, Behaviour: a.Behaviour, At: a.At.UTC(),
			Quantity: a.Quantity, Peer: a.PeerID, EvidenceURL: a.EvidenceURL, Narrative: a.Narrative, Cohort: a.Cohort,
			Source: a.SourceEventID, RecordedAt: a.RecordedAt.UTC(), Batch: batchID, Reciprocal: a.ReciprocalOf}
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

// IndexActivities puts a member's activities in their index, a computed
// document by member id; an index that has them all is not written.
func (s *ActivityStore) IndexActivities(ctx context.Context, memberID string, as []badges.Activity) error {
	err := database.Modify(ctx, s.db, database.ActivityIndex, memberID, func(idx *badges.ActivityIndex, _ bool) error {
		if !idx.Add(as) {
			return errIndexed
		}
		return nil
	})
	if errors.Is(err, errIndexed) {
		return nil
	}
	return err
}

// errIndexed leaves an index that has every activity as it is.
var errIndexed = errors.New("indexed already")

// ActivityIndex reads a member's index.
func (s *ActivityStore) ActivityIndex(ctx context.Context, memberID string) (badges.ActivityIndex, error) {
	idx, _, err := database.ReadComputed[badges.ActivityIndex](ctx, s.db, database.ActivityIndex, memberID)
	return idx, err
}

// VoidActivity marks a log entry voided under its lock (a conditional
// write on MongoDB), then its member's index entry.
func (s *ActivityStore) VoidActivity(ctx context.Context, id string, v badges.ActivityVoid) (badges.LoggedActivity, bool, error) {
	l, already, err := s.voidEntry(ctx, id, v)
	if err != nil {
		return l, false, err
	}
	err = database.Modify(ctx, s.db, database.ActivityIndex, l.MemberID, func(idx *badges.ActivityIndex, _ bool) error {
		idx.MarkVoided(id)
		return nil
	})
	return l, already, err
}

func (s *ActivityStore) voidEntry(ctx context.Context, id string, v badges.ActivityVoid) (badges.LoggedActivity, bool, error) {
	defer s.db.LockDoc(database.Activities, id)()
	c := s.db.Collection(database.Activities)
	var r activityRecord
	if err := c.FindOne(ctx, database.ByID(id)).Decode(&r); database.IsNoDocuments(err) {
		return badges.LoggedActivity{}, false, badges.Errorf(badges.ENOTFOUND, "There is no activity %q.", id)
	} else if err != nil {
		return badges.LoggedActivity{}, false, database.Wrap(err, "read activity")
	}
	if !r.VoidedAt.IsZero() {
		return r.logged(), true, nil
	}
	r.VoidedAt, r.VoidReason = v.At.UTC(), v.Reason
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "voidedAt", Value: r.VoidedAt}, {Key: "voidReason", Value: r.VoidReason}}}}
	res, err := c.UpdateOne(ctx, s.db.Guarded(id, bson.E{Key: "voidedAt", Value: nil}), set)
	switch {
	case err != nil:
		return badges.LoggedActivity{}, false, database.Wrap(err, "void activity")
	case res.MatchedCount == 0: // voided meanwhile by another process
		if err := c.FindOne(ctx, database.ByID(id)).Decode(&r); err != nil {
			return badges.LoggedActivity{}, false, database.Wrap(err, "read activity")
		}
		return r.logged(), true, nil
	}
	return r.logged(), false, nil
}

var _ badges.ActivityScrubber = (*ActivityStore)(nil)

// ScrubActivities clears the evidence and narrative of log entries one by
// one by _id (see Logged), each under its lock; an entry with neither is
// not written, so that scrubbing again costs only the reads.
func (s *ActivityStore) ScrubActivities(ctx context.Context, ids []string) error {
	c := s.db.Collection(database.Activities)
	unset := bson.D{{Key: "$unset", Value: bson.D{{Key: "evidenceUrl", Value: ""}, {Key: "narrative", Value: ""}}}}
	for _, id := range ids {
		var r activityRecord
		err := c.FindOne(ctx, database.ByID(id)).Decode(&r)
		switch {
		case database.IsNoDocuments(err):
			continue
		case err != nil:
			return database.Wrap(err, "read activity")
		case r.EvidenceURL == "" && r.Narrative == "":
			continue
		}
		unlock := s.db.LockDoc(database.Activities, id)
		_, err = c.UpdateOne(ctx, database.ByID(id), unset)
		unlock()
		if err != nil {
			return database.Wrap(err, "scrub activity")
		}
	}
	return nil
}
