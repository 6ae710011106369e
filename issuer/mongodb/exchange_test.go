package mongodb_test

import (
	"context"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/mongodb"
)

// TestExchangeStore: an exchange is stored and read back; the first
// presentation to complete it stays, whichever process comes second, even
// when two complete it at once; expired exchanges are swept.
func TestExchangeStore(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewExchangeStore(db), mongodb.NewExchangeStore(mongotest.Connect(t, db.Name()))
	now := time.Now().UTC().Truncate(time.Millisecond)
	e := &issuer.Exchange{ID: badges.NewID(), CredentialID: badges.NewID(), Challenge: "ch", CreatedAt: now, ExpiresAt: now.Add(issuer.ExchangeLifetime)}
	if err := s1.CreateExchange(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s1.CreateExchange(ctx, e); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("the same id again: %v", err)
	}
	got, err := s2.Exchange(ctx, e.ID)
	if err != nil || *got != *e || got.Completed() {
		t.Fatalf("read back %+v, %v", got, err)
	}
	var done [2]*issuer.Exchange
	errs := mongotest.AtOnce(
		func() (err error) { done[0], err = s1.CompleteExchange(ctx, e.ID, "did:key:z6MkA", "one"); return err },
		func() (err error) { done[1], err = s2.CompleteExchange(ctx, e.ID, "did:key:z6MkB", "two"); return err },
	)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if done[0].Presentation != done[1].Presentation || done[0].Holder != done[1].Holder || !done[0].Completed() {
		t.Fatalf("two completions both won: %+v %+v", done[0], done[1])
	}
	if _, err := s1.CompleteExchange(ctx, badges.NewID(), "did:key:z6MkA", "one"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("completing no exchange: %v", err)
	}

	if n, err := s1.SweepExchanges(ctx, now); err != nil || n != 0 {
		t.Fatalf("swept %d before it expired, %v", n, err)
	}
	if n, err := s1.SweepExchanges(ctx, e.ExpiresAt.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("swept %d after it expired, %v", n, err)
	}
	if _, err := s1.Exchange(ctx, e.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("a swept exchange: %v", err)
	}
}
