package mongodb_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestMemberService_Forget: a forgotten member keeps their id, place and
// count, as "Former member" with no address, slug or external id; nothing
// finds them by those, the address and slug are free for a new member,
// the member cannot be changed, and forgetting again changes nothing.
func TestMemberService_Forget(t *testing.T) {
	ctx := t.Context()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	if _, err := s.RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	ann := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "ann@example.org", DisplayName: "Ann Keeper", ExternalID: "ext-1", Slug: "ann", PublicProfile: true})
	mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "bea@example.org", DisplayName: "Bea Stayer"})
	f, err := s.ForgetMember(ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != ann.ID || f.DisplayName != badges.FormerMemberName || f.Email != "" || f.Slug != "" || f.ExternalID != "" || f.PublicProfile || !f.Forgotten() {
		t.Errorf("forgotten member %+v", f)
	}
	for _, filter := range []badges.MemberFilter{{Email: "ann@example.org"}, {ExternalID: "ext-1"}, {Query: badges.FoldSearch("Keeper")}, {Query: badges.FoldSearch("ann@")}} {
		filter.IssuerID, filter.Limit = issuerA, 10
		p, err := s.Members(ctx, filter)
		if err != nil || len(p.Items) != 0 {
			t.Errorf("%+v: %v, %v; want nothing found", filter, p, err)
		}
	}
	if _, err := s.MemberBySlug(ctx, "ann"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Errorf("by slug: %v; want not found", err)
	}
	if n := memberCount(t, s, issuerA); n != 2 {
		t.Errorf("%d members listed and counted; want 2, the former member too", n)
	}
	names, err := s.MemberNames(ctx, issuerA, []string{ann.ID})
	if err != nil || names[ann.ID] != badges.FormerMemberName {
		t.Errorf("names %v, %v", names, err)
	}
	again, err := s.ForgetMember(ctx, ann.ID)
	if err != nil || again.ForgottenAt != f.ForgottenAt {
		t.Errorf("forgetting again: %+v, %v; want unchanged", again, err)
	}
	name := "Ann"
	if _, err := s.UpdateMember(ctx, ann.ID, badges.MemberUpdate{DisplayName: &name}); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Errorf("changing a forgotten member: %v; want a conflict", err)
	}
	back := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "ann@example.org", DisplayName: "Ann Again", Slug: "ann", ExternalID: "ext-1"})
	if back.ID == ann.ID {
		t.Error("the address came back as the forgotten member")
	}
}
