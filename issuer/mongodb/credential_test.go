package mongodb_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/mongodb"
)

// TestCredentialStore_RevokeAcrossProcesses revokes one credential twice
// at once through two connections, as two Laurel processes on one
// database would: exactly one revocation is recorded, with its reason, and
// the other is told the credential was revoked already.
func TestCredentialStore_RevokeAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewCredentialStore(db), mongodb.NewCredentialStore(mongotest.Connect(t, db.Name()))
	at := time.Now()
	for round := range 20 {
		c := &issuer.Credential{ID: badges.NewID(), IssuerID: "aaaaaaaaaaaaaaaaaaaa", AchievementID: "bbbbbbbbbbbbbbbbbbbb",
			MemberID: "cccccccccccccccccccc", AwardedAt: at.UTC().Truncate(time.Millisecond), StatusIndex: round, JSON: []byte("{}"), JWT: "x"}
		if err := s1.CreateCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
		errs := mongotest.AtOnce(
			func() error {
				_, err := s1.RevokeCredential(ctx, c.ID, badges.RevokeInput{Reason: "first"}, at)
				return err
			},
			func() error {
				_, err := s2.RevokeCredential(ctx, c.ID, badges.RevokeInput{Reason: "second"}, at)
				return err
			},
		)
		if (errs[0] == nil) == (errs[1] == nil) || badges.ErrorCode(errs[0])+badges.ErrorCode(errs[1]) != badges.ECONFLICT {
			t.Fatalf("round %d: %v, %v; want one success and one conflict", round, errs[0], errs[1])
		}
		winner := "first"
		if errs[0] != nil {
			winner = "second"
		}
		got, err := s1.Credential(ctx, c.ID)
		if err != nil || !got.Revoked() || got.RevocationReason != winner {
			t.Fatalf("round %d: stored %+v, %v; want revoked for %q", round, got, err, winner)
		}
	}
}

// TestCredentialStore_ReasonPublic: the choice to publish a revocation's
// reason is stored with it, and a credential revoked before the choice
// existed, which has no such field, reads as private.
func TestCredentialStore_ReasonPublic(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s := mongodb.NewCredentialStore(db)
	at := time.Now().UTC().Truncate(time.Millisecond)
	published := &issuer.Credential{ID: badges.NewID(), IssuerID: "aaaaaaaaaaaaaaaaaaaa", AchievementID: "bbbbbbbbbbbbbbbbbbbb",
		MemberID: "cccccccccccccccccccc", AwardedAt: at, JSON: []byte("{}"), JWT: "x"}
	if err := s.CreateCredential(ctx, published); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeCredential(ctx, published.ID, badges.RevokeInput{Reason: "Awarded by mistake.", PublishReason: true}, at); err != nil {
		t.Fatal(err)
	}
	older := badges.NewID()
	_, err := db.Collection(database.Credentials).InsertOne(ctx, bson.D{{Key: "_id", Value: older}, {Key: "issuer", Value: "aaaaaaaaaaaaaaaaaaaa"},
		{Key: "achievement", Value: "bbbbbbbbbbbbbbbbbbbb"}, {Key: "member", Value: "cccccccccccccccccccc"}, {Key: "awardedAt", Value: at},
		{Key: "json", Value: "{}"}, {Key: "jwt", Value: "x"}, {Key: "revokedAt", Value: at}, {Key: "revocationReason", Value: "Misconduct."}})
	if err != nil {
		t.Fatal(err)
	}
	fresh := mongodb.NewCredentialStore(mongotest.Connect(t, db.Name()))
	for id, want := range map[string]bool{published.ID: true, older: false} {
		got, err := fresh.Credential(ctx, id)
		if err != nil || !got.Revoked() || got.RevocationReason == "" || got.ReasonPublic != want {
			t.Errorf("credential %s: %+v, %v; want the reason public %v", id, got, err, want)
		}
	}
}
