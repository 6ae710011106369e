package mongodb_test

import (
	"context"
	"math"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// consistent fails the test unless each e-mail address is either held by
// a stored member the list shows, or free with no member stored: never a
// member whose e-mail and slug another member could take, or that no list
// shows.
func consistent(t *testing.T, db *database.DB, s *mongodb.MemberService, issuer string, emails ...string) (stored int) {
	t.Helper()
	ctx := context.Background()
	listed := map[string]bool{}
	if p, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuer, ListOptions: badges.ListOptions{Limit: 100}}); err == nil {
		for _, m := range p.Items {
			listed[m.Email] = true
		}
	}
	for _, e := range emails {
		n, err := db.Collection(database.Members).CountDocuments(ctx, bson.D{{Key: "issuer", Value: issuer}, {Key: "email", Value: e}})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuer, Email: e, ListOptions: badges.ListOptions{Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}
		held := len(p.Items) == 1
		switch {
		case n == 1 && !held:
			t.Errorf("%s: stored, but its e-mail address is free to be taken again", e)
		case n == 1 && !listed[e]:
			t.Errorf("%s: stored, but no list shows it", e)
		case n == 0 && held:
			t.Errorf("%s: not stored, but its e-mail address is held", e)
		}
		stored += int(n)
	}
	return stored
}

// TestMemberService_ImportPartlyStored imports new members one of which
// the database refuses to store (a unique index this test adds stands for
// any failure of one document): the members stored before and after it
// keep their keys and list entries and are reported created; only the
// refused one is rejected, its e-mail address free again.
func TestMemberService_ImportPartlyStored(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s := mongodb.NewMemberService(db)
	members := db.Collection(database.Members)
	if _, err := members.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "name", Value: 1}}, Options: options.Index().SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := members.InsertOne(ctx, bson.D{{Key: "_id", Value: badges.NewID()}, {Key: "issuer", Value: issuerB}, {Key: "name", Value: "Member c"}}); err != nil {
		t.Fatal(err)
	}
	emails := []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"}
	rep, err := s.ImportMembers(ctx, issuerA, importRows(t, emails...), false)
	if err != nil {
		t.Fatal(err)
	}
	if stored := consistent(t, db, s, issuerA, emails...); stored != rep.Count(badges.RowCreated) {
		t.Errorf("%d members stored, %d reported created; rows %+v", stored, rep.Count(badges.RowCreated), rep.Rows)
	}
	if c := rep.Rows[2]; !rep.Applied || c.Status != badges.RowRejected || rep.Count(badges.RowCreated) != 3 {
		t.Errorf("applied %v, rows %+v; want every row but the third created", rep.Applied, rep.Rows)
	}
	if n := memberCount(t, s, issuerA); n != 3 {
		t.Errorf("%d members listed and counted, want 3", n)
	}
}

// breakMemberCount makes adding to an issuer's member count fail, while
// its sequence numbers still work: a count that would overflow stands for
// any failure of that update.
func breakMemberCount(t *testing.T, db *database.DB, issuer string) {
	t.Helper()
	_, err := db.Collection(database.Counters).InsertOne(context.Background(),
		bson.D{{Key: "_id", Value: "members:" + issuer}, {Key: "v", Value: bson.D{{Key: "count", Value: int64(math.MaxInt64)}}}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMemberService_CountFails checks that a failure to count new members
// never leaves a member stored whose e-mail address and slug are free to
// be taken again, whether it is created or imported.
func TestMemberService_CountFails(t *testing.T) {
	ctx := context.Background()
	t.Run("create", func(t *testing.T) {
		db := mongotest.NewDB(t)
		s := mongodb.NewMemberService(db)
		breakMemberCount(t, db, issuerA)
		_, err := s.CreateMember(ctx, issuerA, badges.MemberInput{Email: "a@example.org", DisplayName: "Ann"})
		stored := consistent(t, db, s, issuerA, "a@example.org")
		if (err == nil) != (stored == 1) {
			t.Errorf("create: %v, with %d members stored", err, stored)
		}
	})
	t.Run("import", func(t *testing.T) {
		db := mongotest.NewDB(t)
		s := mongodb.NewMemberService(db)
		breakMemberCount(t, db, issuerA)
		emails := []string{"a@example.org", "b@example.org"}
		rep, err := s.ImportMembers(ctx, issuerA, importRows(t, emails...), false)
		if err != nil {
			t.Fatal(err)
		}
		if stored := consistent(t, db, s, issuerA, emails...); stored != rep.Count(badges.RowCreated) {
			t.Errorf("%d members stored, %d reported created; rows %+v", stored, rep.Count(badges.RowCreated), rep.Rows)
		}
	})
}
