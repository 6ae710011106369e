package main

import (
	"net/http"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"
)

var credentialLinkRE = regexp.MustCompile(`/credentials/([a-z0-9]{20})`)

// checkDemoAwards checks the demo's awards as a visitor sees them: dated
// when they were earned, so that the statistics show awards over the four
// months of activity and the demo member's credentials span months, and
// narrated with names, never ids.
func checkDemoAwards(t *testing.T, c *client, issuerURL string, profile []byte) {
	t.Helper()
	stats := c.json(t, "GET", "/api/v1/issuers/"+path.Base(issuerURL)+"/stats?weeks=20", nil, http.StatusOK)
	var weeks []string
	for _, w := range stats["weeks"].([]any) {
		if w := w.(map[string]any); len(w["awards"].(map[string]any)) > 0 {
			weeks = append(weeks, w["week"].(string))
		}
	}
	if len(weeks) < 10 {
		t.Errorf("the demo's awards fall in %d weeks (%v); want them spread over its four months", len(weeks), weeks)
	}
	var first, last time.Time
	var ids, narratives []string
	for _, m := range credentialLinkRE.FindAllStringSubmatch(string(profile), -1) {
		cred := c.json(t, "GET", "/api/v1/credentials/"+m[1], nil, http.StatusOK)
		at, err := time.Parse(time.RFC3339, cred["awardedDate"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
		ids = append(ids, cred["achievementId"].(string))
		subject := cred["credential"].(map[string]any)["credentialSubject"].(map[string]any)
		narratives = append(narratives, subject["narrative"].(string))
	}
	if last.Sub(first) < 60*24*time.Hour {
		t.Errorf("the demo member's badges were earned between %s and %s; want months apart", first, last)
	}
	for _, n := range narratives {
		for _, id := range ids {
			if strings.Contains(n, id) {
				t.Errorf("a demo narrative shows the badge id %s: %q", id, n)
			}
		}
	}
	if len(narratives) < 5 {
		t.Errorf("%d credentials on the demo member's profile; want all of their badges", len(narratives))
	}
}
