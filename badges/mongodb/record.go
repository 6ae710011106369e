package mongodb

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// RecordStore keeps members' records as computed documents by member id.
type RecordStore struct{ db *database.DB }

var _ badges.RecordStore = (*RecordStore)(nil)

// NewRecordStore returns the record store of db.
func NewRecordStore(db *database.DB) *RecordStore { return &RecordStore{db: db} }

// Writers is how many members' records are best updated at once (see
// Awarder.Writers and database.DB.RecordWriters).
func (s *RecordStore) Writers() int { return s.db.RecordWriters() }

// Record reads a member's record.
func (s *RecordStore) Record(ctx context.Context, memberID string) (*badges.MemberRecord, error) {
	rec, found, err := database.ReadComputed[badges.MemberRecord](ctx, s.db, database.Records, memberID)
	if err != nil || !found {
		return nil, err
	}
	return &rec, nil
}

// UpdateRecord changes a member's record atomically.
func (s *RecordStore) UpdateRecord(ctx context.Context, memberID string, change func(*badges.MemberRecord) error) error {
	return database.Modify(ctx, s.db, database.Records, memberID, func(rec *badges.MemberRecord, exists bool) error {
		if !exists {
			*rec = *badges.NewMemberRecord(memberID, s.db.Now())
		}
		return change(rec)
	})
}
