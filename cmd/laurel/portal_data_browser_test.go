package main

import (
	"net/http"
	"testing"
	"time"
)

// progressTowards gives Ada of the portal's world two badges to earn by
// rule, one near and one far, and the activity that counts towards them,
// so that My progress has next steps to show.
func (w *portalWorld) progressTowards(t *testing.T, c *client) {
	t.Helper()
	for _, b := range []struct {
		name string
		rule map[string]any
	}{
		{"Regular Host", map[string]any{"count": map[string]any{"behaviour": "hosted-session", "min": 3, "withinDays": 90}}},
		{"Community Pillar", map[string]any{"all": []any{
			map[string]any{"count": map[string]any{"behaviour": "attended-session", "min": 10}},
			map[string]any{"endorsements": map[string]any{"min": 3}},
		}}},
	} {
		id := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{"name": b.name,
			"description": "Earned by taking part.", "criteria": "Take part.", "status": "active"}, http.StatusCreated), "id")
		c.json(t, "PUT", "/api/v1/achievements/"+id+"/rule", map[string]any{"condition": b.rule}, http.StatusOK)
	}
	now := time.Now().UTC()
	var acts []map[string]any
	for i, behaviour := range []string{"hosted-session", "hosted-session", "attended-session", "attended-session", "attended-session", "attended-session"} {
		acts = append(acts, map[string]any{"memberId": w.ada, "behaviour": behaviour, "at": now.Add(-time.Duration(i+1) * 24 * time.Hour),
			"sourceEventId": "portal-" + string(rune('a'+i))})
	}
	c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/activities", acts, http.StatusOK)
}
