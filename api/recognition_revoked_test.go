package api_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestRecognition_RevokedByHandWhileHeld: a repeatable badge awarded by
// hand and revoked this month is not awarded again by its rule this month,
// though the member still holds an older credential of it.
func TestRecognition_RevokedByHandWhileHeld(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "repeatable": true})["id"].(string)
	h := newRuleAwards(t, ts, iss, ach, `{"condition":{"count":{"behaviour":"hosted-session","min":1,"withinDays":60}},"period":"month"}`)
	h.member = mustMember(t, ts, iss, "host@example.org", "Host")
	now := time.Now().UTC()
	for i, earned := range []time.Time{now.AddDate(0, 0, -40), {}} {
		c, _, err := h.issuing.Award(t.Context(), iss, badges.AwardInput{AchievementID: ach, MemberID: h.member,
			Narrative: "Hosted by hand.", AwardedDate: earned})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			continue // the older credential stays held
		}
		if _, err := h.issuing.Revoke(t.Context(), c.ID, badges.RevokeInput{Reason: "Awarded by mistake."}); err != nil {
			t.Fatal(err)
		}
	}
	h.record(now, "a")
	got := h.credentials(2)
	revoked := 0
	for _, e := range got {
		if e.Revoked {
			revoked++
		}
	}
	if revoked != 1 {
		t.Fatalf("after revoking this month's award and more activity: %+v", got)
	}
}
