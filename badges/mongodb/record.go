package mongodb

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
)

// RecordStore keeps members' records as computed documents by member id.
type RecordStore struct{ db *DB }

var _ badges.RecordStore = (*RecordStore)(nil)

// NewRecordStore returns the record store of db.
func NewRecordStore(db *DB) *RecordStore { return &RecordStore{db: db} }

// Writers is how many members' records are best updated at once (see
// Awarder.Writers). The embedded engine writes one document at a time; a
// writer that finds it busy sleeps for a millisecond or more, so more than
// two writers make recording slower (measured with 5,000 members: 1,340
// activities a second with two, 1,060 with eight). A MongoDB server takes
// many.
func (s *RecordStore) Writers() int {
	if s.db.engine != nil {
		return 2
	}
	return badges.DefaultRecordWriters
}

// Record reads a member's record.
func (s *RecordStore) Record(ctx context.Context, memberID string) (*badges.MemberRecord, error) {
	rec, found, err := ReadComputed[badges.MemberRecord](ctx, s.db, colRecords, memberID)
	if err != nil || !found {
		return nil, err
	}
	return &rec, nil
}

// UpdateRecord changes a member's record atomically.
func (s *RecordStore) UpdateRecord(ctx context.Context, memberID string, change func(*badges.MemberRecord) error) error {
	return Modify(ctx, s.db, colRecords, memberID, func(rec *badges.MemberRecord, exists bool) error {
		if !exists {
			*rec = *badges.NewMemberRecord(memberID, s.db.Now())
		}
		return change(rec)
	})
}
