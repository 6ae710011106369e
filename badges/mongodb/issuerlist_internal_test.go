package mongodb

import (
	"slices"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// TestAddListed_WriteFails: a document whose write fails does not keep
// the slot it was listed in.
func TestAddListed_WriteFails(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	full := badges.Errorf(badges.ECONFLICT, "Full.")
	type unstorable struct{ C chan int }
	id := badges.NewID()
	if err := addListed(ctx, db, database.Measures, "iss", id, unstorable{C: make(chan int)}, 1, full); err == nil {
		t.Fatal("a document that cannot be stored was stored")
	}
	ids, err := listedIDs(ctx, db, database.Measures, "iss")
	if err != nil || slices.Contains(ids, id) {
		t.Fatalf("listed after its write failed: %v, %v", ids, err)
	}
	if err := addListed(ctx, db, database.Measures, "iss", badges.NewID(), orderedIDs{}, 1, full); err != nil {
		t.Fatalf("the one slot: %v", err)
	}
}
