package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// QueueStore keeps the award queue in the outbox collection, by award
// key; the queue is short-lived and small.
type QueueStore struct{ db *database.DB }

var _ badges.QueueStore = (*QueueStore)(nil)

// NewQueueStore returns the award queue of db.
func NewQueueStore(db *database.DB) *QueueStore { return &QueueStore{db: db} }

type pendingRecord struct {
	ID          string    `bson:"_id"`
	Issuer      string    `bson:"issuer"`
	Achievement string    `bson:"achievement"`
	Member      string    `bson:"member"`
	Narrative   string    `bson:"narrative,omitempty"`
	Links       []string  `bson:"links,omitempty"`
	AwardedDate time.Time `bson:"awardedDate,omitempty"`
	Attempts    int       `bson:"attempts"`
	LastError   string    `bson:"lastError,omitempty"`
	NotBefore   time.Time `bson:"notBefore"`
	CreatedAt   time.Time `bson:"createdAt"`
}

// Enqueue queues awards with one unordered insert; one queued already
// stays as it is.
func (s *QueueStore) Enqueue(ctx context.Context, awards []badges.PendingAward) error {
	docs := make([]any, len(awards))
	for i, a := range awards {
		docs[i] = pendingRecord{ID: a.ID, Issuer: a.IssuerID, Achievement: a.AchievementID, Member: a.MemberID,
			Narrative: a.Narrative, Links: a.Links, AwardedDate: a.AwardedDate, NotBefore: a.CreatedAt, CreatedAt: a.CreatedAt}
	}
	_, err := database.InsertNew(ctx, s.db.Collection(database.Outbox), docs, "queue awards")
	return err
}

// Pending lists the queued awards due at due, oldest first, so that awards
// put off after failures do not hold up newer ones. The queue is
// short-lived and small, so reading it with a filter is fine.
func (s *QueueStore) Pending(ctx context.Context, due time.Time, limit int) ([]badges.PendingAward, error) {
	filter := bson.D{{Key: "notBefore", Value: bson.D{{Key: "$lte", Value: due.UTC()}}}}
	rs, err := database.FindAll[pendingRecord](ctx, s.db.Collection(database.Outbox), filter, "read award queue",
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := make([]badges.PendingAward, len(rs))
	for i, r := range rs {
		out[i] = badges.PendingAward{ID: r.ID, IssuerID: r.Issuer, AchievementID: r.Achievement, MemberID: r.Member,
			Narrative: r.Narrative, Links: r.Links, AwardedDate: r.AwardedDate, Attempts: r.Attempts, LastError: r.LastError, NotBefore: r.NotBefore, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// Done removes an award from the queue.
func (s *QueueStore) Done(ctx context.Context, id string) error {
	_, err := s.db.Collection(database.Outbox).DeleteOne(ctx, database.ByID(id))
	return database.Wrap(err, "dequeue award")
}

// Retry records a failed attempt and when to try again.
func (s *QueueStore) Retry(ctx context.Context, id, reason string, next time.Time) error {
	defer s.db.LockDoc(database.Outbox, id)()
	_, err := s.db.Collection(database.Outbox).UpdateOne(ctx, database.ByID(id), bson.D{
		{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}},
		{Key: "$set", Value: bson.D{{Key: "lastError", Value: reason}, {Key: "notBefore", Value: next.UTC()}}},
	})
	return database.Wrap(err, "retry award")
}
