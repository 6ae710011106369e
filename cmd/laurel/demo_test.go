package main

import (
	"bytes"
	"encoding/json"
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

// checkDemoLiving checks, through the API, that the demo looks like a
// living community: awards earned over at least three calendar months,
// badges revoked (one reason published, one not) and expired, three or
// more cohorts, nominations waiting, a member pinned with a note and
// endorsed by leaders, uploaded badge art, a logo and accent colour, and
// a second community with active badges.
func checkDemoLiving(t *testing.T, c *client, issuerURL string) {
	t.Helper()
	issuerID := path.Base(issuerURL)
	base := "/api/v1/issuers/" + issuerID
	if months := demoEarnedMonths(t, c, base); len(months) < 3 {
		t.Errorf("the demo's awards were earned in %d calendar months (%v); want at least 3", len(months), months)
	}
	revoked := c.json(t, "GET", base+"/credentials?status=revoked", nil, http.StatusOK)
	if n := total(t, revoked); n < 2 {
		t.Errorf("%d revoked demo credentials; want one with a published reason and one with a private one", n)
	}
	published := 0
	for _, it := range revoked["items"].([]any) {
		cred := c.json(t, "GET", "/api/v1/credentials/"+it.(map[string]any)["id"].(string), nil, http.StatusOK)
		if cred["revocationReasonPublic"] == true {
			published++
		}
	}
	if published != 1 {
		t.Errorf("%d revoked demo credentials publish their reason; want 1 of 2", published)
	}
	if n := total(t, c.json(t, "GET", base+"/credentials?status=expired", nil, http.StatusOK)); n == 0 {
		t.Error("no expired demo credential")
	}
	if n := len(c.json(t, "GET", base+"/cohorts", nil, http.StatusOK)["items"].([]any)); n < 3 {
		t.Errorf("%d demo cohorts; want 3 or more", n)
	}
	if n := total(t, c.json(t, "GET", base+"/nominations?status=pending", nil, http.StatusOK)); n < 2 {
		t.Errorf("%d demo nominations pending; want 2 or more", n)
	}
	checkDemoSpotlight(t, c, issuerID)
	checkDemoArt(t, c, issuerID)
	checkDemoGuild(t, c)
}

// demoEarnedMonths samples the community's credentials, ten from each
// page of 200, and returns the calendar months they were earned in.
func demoEarnedMonths(t *testing.T, c *client, base string) map[string]bool {
	t.Helper()
	months := map[string]bool{}
	for cursor := ""; ; {
		page := c.json(t, "GET", base+"/credentials?limit=200&cursor="+url.QueryEscape(cursor), nil, http.StatusOK)
		items := page["items"].([]any)
		for i := 0; i < len(items); i += max(len(items)/10, 1) {
			cred := c.json(t, "GET", "/api/v1/credentials/"+items[i].(map[string]any)["id"].(string), nil, http.StatusOK)
			at, err := time.Parse(time.RFC3339, cred["awardedDate"].(string))
			if err != nil {
				t.Fatal(err)
			}
			months[at.Format("2006-01")] = true
		}
		if cursor, _ = page["nextCursor"].(string); cursor == "" {
			return months
		}
	}
}

// checkDemoSpotlight checks the pinned member and their note, and that
// leaders endorsed them.
func checkDemoSpotlight(t *testing.T, c *client, issuerID string) {
	t.Helper()
	var sp struct {
		Pinned *struct{ Name, Note string } `json:"pinned"`
	}
	if err := json.Unmarshal(c.do(t, "GET", "/issuers/"+issuerID+"/spotlight", "application/json", nil, http.StatusOK), &sp); err != nil {
		t.Fatal(err)
	}
	if sp.Pinned == nil || sp.Pinned.Note == "" {
		t.Fatalf("no member pinned with a note in the demo spotlight: %+v", sp.Pinned)
	}
	members := c.json(t, "GET", "/api/v1/issuers/"+issuerID+"/members?email=member0@example.org", nil, http.StatusOK)["items"].([]any)
	if len(members) != 1 {
		t.Fatalf("%d demo members with the first member's address; want 1", len(members))
	}
	data := c.json(t, "GET", "/api/v1/members/"+members[0].(map[string]any)["id"].(string)+"/export", nil, http.StatusOK)
	if n := len(data["endorsementsReceived"].([]any)); n < 2 {
		t.Errorf("the pinned member %s has %d endorsements from leaders; want 2 or more", sp.Pinned.Name, n)
	}
}

// checkDemoArt checks the community's logo and accent colour, and that one
// badge shows art that was uploaded, not generated, as an SVG.
func checkDemoArt(t *testing.T, c *client, issuerID string) {
	t.Helper()
	iss := c.json(t, "GET", "/api/v1/issuers/"+issuerID, nil, http.StatusOK)
	if iss["accentColor"] == nil || iss["accentColor"] == "" || iss["image"] == nil {
		t.Errorf("the demo community has accent colour %v and logo %v; want both", iss["accentColor"], iss["image"])
	}
	uploaded := 0
	for _, a := range c.json(t, "GET", "/api/v1/issuers/"+issuerID+"/achievements", nil, http.StatusOK)["items"].([]any) {
		img := a.(map[string]any)["image"].(map[string]any)
		if img["generated"] == true {
			continue
		}
		uploaded++
		u, err := url.Parse(img["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		svg := c.do(t, "GET", u.Path, "", nil, http.StatusOK)
		if img["format"] != "image/svg+xml" || !bytes.Contains(svg, []byte("<linearGradient")) {
			t.Errorf("the uploaded demo art is %v, starting %.80q; want the designer's SVG", img["format"], svg)
		}
	}
	if uploaded != 1 {
		t.Errorf("%d demo badges with uploaded art; want 1", uploaded)
	}
}

// checkDemoGuild checks that the demo's second community exists and is
// public: it has active badges, awarded.
func checkDemoGuild(t *testing.T, c *client) {
	t.Helper()
	for _, it := range c.json(t, "GET", "/api/v1/issuers", nil, http.StatusOK)["items"].([]any) {
		iss := it.(map[string]any)
		if iss["name"] != demoGuild.Name {
			continue
		}
		base := "/api/v1/issuers/" + iss["id"].(string)
		if n := total(t, c.json(t, "GET", base+"/achievements?status=active", nil, http.StatusOK)); n == 0 {
			t.Error("the demo's second community has no active badge, so it is not public")
		}
		if n := total(t, c.json(t, "GET", base+"/credentials", nil, http.StatusOK)); n < 10 {
			t.Errorf("the demo's second community has %d credentials; want its members' awards", n)
		}
		return
	}
	t.Errorf("no second demo community %q", demoGuild.Name)
}
