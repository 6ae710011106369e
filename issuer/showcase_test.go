package issuer_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// TestService_Showcases follows what the public pages list as credentials
// are issued one by one, replayed, issued in bulk and revoked.
func TestService_Showcases(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{Name: "Attendee", Description: "Attended.", Criteria: "Attend.", Repeatable: true})
	wantAchievement := func(t *testing.T, earned int, recent ...string) {
		t.Helper()
		sc, err := f.svc.AchievementShowcase(ctx, f.ach.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range sc.Recent {
			got = append(got, e.CredentialID)
		}
		if sc.Earned != earned || fmt.Sprint(got) != fmt.Sprint(recent) {
			t.Fatalf("achievement showcase: earned %d, recent %v; want %d, %v", sc.Earned, got, earned, recent)
		}
	}

	in := badges.AwardInput{AchievementID: f.ach.ID, Email: "ada@example.org", Name: "Ada", IdempotencyKey: "first"}
	first := f.mustAward(t, in)
	f.mustAward(t, in) // replayed: nothing changes
	wantAchievement(t, 1, first.ID)

	time.Sleep(1100 * time.Millisecond) // awards are dated to the second; the next is newer
	in.IdempotencyKey = "second"
	second := f.mustAward(t, in)
	wantAchievement(t, 2, second.ID, first.ID)

	member, err := f.svc.MemberShowcase(ctx, first.MemberID)
	if err != nil {
		t.Fatal(err)
	}
	if member.Total != 2 || len(member.Entries) != 2 || member.Entries[0].CredentialID != second.ID ||
		member.Entries[1].CredentialID != first.ID || member.Entries[0].AchievementID != f.ach.ID {
		t.Fatalf("member showcase %+v", member)
	}

	// Bulk: a new member, Ada again, and a resent request.
	rows := []badges.AwardInput{
		{AchievementID: f.ach.ID, Email: "grace@example.org", Name: "Grace"},
		{AchievementID: f.ach.ID, Email: "ada@example.org"},
	}
	res, err := f.svc.AwardMany(ctx, f.issuer.ID, "batch", rows)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AwardMany(ctx, f.issuer.ID, "batch", rows); err != nil {
		t.Fatal(err)
	}
	sc, err := f.svc.AchievementShowcase(ctx, f.ach.ID)
	if err != nil || sc.Earned != 4 || len(sc.Recent) != 4 {
		t.Fatalf("after the bulk award: %+v, %v; want 4 earned", sc, err)
	}
	grace, err := f.svc.MemberShowcase(ctx, res[0].Credential.MemberID)
	if err != nil || grace.Total != 1 || grace.Entries[0].CredentialID != res[0].Credential.ID {
		t.Fatalf("Grace's showcase %+v, %v", grace, err)
	}

	// Revoking uncounts, once, and marks the member's entry.
	if _, err := f.svc.Revoke(ctx, first.ID, badges.RevokeInput{Reason: "Issued by mistake."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Revoke(ctx, first.ID, badges.RevokeInput{Reason: "Again."}); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("second revocation: %v", err)
	}
	sc, err = f.svc.AchievementShowcase(ctx, f.ach.ID)
	if err != nil || sc.Earned != 3 || len(sc.Recent) != 3 {
		t.Fatalf("after revoking: %+v, %v; want 3 earned", sc, err)
	}
	for _, e := range sc.Recent {
		if e.CredentialID == first.ID {
			t.Fatal("the revoked credential is still among the recent ones")
		}
	}
	member, err = f.svc.MemberShowcase(ctx, first.MemberID)
	if err != nil || member.Total != 3 {
		t.Fatalf("Ada's showcase %+v, %v", member, err)
	}
	for _, e := range member.Entries {
		if e.Revoked != (e.CredentialID == first.ID) {
			t.Errorf("entry %s revoked = %v", e.CredentialID, e.Revoked)
		}
	}
}

func TestShowcaseBounds(t *testing.T) {
	var m issuer.MemberShowcase
	var a issuer.AchievementShowcase
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range issuer.MaxMemberShowcase + 10 {
		e := issuer.ShowcaseEntry{CredentialID: fmt.Sprintf("c%04d", i), AwardedAt: start.Add(time.Duration(i) * time.Minute)}
		if !m.AddToMember(e) || m.AddToMember(e) {
			t.Fatalf("entry %d: added twice or not at all", i)
		}
		a.Add(e)
	}
	if len(m.Entries) != issuer.MaxMemberShowcase || m.Total != issuer.MaxMemberShowcase+10 ||
		m.Entries[0].CredentialID != fmt.Sprintf("c%04d", issuer.MaxMemberShowcase+9) {
		t.Fatalf("member showcase: %d entries, total %d, newest %s", len(m.Entries), m.Total, m.Entries[0].CredentialID)
	}
	if len(a.Recent) != issuer.MaxAchievementRecent || a.Earned != issuer.MaxMemberShowcase+10 {
		t.Fatalf("achievement showcase: %d recent, %d earned", len(a.Recent), a.Earned)
	}
	// An older entry arriving late goes in its place.
	late := issuer.ShowcaseEntry{CredentialID: "late", AwardedAt: start.Add(time.Duration(issuer.MaxMemberShowcase+5)*time.Minute + time.Second)}
	m.AddToMember(late)
	if m.Entries[4].CredentialID != "late" {
		t.Fatalf("late entry at the wrong place: %v", m.Entries[3:6])
	}
	if !m.MarkRevoked("late") || m.MarkRevoked("late") {
		t.Fatal("MarkRevoked must report the first revocation only")
	}
	// A credential too old to be listed is counted once too, as long as
	// the showcase's memory of such revocations reaches back to it.
	if !m.MarkRevoked("c0000") || m.MarkRevoked("c0000") {
		t.Fatal("MarkRevoked must report the first revocation of an unlisted credential only")
	}
	for i := range issuer.MaxRevokedUnlisted {
		m.MarkRevoked(fmt.Sprintf("old%04d", i))
	}
	if len(m.RevokedUnlisted) != issuer.MaxRevokedUnlisted || slices.Contains(m.RevokedUnlisted, "c0000") {
		t.Fatalf("%d unlisted revocations remembered; the oldest must go first", len(m.RevokedUnlisted))
	}
}

func TestMemberShowcase_List(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	entry := func(id, level string, revoked bool) issuer.ShowcaseEntry {
		return issuer.ShowcaseEntry{CredentialID: id, AchievementID: "a-" + id, Level: level, MemberID: "m", AwardedAt: at, Revoked: revoked}
	}
	for _, tc := range []struct {
		name                string
		have, list          []issuer.ShowcaseEntry
		wantAdded           []string
		wantLevels          []string
		wantTotal, wantKept int
	}{
		{"first badges", nil, []issuer.ShowcaseEntry{entry("c1", "leadership", false), entry("c2", "", false), entry("c3", "contribution", false)},
			[]string{"c1", "c2", "c3"}, []string{"contribution", "leadership"}, 3, 3},
		{"listed already", []issuer.ShowcaseEntry{entry("c1", "leadership", false)}, []issuer.ShowcaseEntry{entry("c1", "leadership", false)},
			nil, nil, 1, 1},
		{"a level held already", []issuer.ShowcaseEntry{entry("c1", "leadership", false)}, []issuer.ShowcaseEntry{entry("c2", "leadership", false)},
			[]string{"c2"}, nil, 2, 2},
		{"a level held only by a revoked badge", []issuer.ShowcaseEntry{entry("c1", "leadership", true)}, []issuer.ShowcaseEntry{entry("c2", "leadership", false)},
			[]string{"c2"}, []string{"leadership"}, 2, 2},
		{"the same credential twice in one batch", nil, []issuer.ShowcaseEntry{entry("c1", "", false), entry("c1", "", false)},
			[]string{"c1"}, nil, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := issuer.MemberShowcase{}
			for _, e := range tc.have {
				m.AddToMember(e)
			}
			l := m.List(tc.list)
			var added []string
			for _, e := range l.Added {
				added = append(added, e.CredentialID)
			}
			if !slices.Equal(added, tc.wantAdded) || !slices.Equal(l.NewLevels, tc.wantLevels) || m.Total != tc.wantTotal || len(m.Entries) != tc.wantKept {
				t.Fatalf("List = added %v, levels %v, total %d, %d listed; want %v, %v, %d, %d",
					added, l.NewLevels, m.Total, len(m.Entries), tc.wantAdded, tc.wantLevels, tc.wantTotal, tc.wantKept)
			}
		})
	}
}

