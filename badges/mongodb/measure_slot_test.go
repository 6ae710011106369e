package mongodb_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// tombstone is the stored form of a deleted measure.
type tombstone struct {
	Issuer  string `bson:"issuer"`
	Deleted bool   `bson:"deleted"`
}

// TestMeasureStore_DeleteAgainFreesSlot: a delete cut short after the
// measure became a tombstone and before it left its community's list is
// completed by sending it again, which frees its slot; a third delete is
// a 404.
func TestMeasureStore_DeleteAgainFreesSlot(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	s := mongodb.NewMeasureStore(db)
	now := time.Now().UTC()
	var ids []string
	for range badges.MaxMeasures {
		m := &badges.Measure{ID: badges.NewID(), IssuerID: issuerA, Name: "Awards", Kind: badges.MeasureAwards,
			Achievements: []string{badges.NewID()}, Period: badges.MeasureWeekly, CreatedAt: now, UpdatedAt: now}
		if err := s.CreateMeasure(ctx, m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	err := database.Modify(ctx, db, database.Measures, ids[0], func(d *tombstone, _ bool) error {
		*d = tombstone{Issuer: issuerA, Deleted: true} // the delete, cut short before the list
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMeasure(ctx, ids[0]); err != nil {
		t.Fatalf("the delete sent again: %v", err)
	}
	if err := s.DeleteMeasure(ctx, ids[0]); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("a third delete: %v", err)
	}
	m := &badges.Measure{ID: badges.NewID(), IssuerID: issuerA, Name: "More", Kind: badges.MeasureAwards,
		Achievements: []string{badges.NewID()}, Period: badges.MeasureWeekly, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateMeasure(ctx, m); err != nil {
		t.Fatalf("a measure in the slot the deleted one freed: %v", err)
	}
}
