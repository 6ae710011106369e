package issuer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// TestService_At issues a credential on a clock in the past, as the demo
// writes its history: it is signed then, its validity runs from then, so
// it has expired by now, and the service it came from keeps its own
// clock.
func TestService_At(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{Name: "Event Steward", Description: "Briefed to steward events.",
		Criteria: "Take the briefing.", Level: "participation", ValidityDays: 90})
	ctx := context.Background()
	then := time.Now().UTC().AddDate(0, 0, -100).Truncate(time.Second)
	old, _, err := f.svc.At(func() time.Time { return then }).Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "ada@example.org", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if !old.AwardedAt.Equal(then) || !old.ValidUntil.Equal(then.AddDate(0, 0, 90)) {
		t.Errorf("issued at %s, valid until %s; want %s and 90 days later", old.AwardedAt, old.ValidUntil, then)
	}
	if diErr, jwtErr := f.verify(t, old); diErr != nil || !errors.Is(jwtErr, ob3.ErrJWTExpired) {
		t.Errorf("the credential issued in the past: proof %v, JWT %v; want a good proof on an expired credential", diErr, jwtErr)
	}
	current := f.mustAward(t, badges.AwardInput{Email: "bob@example.org", Name: "Bob"})
	if !current.ValidUntil.After(time.Now()) {
		t.Errorf("the service's own award is valid until %s, before now: it took the other clock", current.ValidUntil)
	}
	if got := issuer.EntryStatus(old.RevokedAt, old.ValidUntil, time.Now()); got != issuer.CredentialExpired {
		t.Errorf("the credential issued 100 days ago for 90 is %s now; want expired", got)
	}
}
