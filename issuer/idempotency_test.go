package issuer_test

import (
	"context"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// TestService_IdempotencyKeyReused: a key sent again with the same award
// answers with the first credential; with a different award it is refused,
// and nothing is issued.
func TestService_IdempotencyKeyReused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{Name: "Attendee", Description: "Attended.", Criteria: "Attend.", Repeatable: true})
	in := badges.AwardInput{AchievementID: f.ach.ID, Email: "a@example.org", Name: "A", Narrative: "Came to the October meetup.", IdempotencyKey: "request-1"}
	first := f.mustAward(t, in)
	t.Run("OK/same award, written differently", func(t *testing.T) {
		same := in
		same.Email, same.Narrative = "A@Example.org", "  Came to the October meetup. "
		c, issued, err := f.svc.Award(ctx, f.issuer.ID, same)
		if err != nil || issued || c.ID != first.ID {
			t.Fatalf("retry: %v, issued %v, credential %v; want %s", err, issued, c, first.ID)
		}
	})
	for _, tc := range []struct {
		name   string
		change func(*badges.AwardInput)
	}{
		{"another narrative", func(in *badges.AwardInput) { in.Narrative = "Came to the November meetup." }},
		{"another recipient", func(in *badges.AwardInput) { in.Email = "b@example.org" }},
		{"evidence added", func(in *badges.AwardInput) {
			in.Evidence = []badges.Evidence{{URL: "https://gophers.example.org/meetups/october"}}
		}},
	} {
		t.Run("422/"+tc.name, func(t *testing.T) {
			other := in
			tc.change(&other)
			c, issued, err := f.svc.Award(ctx, f.issuer.ID, other)
			if badges.ErrorCode(err) != badges.EKEYREUSED || badges.ErrorField(err) != "Idempotency-Key" || c != nil || issued {
				t.Fatalf("Award = %v, issued %v, err %v; want EKEYREUSED on Idempotency-Key", c, issued, err)
			}
		})
	}
	t.Run("OK/key made before requests were hashed", func(t *testing.T) {
		// A claim stored by an earlier version holds the credential id
		// alone: it still answers retries, whatever their body.
		key := issuer.IdempotencyClaim(f.issuer.ID, in.IdempotencyKey)
		holder, err := f.db.KeyRef(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.ReleaseKey(ctx, key, holder); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.ClaimKey(ctx, key, first.ID, nil); err != nil {
			t.Fatal(err)
		}
		other := in
		other.Narrative = "Something else."
		c, issued, err := f.svc.Award(ctx, f.issuer.ID, other)
		if err != nil || issued || c.ID != first.ID {
			t.Fatalf("retry: %v, issued %v, credential %v; want %s", err, issued, c, first.ID)
		}
	})
}

// TestService_AwardManyKeyReused: a bulk award resent under the same key
// answers the unchanged rows with their credentials and refuses the
// changed ones, issuing nothing.
func TestService_AwardManyKeyReused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{Name: "Attendee", Description: "Attended.", Criteria: "Attend.", Repeatable: true})
	rows := []badges.AwardInput{
		{AchievementID: f.ach.ID, Email: "a@example.org", Name: "A"},
		{AchievementID: f.ach.ID, Email: "b@example.org", Name: "B"},
	}
	first, err := f.svc.AwardMany(ctx, f.issuer.ID, "bulk-1", rows)
	if err != nil {
		t.Fatal(err)
	}
	changed := []badges.AwardInput{rows[0], {AchievementID: f.ach.ID, Email: "c@example.org", Name: "C"}}
	again, err := f.svc.AwardMany(ctx, f.issuer.ID, "bulk-1", changed)
	if err != nil {
		t.Fatal(err)
	}
	if r := again[0]; r.Outcome != issuer.OutcomeHeld || r.Credential == nil || r.Credential.ID != first[0].Credential.ID {
		t.Errorf("unchanged row: %+v; want held with %s", r, first[0].Credential.ID)
	}
	if r := again[1]; r.Outcome != issuer.OutcomeRejected || badges.ErrorCode(r.Err) != badges.EKEYREUSED || r.Credential != nil {
		t.Errorf("changed row: %+v; want rejected with EKEYREUSED", r)
	}
	page, err := f.members.Members(ctx, badges.MemberFilter{IssuerID: f.issuer.ID, Email: "c@example.org"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("member c: %v, %v", page, err)
	}
	sc, err := f.svc.MemberShowcase(ctx, page.Items[0].ID)
	if err != nil || len(sc.Entries) != 0 {
		t.Fatalf("member c holds %v (%v); want nothing issued", sc, err)
	}
}
