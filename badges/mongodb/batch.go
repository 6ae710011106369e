package mongodb

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// BatchStore is the journal of recording batches not yet applied, by
// batch id. A batch's entry lives from before its activities are logged
// until every record and week has them, so the collection holds only
// batches under way or left unfinished and is read whole.
type BatchStore struct{ db *database.DB }

var _ badges.BatchStore = (*BatchStore)(nil)

// NewBatchStore returns the batch journal of db.
func NewBatchStore(db *database.DB) *BatchStore { return &BatchStore{db: db} }

type batchRecord struct {
	ID     string `bson:"_id"`
	Issuer string `bson:"issuer"`
	// Activities are the batch's activity ids, one a line: as one string
	// rather than an array, because the embedded engine converts every
	// element of an array on each write (journalling 1,000 ids took 8 ms
	// as an array, 2 ms as a string). Ids hold no control characters.
	Activities string    `bson:"activities"`
	StartedAt  time.Time `bson:"startedAt"`
}

// StartBatch journals a batch.
func (s *BatchStore) StartBatch(ctx context.Context, b badges.Batch) error {
	_, err := s.db.Collection(database.ActivityBatches).InsertOne(ctx,
		batchRecord{ID: b.ID, Issuer: b.IssuerID, Activities: strings.Join(b.ActivityIDs, "\n"), StartedAt: b.StartedAt.UTC()})
	return database.Wrap(err, "journal batch")
}

// FinishBatch removes a batch from the journal.
func (s *BatchStore) FinishBatch(ctx context.Context, id string) error {
	_, err := s.db.Collection(database.ActivityBatches).DeleteOne(ctx, database.ByID(id))
	return database.Wrap(err, "finish batch")
}

// UnfinishedBatches lists journalled batches, oldest first.
func (s *BatchStore) UnfinishedBatches(ctx context.Context, f badges.BatchFilter) ([]badges.Batch, error) {
	filter := bson.D{}
	if f.IssuerID != "" {
		filter = append(filter, bson.E{Key: "issuer", Value: f.IssuerID})
	}
	if !f.StartedBefore.IsZero() {
		filter = append(filter, bson.E{Key: "startedAt", Value: bson.D{{Key: "$lt", Value: f.StartedBefore.UTC()}}})
	}
	recs, err := database.FindAll[batchRecord](ctx, s.db.Collection(database.ActivityBatches), filter, "read batches",
		options.Find().SetSort(bson.D{{Key: "startedAt", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]badges.Batch, len(recs))
	for i, r := range recs {
		out[i] = badges.Batch{ID: r.ID, IssuerID: r.Issuer, ActivityIDs: strings.Split(r.Activities, "\n"), StartedAt: r.StartedAt.UTC()}
	}
	return out, nil
}
