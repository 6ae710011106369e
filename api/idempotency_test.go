package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	imongo "github.com/laurel-badges/laurel/issuer/mongodb"
)

// TestAward_IdempotencyKey: a retried award answers 200 with the first
// credential and issues nothing; the same key with a different award is a
// 422 that issues nothing either; keys are the issuer's own.
func TestAward_IdempotencyKey(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "repeatable": true})
	path := "/api/v1/issuers/" + iss + "/awards"
	key := http.Header{"Idempotency-Key": {"meetup-2026-11-ada"}}
	body := map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada", "narrative": "Hosted November."}

	var first credentialView
	ts.do(t, req{method: "POST", path: path, body: body, header: key}).want(t, 201).JSON(t, &first)
	t.Run("200/retry", func(t *testing.T) {
		// The same award, its JSON written in another order.
		raw := `{"narrative":"Hosted November.","name":"Ada","email":"ada@example.org","achievementId":"` + ach["id"].(string) + `"}`
		r := ts.do(t, req{method: "POST", path: path, body: raw, contentType: "application/json", header: key}).want(t, 200)
		var again credentialView
		r.JSON(t, &again)
		if again.ID != first.ID || r.Header().Get("Location") != "" {
			t.Fatalf("retry answered %s (Location %q), want %s", again.ID, r.Header().Get("Location"), first.ID)
		}
	})
	for name, change := range map[string]map[string]any{
		"another narrative": {"narrative": "Hosted December."},
		"another recipient": {"email": "grace@example.org", "name": "Grace"},
		"results added":     {"results": []map[string]any{{"value": "1 session", "status": "Completed"}}},
	} {
		t.Run("422/"+name, func(t *testing.T) {
			other := map[string]any{}
			for k, v := range body {
				other[k] = v
			}
			for k, v := range change {
				other[k] = v
			}
			ts.do(t, req{method: "POST", path: path, body: other, header: key}).wantProblem(t, 422, badges.EKEYREUSED, "Idempotency-Key")
		})
	}
	t.Run("nothing issued by the refused requests", func(t *testing.T) {
		sc, err := imongo.NewShowcaseStore(ts.db).AchievementShowcase(context.Background(), ach["id"].(string))
		if err != nil || sc.Earned != 1 {
			t.Fatalf("the achievement was earned %d times (%v), want once", sc.Earned, err)
		}
	})
	t.Run("201/same key at another issuer", func(t *testing.T) {
		other := mustIssuer(t, ts)
		otherAch := mustAchievement(t, ts, other, map[string]any{"status": "active"})
		var c credentialView
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + other + "/awards", header: key,
			body: map[string]any{"achievementId": otherAch["id"], "email": "ada@example.org", "name": "Ada"}}).want(t, 201).JSON(t, &c)
		if c.ID == first.ID {
			t.Fatal("another issuer's award answered with the first issuer's credential")
		}
	})
}