func TestCountIssued(t *testing.T) {
	monday := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tuesday := monday.Add(24 * time.Hour)
	e := func(cred, ach string, at time.Time) issuer.ShowcaseEntry {
		return issuer.ShowcaseEntry{CredentialID: cred, AchievementID: ach, MemberID: "m-" + cred, AwardedAt: at}
	}
	got := issuer.CountIssued([]issuer.Listed{
		{Added: []issuer.ShowcaseEntry{e("c1", "host", monday), e("c2", "mentor", tuesday)}, NewLevels: []string{"leadership"}},
		{Added: []issuer.ShowcaseEntry{e("c3", "host", monday)}, NewLevels: []string{"contribution", "leadership"}},
		{}, // a member whose showcase listed everything already
	})
	want := issuer.IssuedCounts{
		ByAchievement: map[string][]issuer.ShowcaseEntry{"host": {e("c1", "host", monday), e("c3", "host", monday)}, "mentor": {e("c2", "mentor", tuesday)}},
		Awards: []badges.CountedAward{{AchievementID: "host", MemberID: "m-c1", At: monday}, {AchievementID: "mentor", MemberID: "m-c2", At: tuesday},
			{AchievementID: "host", MemberID: "m-c3", At: monday}},
		Reached: map[string]int{"leadership": 2, "contribution": 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CountIssued = %+v\nwant %+v", got, want)
	}
	if empty := issuer.CountIssued(nil); len(empty.ByAchievement)+len(empty.Awards)+len(empty.Reached) != 0 {
		t.Fatalf("CountIssued(nil) = %+v", empty)
	}
}

// TestService_RevokeUnlistedAgain revokes, twice, a credential too old to
// be listed on its member's showcase: the achievement's holder count goes
// down once, although the second revocation finishes the showcases again.
func TestService_RevokeUnlistedAgain(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{Name: "Attendee", Description: "Attended.", Criteria: "Attend.", Repeatable: true})
	rows := make([]badges.AwardInput, issuer.MaxMemberShowcase+1)
	for i := range rows {
		rows[i] = badges.AwardInput{AchievementID: f.ach.ID, Email: "ada@example.org", Name: "Ada", Narrative: fmt.Sprintf("Session %d.", i)}
	}
	res, err := f.svc.AwardMany(ctx, f.issuer.ID, "", rows)
	if err != nil {
		t.Fatal(err)
	}
	member, err := f.svc.MemberShowcase(ctx, res[0].Credential.MemberID)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, e := range member.Entries {
		listed[e.CredentialID] = true
	}
	var oldest *issuer.Credential
	for _, r := range res {
		if !listed[r.Credential.ID] {
			oldest = r.Credential
		}
	}
	if oldest == nil || len(listed) != issuer.MaxMemberShowcase {
		t.Fatalf("%d credentials listed of %d, none left out", len(listed), len(res))
	}
	if _, err := f.svc.Revoke(ctx, oldest.ID, badges.RevokeInput{Reason: "Recorded twice."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Revoke(ctx, oldest.ID, badges.RevokeInput{Reason: "Recorded twice."}); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("second revocation: %v, want a conflict", err)
	}
	sc, err := f.svc.AchievementShowcase(ctx, f.ach.ID)
	if err != nil || sc.Earned != len(rows)-1 {
		t.Fatalf("earned %d (%v), want %d", sc.Earned, err, len(rows)-1)
	}
}
