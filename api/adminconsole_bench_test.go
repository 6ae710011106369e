package api_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// consoleWorld is the community every console page is measured in:
// 10,000 members and 100,000 credentials (benchCommunity), their
// showcases, half a year of counters, and one or more of everything a
// console page shows.
type consoleWorld struct {
	ts                                      *testServer
	iss, member, badge, credential, cohort  string
	outcome, measure, job, person, nextPage string
	owner                                   *consoleClient
}

// BenchmarkConsolePages measures every page the console answers to a GET
// in one seeded community (consoleWorld), signed in as its owner, through
// the whole handler: session and role, strict query, services, template.
// Each page is asked once first, as a running server would have been; it
// reports the median and 99th percentile of the requests it made and the
// process's CPU time a request (the embedded engine included), which
// other work on the machine does not inflate as it does the wall clock.
func BenchmarkConsolePages(b *testing.B) {
	w := newConsoleWorld(b)
	benchSettle(b)
	c, members := "/admin/c/"+w.iss, "/admin/c/"+w.iss+"/members"
	cases := []struct{ name, path string }{
		{"account", "/admin/account"},
		{"dashboard", c},
		{"quiet-members", c + "/quiet-members"},
		{"badges", c + "/badges"},
		{"badge", c + "/badges/" + w.badge},
		{"badge-edit", c + "/badges/" + w.badge + "/edit"},
		{"rule", c + "/badges/" + w.badge + "/rule"},
		{"members", members},
		{"members/page-2", members + "?" + w.nextPage},
		{"members/q=zoe", members + "?q=zoe"},
		{"members/q=member9999", members + "?q=member9999"},
		{"members/cohort", members + "?cohort=" + w.cohort},
		{"member", members + "/" + w.member},
		{"awards", c + "/awards"},
		{"awards/badge-revoked", c + "/awards?achievement=" + w.badge + "&status=revoked"},
		{"awards/member", c + "/awards?member=" + w.member},
		{"award", c + "/awards/" + w.credential},
		{"activity", c + "/activity"},
		{"nominations", c + "/nominations"},
		{"spotlight", c + "/spotlight"},
		{"cohorts", c + "/cohorts"},
		{"cohort", c + "/cohorts/" + w.cohort},
		{"outcomes", c + "/outcomes"},
		{"outcome", c + "/outcomes/" + w.outcome},
		{"measure", c + "/measures/" + w.measure},
		{"people", c + "/people"},
		{"person", c + "/people/" + w.person},
		{"settings", c + "/settings"},
		{"job", c + "/jobs/" + w.job},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) { benchConsoleGet(b, w.owner, tc.path) })
	}
}

// benchSettle waits for the background work seeding started (the import
// job, rule evaluations, the award queue) to finish, so that its CPU time
// is not counted as the pages': until the process uses under 5% of a core
// over half a second, for at most two minutes.
func benchSettle(b *testing.B) {
	for range 240 {
		cpu := processCPU(b)
		time.Sleep(500 * time.Millisecond)
		if processCPU(b)-cpu < 25*time.Millisecond {
			return
		}
	}
	b.Log("background work still running after two minutes")
}

// benchConsoleGet asks for one page, once to warm the caches and then
// b.N times, and reports its percentiles and CPU time a request.
func benchConsoleGet(b *testing.B, c *consoleClient, path string) {
	get := func() {
		if p := c.get(b, path); p.Code != http.StatusOK || !strings.Contains(p.Body, "</html>") {
			b.Fatalf("%s: status %d: %.500s", path, p.Code, p.Body)
		}
	}
	measureRequests(b, get)
}

