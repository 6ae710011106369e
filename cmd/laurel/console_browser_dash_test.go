package main

import (
	"net/http"
	"testing"
	"time"
)

// recognition gives the console world what its dashboard, nominations,
// cohorts and measures pages show: a few weeks of activity, a second
// badge Ada (a leader) nominates Grace for, a cohort, an outcome and a
// measure with a target.
func (w *consoleWorld) recognition(t *testing.T, c *client) {
	t.Helper()
	ada, grace := w.members[0], w.members[1]
	var acts []map[string]any
	for k, who := range []string{ada, grace, ada, ada, grace, ada} {
		at := time.Now().UTC().AddDate(0, 0, -7*k-1)
		acts = append(acts, map[string]any{"memberId": who, "behaviour": "attended-session", "at": at},
			map[string]any{"memberId": ada, "behaviour": "posted", "at": at})
	}
	c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/activities", acts, http.StatusOK)
	mentor := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{
		"name": "Mentor", "description": "Helped a newcomer find their feet.", "criteria": "Mentor a newcomer.", "status": "active",
		"openToApplications": true,
	}, http.StatusCreated), "id")
	w.application = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/applications", map[string]any{ // before the nomination, which stays first
		"memberId": ada, "achievementId": mentor, "text": "I paired with two newcomers on their first pull requests and ran the March mentoring circle.",
		"links": []string{"https://gophers.example.org/talks/2026-03-mentoring-circle", "https://github.com/gophers-lyon/site/pulls?q=is%3Apr+author%3Anewcomer-one+reviewed-by%3Aada"},
	}, http.StatusCreated), "id")
	w.nomination = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/nominations", map[string]any{
		"nominatorId": ada, "memberId": grace, "achievementId": mentor, "note": "Grace walked three newcomers through their first talk this spring.",
	}, http.StatusCreated), "id")
	w.cohort = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/cohorts", map[string]any{"name": "Spring 2026"}, http.StatusCreated), "id")
	c.do(t, "PUT", "/api/v1/cohorts/"+w.cohort+"/members/"+ada, "application/json", nil, http.StatusNoContent)
	c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/outcomes", map[string]any{"name": "Newcomers feel at home",
		"description": "Everyone who comes once comes back.", "behaviours": []string{"attended-session"}}, http.StatusCreated)
	w.measure = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/measures", map[string]any{"name": "Active members a week",
		"kind": "active-members", "period": "week", "target": 2}, http.StatusCreated), "id")
}
