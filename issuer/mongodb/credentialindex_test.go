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

const testIssuer = "iiiiiiiiiiiiiiiiiiii"

// newCredentials stores n credentials of testIssuer, awarded a second
// apart, in status slots spread over several index chunks.
func newCredentials(t *testing.T, s *mongodb.CredentialStore, n int) []*issuer.Credential {
	t.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := make([]*issuer.Credential, n)
	for i := range cs {
		cs[i] = &issuer.Credential{ID: badges.NewID(), IssuerID: testIssuer, AchievementID: "aaaaaaaaaaaaaaaaaaaa",
			MemberID: "mmmmmmmmmmmmmmmmmmmm", AwardedAt: start.Add(time.Duration(i) * time.Second), StatusIndex: i * 997 % 131072,
			JSON: []byte("{}"), JWT: "x"}
	}
	for _, err := range s.CreateCredentials(context.Background(), cs) {
		if err != nil {
			t.Fatal(err)
		}
	}
	return cs
}

func count(t *testing.T, s *mongodb.CredentialStore, status issuer.CredentialStatus) int {
	t.Helper()
	p, err := s.FindCredentials(context.Background(), issuer.CredentialFilter{IssuerID: testIssuer, Status: status, At: time.Now(), ListOptions: badges.ListOptions{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// TestCredentialIndex_ConcurrentIssueAndRevoke indexes credentials and
// their revocations at once, through two connections as two processes
// would, revocations sometimes first: every credential is listed once,
// and every revocation kept.
func TestCredentialIndex_ConcurrentIssueAndRevoke(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewCredentialStore(db), mongodb.NewCredentialStore(mongotest.Connect(t, db.Name()))
	if err := s1.PrepareIndex(ctx); err != nil {
		t.Fatal(err)
	}
	cs := newCredentials(t, s1, 120)
	var work []func() error
	for i, c := range cs {
		work = append(work, func() error { return s1.IndexCredentials(ctx, []*issuer.Credential{c}) })
		if i%2 == 0 {
			revoked := *c
			revoked.RevokedAt = time.Now()
			work = append(work, func() error { return s2.IndexCredentials(ctx, []*issuer.Credential{&revoked}) })
		}
	}
	for _, err := range mongotest.AtOnce(work...) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, s1, ""); n != 120 {
		t.Fatalf("%d credentials listed, want 120", n)
	}
	if n := count(t, s1, issuer.CredentialRevoked); n != 60 {
		t.Fatalf("%d revoked, want 60", n)
	}
	// Indexing the issue again (a retried award) undoes no revocation.
	if err := s1.IndexCredentials(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s1, issuer.CredentialRevoked); n != 60 {
		t.Fatalf("%d revoked after indexing again, want 60", n)
	}
}

// TestCredentialIndex_Rebuild builds the index of a database whose
// credentials were stored before it existed: lists wait for it, and then
// list every credential.
func TestCredentialIndex_Rebuild(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	cs := newCredentials(t, mongodb.NewCredentialStore(db), 300)
	if _, err := db.Collection(database.CredentialIndex).DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	s := mongodb.NewCredentialStore(db)
	if err := s.PrepareIndex(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := s.FindCredentials(ctx, issuer.CredentialFilter{IssuerID: testIssuer, At: time.Now()})
	if badges.ErrorCode(err) != badges.EUNAVAILABLE {
		t.Fatalf("before the rebuild: %v, want unavailable", err)
	}
	n, err := s.RebuildIndex(ctx)
	if err != nil || n != 300 {
		t.Fatalf("rebuilt %d, %v", n, err)
	}
	p, err := s.FindCredentials(ctx, issuer.CredentialFilter{IssuerID: testIssuer, At: time.Now(), ListOptions: badges.ListOptions{Limit: 3}})
	if err != nil || p.Total != 300 || len(p.Items) != 3 || p.Items[0].ID != cs[299].ID || p.Items[2].ID != cs[297].ID {
		t.Fatalf("after the rebuild: %+v, %v", p, err)
	}
	if n, err := s.RebuildIndex(ctx); err != nil || n != 0 {
		t.Fatalf("a second rebuild read %d, %v; want nothing to do", n, err)
	}
}
