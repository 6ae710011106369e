package mongodb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

func searchTotal(t *testing.T, s *mongodb.MemberService, q string) int {
	t.Helper()
	p, err := s.Members(context.Background(), badges.MemberFilter{IssuerID: issuerA, Query: badges.FoldSearch(q)})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// TestMemberIndex_Concurrent creates and renames members at once, through
// two connections as two processes would: the index ends with every
// member under their last name.
func TestMemberIndex_Concurrent(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s1, s2 := mongodb.NewMemberService(db), mongodb.NewMemberService(mongotest.Connect(t, db.Name()))
	if err := s1.PrepareIndex(ctx); err != nil {
		t.Fatal(err)
	}
	var first []*badges.Member
	for i := range 40 {
		first = append(first, mustCreateMember(t, s1, issuerA, badges.MemberInput{Email: fmt.Sprintf("m%d@example.org", i), DisplayName: "Early"}))
	}
	var work []func() error
	for i, m := range first {
		s := []*mongodb.MemberService{s1, s2}[i%2]
		name := "Renamed"
		work = append(work, func() error { _, err := s.UpdateMember(ctx, m.ID, badges.MemberUpdate{DisplayName: &name}); return err })
		work = append(work, func() error {
			_, err := s.CreateMember(ctx, issuerA, badges.MemberInput{Email: fmt.Sprintf("late%d@example.org", i), DisplayName: "Late"})
			return err
		})
	}
	for _, err := range mongotest.AtOnce(work...) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, m, e := searchTotal(t, s1, "renamed"), searchTotal(t, s1, "late"), searchTotal(t, s1, "early"); n != 40 || m != 40 || e != 0 {
		t.Fatalf("renamed %d, late %d, early %d; want 40, 40, 0", n, m, e)
	}
}

// TestMemberIndex_Rebuild builds the index of a database whose members
// were stored before it existed.
func TestMemberIndex_Rebuild(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s := mongodb.NewMemberService(db)
	var csv strings.Builder
	csv.WriteString("email,displayName\n")
	for i := range 600 {
		fmt.Fprintf(&csv, "m%d@example.org,Member %d\n", i, i)
	}
	rows, err := badges.ParseMemberCSV(strings.NewReader(csv.String()), 600)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := s.ImportMembers(ctx, issuerA, rows, false); err != nil || !rep.Applied {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	if _, err := db.Collection(database.MemberIndex).DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	s = mongodb.NewMemberService(db)
	if err := s.PrepareIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuerA, Query: "member"}); badges.ErrorCode(err) != badges.EUNAVAILABLE {
		t.Fatalf("before the rebuild: %v, want unavailable", err)
	}
	if n, err := s.RebuildIndex(ctx); err != nil || n != 600 {
		t.Fatalf("rebuilt %d, %v", n, err)
	}
	if n := searchTotal(t, s, "member 59"); n != 11 { // 59, 590…599
		t.Fatalf("found %d, want 11", n)
	}
}
