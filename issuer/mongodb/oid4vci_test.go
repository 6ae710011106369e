package mongodb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/mongodb"
)

// TestWalletStore_TakeOnce: of requests that trade one pre-authorized
// code at once, through one process or two, exactly one gets it.
func TestWalletStore_TakeOnce(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	stores := []*mongodb.WalletStore{mongodb.NewWalletStore(db), mongodb.NewWalletStore(mongotest.Connect(t, db.Name()))}
	for round := range 5 {
		hash := badges.NewID()
		g := &issuer.WalletGrant{Hash: hash, CredentialID: "cred", ExpiresAt: time.Now().Add(time.Minute)}
		if err := stores[0].SaveWalletGrant(ctx, g); err != nil {
			t.Fatal(err)
		}
		fs := make([]func() error, 8)
		for i := range fs {
			fs[i] = func() error {
				got, err := stores[i%2].TakeWalletGrant(ctx, hash)
				if err == nil && got.CredentialID != "cred" {
					t.Errorf("took %+v", got)
				}
				return err
			}
		}
		won := 0
		for _, err := range mongotest.AtOnce(fs...) {
			switch {
			case err == nil:
				won++
			case badges.ErrorCode(err) != badges.ENOTFOUND:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d requests took the code, want 1", round, won)
		}
	}
}

// TestWalletStore_CountAttempts: tries counted at once are each counted,
// each seeing its own count, so that a bound on tries holds.
func TestWalletStore_CountAttempts(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewWalletStore(mongotest.NewDB(t))
	g := &issuer.WalletGrant{Hash: "h", CredentialID: "cred", TxCodeHash: "tx", ExpiresAt: time.Now().Add(time.Minute)}
	if err := s.SaveWalletGrant(ctx, g); err != nil {
		t.Fatal(err)
	}
	const n = 40
	seen := make([]int, n)
	fs := make([]func() error, n)
	for i := range fs {
		fs[i] = func() error {
			got, err := s.CountWalletGrantAttempt(ctx, "h")
			if err == nil {
				seen[i] = got.Attempts
			}
			return err
		}
	}
	for _, err := range mongotest.AtOnce(fs...) {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(seen)
	for i, v := range seen {
		if v != i+1 {
			t.Fatalf("counts seen %v, want 1 to %d each once", seen, n)
		}
	}
	if _, err := s.CountWalletGrantAttempt(ctx, "missing"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("counting a missing code: %v", err)
	}
}

// TestWalletStore_NoncesAndSweep: a nonce is spent once; the sweep
// removes what expired and keeps the rest.
func TestWalletStore_NoncesAndSweep(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewWalletStore(mongotest.NewDB(t))
	now := time.Now()
	errs := mongotest.AtOnce(
		func() error { return s.SpendNonce(ctx, "n", now.Add(time.Minute)) },
		func() error { return s.SpendNonce(ctx, "n", now.Add(time.Minute)) },
	)
	if (errs[0] == nil) == (errs[1] == nil) || badges.ErrorCode(errs[0])+badges.ErrorCode(errs[1]) != badges.ECONFLICT {
		t.Fatalf("spending one nonce twice at once: %v", errs)
	}
	for hash, expires := range map[string]time.Time{"old": now.Add(-time.Minute), "new": now.Add(time.Minute)} {
		if err := s.SaveWalletAccess(ctx, &issuer.WalletAccess{Hash: hash, CredentialID: "cred", ExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteWalletStateBefore(ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WalletAccess(ctx, "old"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("expired token after the sweep: %v", err)
	}
	if a, err := s.WalletAccess(ctx, "new"); err != nil || a.CredentialID != "cred" {
		t.Fatalf("live token after the sweep: %+v, %v", a, err)
	}
	if err := s.SpendNonce(ctx, "n", now.Add(time.Minute)); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("a spent nonce that has not expired is kept: %v", err)
	}
}
