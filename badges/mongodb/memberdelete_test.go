package mongodb_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// breakIndexWrite makes the next write of a member index chunk that would
// store want fail: another document holds it under a unique index, as a
// database refusing one write does. The returned func lifts it.
func breakIndexWrite(t *testing.T, db *database.DB, want bson.RawValue) func() {
	t.Helper()
	ctx := context.Background()
	idx := db.Collection(database.MemberIndex)
	if _, err := idx.InsertOne(ctx, bson.D{{Key: "_id", Value: "decoy"}, {Key: "data", Value: want}}); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "data", Value: 1}}, Options: options.Index().SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := idx.DeleteOne(ctx, database.ByID("decoy")); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMemberService_DeleteRetriedAfterIndexFails: a delete whose search
// index write fails is repaired by trying it again: the member is gone
// from the list, its count, its search and its names.
func TestMemberService_DeleteRetriedAfterIndexFails(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	s := mongodb.NewMemberService(db)
	if _, err := s.RebuildIndex(ctx); err != nil { // the index of no members, ready for searches
		t.Fatal(err)
	}
	if _, err := s.CreateMember(ctx, issuerA, badges.MemberInput{Email: "ann@example.org", DisplayName: "Ann Keeper"}); err != nil {
		t.Fatal(err)
	}
	// What the chunk holds with Ann alone: what deleting Bea writes.
	alone, err := db.Collection(database.MemberIndex).FindOne(ctx, database.ByID("chunk:"+issuerA+":0")).Raw()
	if err != nil {
		t.Fatal(err)
	}
	bea, err := s.CreateMember(ctx, issuerA, badges.MemberInput{Email: "bea@example.org", DisplayName: "Bea Leaver"})
	if err != nil {
		t.Fatal(err)
	}
	lift := breakIndexWrite(t, db, alone.Lookup("data"))
	if err := s.DeleteMember(ctx, bea.ID); err == nil {
		t.Fatal("the delete succeeded with its index write refused")
	}
	lift()
	if err := s.DeleteMember(ctx, bea.ID); err != nil {
		t.Errorf("the retry: %v", err)
	}
	p, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuerA, Query: badges.FoldSearch("Leaver"), ListOptions: badges.ListOptions{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 0 {
		t.Errorf("search for the deleted member: %d found; want none", len(p.Items))
	}
	names, err := s.MemberNames(ctx, issuerA, []string{bea.ID})
	if err != nil || names[bea.ID] != "" {
		t.Errorf("names: %v, %v; want none for the deleted member", names, err)
	}
	if _, err := s.Member(ctx, bea.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("the member: %v; want it gone", err)
	}
	if n := memberCount(t, s, issuerA); n != 1 {
		t.Errorf("%d members listed and counted; want 1", n)
	}
}
