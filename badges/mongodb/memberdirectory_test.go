package mongodb_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestMemberService_PublicMembers: the directory lists, by folded name,
// only the community's members who consent to a public profile; not one
// who withdrew consent, nor a forgotten member, nor another community's.
func TestMemberService_PublicMembers(t *testing.T) {
	ctx := t.Context()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	if _, err := s.RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "zoe@example.org", DisplayName: "zoë Ørsted", Slug: "zoe", PublicProfile: true})
	mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada Lovelace", Slug: "ada", PublicProfile: true})
	mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "quiet@example.org", DisplayName: "Quiet One", Slug: "quiet"})
	gone := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "gone@example.org", DisplayName: "Gone Away", Slug: "gone", PublicProfile: true})
	changed := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "shy@example.org", DisplayName: "Shy Later", Slug: "shy", PublicProfile: true})
	mustCreateMember(t, s, issuerB, badges.MemberInput{Email: "other@example.org", DisplayName: "Other Place", Slug: "other", PublicProfile: true})
	if _, err := s.ForgetMember(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	off := false
	if _, err := s.UpdateMember(ctx, changed.ID, badges.MemberUpdate{PublicProfile: &off}); err != nil {
		t.Fatal(err)
	}
	got, err := s.PublicMembers(ctx, issuerA)
	if err != nil {
		t.Fatal(err)
	}
	want := []badges.ListedMember{{Name: "Ada Lovelace", Slug: "ada", Key: "ada lovelace"}, {Name: "zoë Ørsted", Slug: "zoe", Key: "zoe ørsted"}}
	if len(got) != len(want) {
		t.Fatalf("directory %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: %+v; want %+v", i, got[i], want[i])
		}
	}
	if empty, err := s.PublicMembers(ctx, "nobody"); err != nil || len(empty) != 0 {
		t.Errorf("a community without members: %v, %v", empty, err)
	}
}

// BenchmarkMemberService_PublicMembers reads the public directory of a
// community of 10,000 members, half of whom chose a public profile: one
// pass over the member index, as the public directory and the front door
// do at most once per community every few seconds.
func BenchmarkMemberService_PublicMembers(b *testing.B) {
	ctx := b.Context()
	s := mongodb.NewMemberService(mongotest.NewDB(b))
	if _, err := s.RebuildIndex(ctx); err != nil {
		b.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("email,displayName,slug,publicProfile\n")
	for i := range 10000 {
		fmt.Fprintf(&csv, "m%d@example.org,Member %d,member-%d,%v\n", i, i, i, i%2 == 0)
	}
	rows, err := badges.ParseMemberCSV(strings.NewReader(csv.String()), 10000)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, issuerA, rows, false); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ms, err := s.PublicMembers(ctx, issuerA)
		if err != nil || len(ms) != 5000 {
			b.Fatalf("%d members, %v", len(ms), err)
		}
	}
}