// newConsoleWorld seeds the community: benchCommunity's members and
// credentials, the showcases and counters the members and dashboard
// benchmarks add, a rule, a real credential, nominations, a cohort of
// 500, an outcome, measures, recorded activity, a finished import job and
// a second person with a role.
func newConsoleWorld(b *testing.B) *consoleWorld {
	ts, iss, member, badge := benchCommunity(b)
	w := &consoleWorld{ts: ts, iss: iss, member: member, badge: badge}
	benchShowcases(b, ts, iss)
	ids := benchMemberIDs(b, ts, iss)
	benchCounters(b, ts, iss, benchBadgeIDs(b, ts, iss), ids)
	api := func(method, path, body string, want int, v any) {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+ts.admin)
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		ts.srv.ServeHTTP(rec, r)
		if rec.Code != want {
			b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
		if v != nil {
			if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
				b.Fatal(err)
			}
		}
	}
	var made struct{ ID string }
	base := "/api/v1/issuers/" + iss
	api("POST", base+"/awards", `{"achievementId":"`+badge+`","memberId":"`+member+`"}`, http.StatusCreated, &made)
	w.credential = made.ID
	api("POST", base+"/achievements", `{"name":"Leader","description":"Leads.","criteria":"Lead.","status":"active","level":"leadership"}`, http.StatusCreated, &made)
	api("POST", base+"/awards", `{"achievementId":"`+made.ID+`","memberId":"`+member+`"}`, http.StatusCreated, nil)
	api("PUT", "/api/v1/achievements/"+badge+"/rule", `{"condition":{"streak":{"behaviour":"attended-session","min":4,"unit":"weeks"}}}`, http.StatusOK, nil)
	for i := range 20 {
		api("POST", base+"/nominations", fmt.Sprintf(`{"nominatorId":%q,"memberId":%q,"achievementId":%q,"note":"Helped."}`,
			member, ids[100+i], badge), http.StatusCreated, nil)
	}
	api("POST", base+"/cohorts", `{"name":"Spring 2026"}`, http.StatusCreated, &made)
	w.cohort = made.ID
	joiners, _ := json.Marshal(map[string][]string{"memberIds": ids[:500]})
	api("POST", "/api/v1/cohorts/"+w.cohort+"/members", string(joiners), http.StatusOK, nil)
	api("POST", base+"/cohorts", `{"name":"Autumn 2026"}`, http.StatusCreated, nil)
	api("POST", base+"/outcomes", `{"name":"Confident hosts"}`, http.StatusCreated, &made)
	w.outcome = made.ID
	for i, m := range []string{
		`{"name":"Regulars","kind":"active-members","period":"week","target":4000}`,
		`{"name":"Awards a month","kind":"awards","period":"month","target":12000}`,
		`{"name":"Returning","kind":"returning-members","period":"week","target":2000}`,
	} {
		api("POST", base+"/measures", m, http.StatusCreated, &made)
		if i == 0 {
			w.measure = made.ID
		}
	}
	var acts []map[string]any
	for i := range 200 {
		acts = append(acts, map[string]any{"memberId": ids[i*37%len(ids)], "behaviour": "attended-session",
			"at": time.Now().UTC().Add(-time.Duration(i) * time.Hour).Format(time.RFC3339), "sourceEventId": fmt.Sprintf("bench-%d", i)})
	}
	body, _ := json.Marshal(acts)
	api("POST", base+"/activities", string(body), http.StatusOK, nil)
	w.owner = ts.consoleAs(b, badges.RoleOwner, iss)
	w.person = ts.consoleAs(b, badges.RoleAwarder, iss).Account.ID
	w.job = benchImportJob(b, w.owner, iss)
	first := w.owner.get(b, "/admin/c/"+iss+"/members")
	if end := strings.Index(first.Body, `" rel="next"`); end > 0 {
		link := first.Body[strings.LastIndex(first.Body[:end], `href="`)+len(`href="`) : end]
		_, w.nextPage, _ = strings.Cut(html.UnescapeString(link), "?")
	}
	if w.nextPage == "" {
		b.Fatalf("the members list has no next page: %.500s", first.Body)
	}
	return w
}

// benchImportJob imports two members through the console and waits for
// the job to finish; it returns the job's id.
func benchImportJob(b *testing.B, c *consoleClient, iss string) string {
	csv := "email,displayName\nnew1@example.org,New One\nnew2@example.org,New Two\n"
	p := c.postFile(b, "/admin/c/"+iss+"/members/import", url.Values{}, "file", "new.csv", []byte(csv))
	loc := p.Header().Get("Location")
	if p.Code != http.StatusSeeOther || !strings.Contains(loc, "/jobs/") {
		b.Fatalf("import: %d %q %.500s", p.Code, loc, p.Body)
	}
	for range 200 {
		if strings.Contains(c.get(b, loc).Body, "Done.") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	id, _, _ := strings.Cut(loc[strings.Index(loc, "/jobs/")+len("/jobs/"):], "?")
	return id
}

// benchMemberIDs lists every member of the community, in list order.
func benchMemberIDs(b *testing.B, ts *testServer, iss string) []string {
	var ids []string
	o := badges.ListOptions{Limit: badges.MaxPageSize}
	for {
		page, err := ts.stores.Members.Members(b.Context(), badges.MemberFilter{IssuerID: iss, ListOptions: o})
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range page.Items {
			ids = append(ids, m.ID)
		}
		if page.NextCursor == "" {
			return ids
		}
		o.Cursor = page.NextCursor
	}
}

// benchBadgeIDs lists the community's badges.
func benchBadgeIDs(b *testing.B, ts *testServer, iss string) []string {
	achs, err := ts.stores.Achievements.Achievements(b.Context(), badges.AchievementFilter{IssuerID: iss})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, a := range achs.Items {
		ids = append(ids, a.ID)
	}
	return ids
}
