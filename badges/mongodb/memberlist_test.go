package mongodb_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestMemberList_FromIndex lists members from the member index and from
// the list pages after imports, creations, changes and deletions (a
// whole index chunk of them among others, and members past the first
// list page of 1,000): every page, total and cursor is the same, at
// every page size, and another community's members never show. Members
// read by id from the index (MembersByID, MemberNames) are those read one
// at a time.
func TestMemberList_FromIndex(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	if err := s.PrepareIndex(ctx); err != nil {
		t.Fatal(err)
	}
	emails := make([]string, 1100)
	for i := range emails {
		emails[i] = fmt.Sprintf("m%d@example.org", i)
	}
	if _, err := s.ImportMembers(ctx, issuerA, importRows(t, emails...), false); err != nil {
		t.Fatal(err)
	}
	mustCreateMember(t, s, issuerB, badges.MemberInput{Email: "other@example.org", DisplayName: "Other"})
	all := pagedIDs(t, s)
	wantSameLists(t, s, "after the import")
	deleted := 0
	for i, id := range all {
		// Seqs 513–768 are the third index chunk: it is left with no rows.
		if i%7 == 3 || i >= 512 && i < 768 || i == len(all)-1 {
			if err := s.DeleteMember(ctx, id); err != nil {
				t.Fatal(err)
			}
			deleted++
		}
	}
	name := "Renamed <b>member</b>"
	for _, id := range all[:40:40] {
		if _, err := s.UpdateMember(ctx, id, badges.MemberUpdate{DisplayName: &name}); badges.ErrorCode(err) != badges.ENOTFOUND && err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		mustCreateMember(t, s, issuerA, badges.MemberInput{Email: fmt.Sprintf("late%d@example.org", i), DisplayName: "Late"})
	}
	wantSameLists(t, s, "after deletions, changes and creations")
	other := mustCreateMember(t, s, issuerB, badges.MemberInput{Email: "other2@example.org", DisplayName: "Other"})
	wantSameMembers(t, s, append(all[:300:300], other.ID, "nobodynobodynobody00"))
	if n := len(pagedIDs(t, s)); n != len(all)-deleted+5 {
		t.Fatalf("%d members listed after the deletions", n)
	}
}

// wantSameMembers reads members by id from the member index and one at a
// time: the same members, those deleted and another community's left out.
func wantSameMembers(t *testing.T, s *mongodb.MemberService, ids []string) {
	t.Helper()
	ctx := context.Background()
	got, err := s.MembersByID(ctx, issuerA, ids)
	if err != nil {
		t.Fatal(err)
	}
	names, err := s.MemberNames(ctx, issuerA, ids)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*badges.Member{}
	for _, id := range ids {
		m, err := s.Member(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND || err == nil && m.IssuerID != issuerA {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		want[id] = m
		if names[id] != m.DisplayName {
			t.Fatalf("MemberNames named %s %q, want %q", id, names[id], m.DisplayName)
		}
	}
	if !reflect.DeepEqual(got, want) || len(names) != len(want) {
		t.Fatalf("from the index %d members (%d names), one at a time %d", len(got), len(names), len(want))
	}
}

// wantSameLists walks the list both ways at several page sizes, and
// wants the same pages.
func wantSameLists(t *testing.T, s *mongodb.MemberService, when string) {
	t.Helper()
	ctx := context.Background()
	for _, limit := range []int{1, 7, 50, 200} {
		f := badges.MemberFilter{IssuerID: issuerA, ListOptions: badges.ListOptions{Limit: limit}}
		for pages := 1; ; pages++ {
			got, err := s.Members(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.PagedMembers(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, limit %d, page %d: from the index %+v, from the list pages %+v", when, limit, pages, got, want)
			}
			if got.NextCursor == "" || limit == 1 && pages == 60 {
				break
			}
			f.Cursor = got.NextCursor
		}
	}
}

// pagedIDs is every member of issuerA, as the list pages list them.
func pagedIDs(t *testing.T, s *mongodb.MemberService) []string {
	t.Helper()
	var ids []string
	f := badges.MemberFilter{IssuerID: issuerA, ListOptions: badges.ListOptions{Limit: badges.MaxPageSize}}
	for {
		p, err := s.PagedMembers(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Items {
			ids = append(ids, m.ID)
		}
		if p.NextCursor == "" {
			return ids
		}
		f.Cursor = p.NextCursor
	}
}
