package mongodb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

func mustAPIKey(t *testing.T, s *mongodb.APIKeyService, scopes ...badges.Scope) *badges.APIKey {
	t.Helper()
	k, _, err := badges.NewAPIKey("test", scopes, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	return k
}

// activeAdmins lists the ids of the keys that still grant the admin scope.
func activeAdmins(t *testing.T, s *mongodb.APIKeyService) []string {
	t.Helper()
	p, err := s.APIKeys(context.Background(), badges.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range p.Items {
		if k.Allows(badges.ScopeAdmin) {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

// TestAPIKeyService_LastAdminKeysAcrossProcesses revokes the last two admin
// keys at once through two connections, as two Laurel processes on one
// database would: one revocation must be refused, every round.
func TestAPIKeyService_LastAdminKeysAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewAPIKeyService(db), mongodb.NewAPIKeyService(mongotest.Connect(t, db.Name()))
	survivor := mustAPIKey(t, s1, badges.ScopeAdmin).ID
	for round := range 20 {
		other := mustAPIKey(t, s2, badges.ScopeAdmin).ID
		errs := mongotest.AtOnce(
			func() error { return s1.RevokeAPIKey(ctx, survivor) },
			func() error { return s2.RevokeAPIKey(ctx, other) },
		)
		refused := 0
		for _, err := range errs {
			switch {
			case err == nil:
			case badges.ErrorCode(err) == badges.ECONFLICT && strings.Contains(badges.ErrorMessage(err), "last active admin key"):
				refused++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		left := activeAdmins(t, s1)
		if refused != 1 || len(left) != 1 {
			t.Fatalf("round %d: %d revocations refused, %d admin keys left; want 1 and 1", round, refused, len(left))
		}
		survivor = left[0]
	}
}

// TestAPIKeyService_RevokeOneKeyTwice revokes one admin key twice at once:
// one revocation succeeds, the other is told the key is revoked already,
// and the key is uncounted once.
func TestAPIKeyService_RevokeOneKeyTwice(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewAPIKeyService(db), mongodb.NewAPIKeyService(mongotest.Connect(t, db.Name()))
	keep := mustAPIKey(t, s1, badges.ScopeAdmin).ID
	for round := range 10 {
		k := mustAPIKey(t, s1, badges.ScopeAdmin).ID
		errs := mongotest.AtOnce(
			func() error { return s1.RevokeAPIKey(ctx, k) },
			func() error { return s2.RevokeAPIKey(ctx, k) },
		)
		if (errs[0] == nil) == (errs[1] == nil) || badges.ErrorCode(errs[0])+badges.ErrorCode(errs[1]) != badges.ECONFLICT {
			t.Fatalf("round %d: %v, %v; want one success and one conflict", round, errs[0], errs[1])
		}
	}
	if err := s2.RevokeAPIKey(ctx, keep); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("revoking the only admin key left: %v", err)
	}
}

// TestAPIKeyService_CountsKeysOfAnOlderDatabase checks that a database
// whose keys were stored before admin keys were counted still refuses to
// revoke its last admin key.
func TestAPIKeyService_CountsKeysOfAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s := mongodb.NewAPIKeyService(db)
	now := time.Now().UTC().Truncate(time.Millisecond)
	stored := func(id string, scope string, revoked bool) bson.D {
		d := bson.D{{Key: "_id", Value: id}, {Key: "name", Value: "old"}, {Key: "scopes", Value: bson.A{scope}},
			{Key: "secretHash", Value: []byte{1}}, {Key: "createdAt", Value: now}}
		if revoked {
			d = append(d, bson.E{Key: "revokedAt", Value: now})
		}
		return d
	}
	a, b := badges.NewID(), badges.NewID()
	_, err := db.Collection(database.APIKeys).InsertMany(ctx, []any{
		stored(a, "admin", false), stored(b, "admin", false),
		stored(badges.NewID(), "admin", true), stored(badges.NewID(), "read", false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, b); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("revoking the last admin key of an older database: %v", err)
	}
}

// TestAPIKeyService_BootstrapAfterCrash: a process that claimed the
// bootstrap and crashed before storing its key leaves the claim behind.
// Once the claim is stale, the next start still makes the first admin
// key, and only once.
func TestAPIKeyService_BootstrapAfterCrash(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	s := mongodb.NewAPIKeyService(db)
	if _, err := db.ClaimKey(ctx, "bootstrap:admin-api-key", badges.NewID(), nil); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(2 * time.Minute)
	db.SetClock(func() time.Time { return later })
	token, err := s.BootstrapAPIKey(ctx)
	if err != nil || token == "" {
		t.Fatalf("BootstrapAPIKey after a crash = %q, %v; want a token", token, err)
	}
	if admins := activeAdmins(t, s); len(admins) != 1 {
		t.Fatalf("%d admin keys, want 1", len(admins))
	}
	later = later.Add(2 * time.Minute)
	if token, err := s.BootstrapAPIKey(ctx); err != nil || token != "" {
		t.Fatalf("BootstrapAPIKey once the key exists = %q, %v; want none", token, err)
	}
}
