package issuer_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// TestService_AwardedDate: an award dated when it was earned says so in
// its signed credential (JSON and VC-JWT) and counts in that week's
// statistics, while validFrom stays the moment it was issued; a date in
// the future or before 2000 is refused, naming the field.
func TestService_AwardedDate(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{})
	earned := time.Now().UTC().AddDate(0, 0, -90).Truncate(time.Second)
	c := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada", AwardedDate: earned.Add(300 * time.Millisecond)})
	var doc struct{ ValidFrom, AwardedDate string }
	if err := json.Unmarshal(c.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	jwt, err := ob3.ParseJWT(c.JWT)
	if err != nil {
		t.Fatal(err)
	}
	if doc.AwardedDate != earned.Format(time.RFC3339) || jwt.Credential["awardedDate"] != doc.AwardedDate ||
		doc.ValidFrom != c.AwardedAt.Format(time.RFC3339) || time.Since(c.AwardedAt) > time.Minute {
		t.Fatalf("awardedDate %q (JWT %v), validFrom %q; want %s and about now", doc.AwardedDate, jwt.Credential["awardedDate"], doc.ValidFrom, earned)
	}
	if diErr, jwtErr := f.verify(t, c); diErr != nil || jwtErr != nil {
		t.Fatalf("data integrity: %v; jwt: %v", diErr, jwtErr)
	}
	stored, err := f.deps.Credentials.Credential(t.Context(), c.ID)
	if err != nil || !stored.Earned().Equal(earned) {
		t.Fatalf("stored: %+v, %v", stored, err)
	}
	weeks, err := wire.NewStores(f.db).Stats.Weeks(t.Context(), f.issuer.ID, []string{badges.WeekKey(earned), badges.WeekKey(time.Now())})
	if err != nil || weeks[0].Awards[f.ach.ID] != 1 || weeks[1].Awards[f.ach.ID] != 0 {
		t.Fatalf("weeks: %+v, %v", weeks, err)
	}

	for name, at := range map[string]time.Time{
		"in the future":        time.Now().Add(time.Hour),
		"before the year 2000": time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.svc.Award(t.Context(), f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "bo@example.org", Name: "Bo", AwardedDate: at})
			var fe *badges.Error
			if !errors.As(err, &fe) || fe.Code != badges.EINVALID || fe.Field != "awardedDate" {
				t.Fatalf("Award dated %s = %v; want EINVALID on awardedDate", at, err)
			}
		})
	}
}
