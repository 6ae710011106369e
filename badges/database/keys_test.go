package database_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// notOwned is the owns of a claim whose stale holders own nothing.
func notOwned(string) (bool, error) { return false, nil }

// leaveStaleKey stores key for ref as a crash would leave it: older than a
// claim waits for, with a holder that owns nothing.
func leaveStaleKey(t *testing.T, db *database.DB, key, ref string) {
	t.Helper()
	k := database.KeyDoc{ID: key, Ref: ref, CreatedAt: db.Now().Add(-2 * time.Minute)}
	if _, err := db.Collection(database.KeyIndex).InsertOne(t.Context(), k); err != nil {
		t.Fatal(err)
	}
}

// TestClaimKey_TwoTakeOvers: two claims read one stale key; the first takes
// it over before the second deletes it. The second must not delete the
// first's fresh key, and exactly one claim holds the key.
func TestClaimKey_TwoTakeOvers(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	other := mongotest.Connect(t, db.Name())
	const key = "slug:taken-over"
	leaveStaleKey(t, db, key, "crashed")
	var (
		claimedA bool
		holderA  string
		errA     error
	)
	holderB, err := db.ClaimKey(ctx, key, "b", func(string) (bool, error) {
		if !claimedA { // the first claim runs between the second's read and its delete
			claimedA = true
			holderA, errA = other.ClaimKey(ctx, key, "a", notOwned)
		}
		return false, nil
	})
	if err != nil || errA != nil {
		t.Fatalf("ClaimKey: %v, %v", err, errA)
	}
	ref, err := db.KeyRef(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if !claimedA || holderA != "" || holderB != "a" || ref != "a" {
		t.Fatalf("first claim holder %q, second claim holder %q, key held by %q; want the first claim to hold it",
			holderA, holderB, ref)
	}
}

// TestReleaseKey_TakenOver races the release of a stale key by its holder
// with a claim taking it over: a key the claim took over stays the
// claim's.
func TestReleaseKey_TakenOver(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	other := mongotest.Connect(t, db.Name())
	for round := range 200 {
		key := fmt.Sprintf("slug:released-%d", round)
		leaveStaleKey(t, db, key, "crashed")
		var holder string
		errs := mongotest.AtOnce(
			func() error { return db.ReleaseKey(ctx, key, "crashed") },
			func() (err error) { holder, err = other.ClaimKey(ctx, key, "new", notOwned); return err },
		)
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
		}
		ref, err := db.KeyRef(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if holder != "" || ref != "new" {
			t.Fatalf("round %d: the claim returned holder %q and the key is held by %q; want the claim to hold it", round, holder, ref)
		}
	}
}

// TestReleaseKey_UnderDocumentLock: stores claim and release keys while
// holding a document's lock (a member's, changing its e-mail address).
// That must not wait for the document's own lock, whichever stripe the key
// falls on.
func TestReleaseKey_UnderDocumentLock(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	key := database.KeyOnStripeOf(database.Members, "m1")
	if _, err := db.ClaimKey(ctx, key, "m1", notOwned); err != nil {
		t.Fatal(err)
	}
	unlock := db.LockDoc(database.Members, "m1")
	defer unlock()
	done := make(chan error, 1)
	go func() { done <- db.ReleaseKey(ctx, key, "m1") }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("releasing a key waited for the lock of the document held")
	}
}

// TestLockDoc_TwoCollections: a member's lock is held while its chunk of
// the member index is changed. That must not wait for the member's own
// lock, whichever chunk it is: the chunks of one collection and the
// members of another never share a stripe.
func TestLockDoc_TwoCollections(t *testing.T) {
	db := mongotest.NewDB(t)
	unlock := db.LockDoc(database.Members, "m1")
	defer unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 4 * 256 { // every stripe, many times over
			db.LockDoc(database.MemberIndex, fmt.Sprintf("chunk-%d", i))()
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("locking a member index chunk waited for the lock of the member held")
	}
}
