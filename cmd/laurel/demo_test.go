package main

import (
	"net/http"
	"net/url"
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

// checkDemoInsights checks what the demo shows a community manager, with
// real numbers: statistics by outcome, statistics scoped to each cohort,
// every measure's history, and members who have gone quiet.
func checkDemoInsights(t *testing.T, c *client, issuerURL string) {
	t.Helper()
	issuerID := path.Base(issuerURL)
	stats := c.json(t, "GET", "/api/v1/issuers/"+issuerID+"/stats?weeks=20", nil, http.StatusOK)
	outcomes := stats["outcomes"].([]any)
	if len(outcomes) != 3 {
		t.Errorf("the demo has %d outcomes; want 3", len(outcomes))
	}
	for _, o := range outcomes {
		o := o.(map[string]any)
		awards, activities := 0.0, 0.0
		for _, w := range o["weeks"].([]any) {
			awards += w.(map[string]any)["awards"].(float64)
			activities += w.(map[string]any)["activities"].(float64)
		}
		if awards == 0 || activities == 0 || len(o["achievements"].([]any)) == 0 {
			t.Errorf("outcome %q: %v awards and %v activities over 20 weeks, badges %v", o["name"], awards, activities, o["achievements"])
		}
	}
	cohorts := c.json(t, "GET", "/api/v1/issuers/"+issuerID+"/cohorts", nil, http.StatusOK)["items"].([]any)
	if len(cohorts) != 3 {
		t.Errorf("the demo has %d cohorts; want 3", len(cohorts))
	}
	for _, co := range cohorts {
		co := co.(map[string]any)
		scoped := c.json(t, "GET", "/api/v1/issuers/"+issuerID+"/stats?weeks=20&cohort="+url.QueryEscape(co["name"].(string)), nil, http.StatusOK)
		active, awards := 0.0, 0
		for _, w := range scoped["weeks"].([]any) {
			active = max(active, w.(map[string]any)["activeMembers"].(float64))
			awards += len(w.(map[string]any)["awards"].(map[string]any))
		}
		if co["members"].(float64) == 0 || active == 0 || awards == 0 || active > co["members"].(float64) {
			t.Errorf("cohort %q of %v members: at most %v active a week, awards in %d week-badges", co["name"], co["members"], active, awards)
		}
	}
	measures := c.json(t, "GET", "/api/v1/issuers/"+issuerID+"/measures", nil, http.StatusOK)["items"].([]any)
	if len(measures) < 4 {
		t.Errorf("the demo has %d measures; want some", len(measures))
	}
	for _, m := range measures {
		m := m.(map[string]any)
		h := c.json(t, "GET", "/api/v1/measures/"+m["id"].(string)+"/history?periods=4", nil, http.StatusOK)
		seen := false
		for _, p := range h["points"].([]any) {
			seen = seen || p.(map[string]any)["value"].(float64) > 0
		}
		if !seen || m["target"].(float64) == 0 {
			t.Errorf("measure %q (target %v) has no history: %v", m["name"], m["target"], h["points"])
		}
	}
	quiet := c.json(t, "GET", "/api/v1/issuers/"+issuerID+"/quiet-members", nil, http.StatusOK)
	if items := quiet["items"].([]any); total(t, quiet) == 0 || items[0].(map[string]any)["name"] == "" {
		t.Errorf("no quiet members in the demo: %v", quiet)
	}
}
