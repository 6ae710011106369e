package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// evil is a string that breaks out of text, double- and single-quoted
// attributes and scripts when written unescaped.
const evil = `<script>alert(1)</script>"><img src=x onerror=alert(2)>' onmouseover='alert(3)`

// unescaped matches what evil leaves in a page when it is not escaped,
// and links or sources that run script.
var unescaped = regexp.MustCompile(`<script>alert\(1\)|<img src=x onerror|' onmouseover='|(?i)(href|src|action|formaction)\s*=\s*["']?\s*javascript:`)

// TestConsole_Injection fills every user string a console page shows
// with markup, through the console's forms and the API, then opens every
// console page with the community's real ids: no page has the markup
// unescaped or a javascript: link.
func TestConsole_Injection(t *testing.T) {
	ts := newTestServer(t)
	f := newForeignCommunity(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, f.iss)
	base := "/admin/c/" + f.iss
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + f.iss, body: map[string]any{"name": "Community " + evil, "description": evil}})
	ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + f.ids["achievement"], body: map[string]any{"name": "Badge " + evil, "description": evil, "criteria": evil + " [x](javascript:alert(4))", "tags": []string{evil}}})
	ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + f.ids["member"], body: map[string]any{"displayName": "Member " + evil, "externalId": evil}})
	ts.do(t, req{method: "PATCH", path: "/api/v1/cohorts/" + f.ids["cohort"], body: map[string]any{"name": "Cohort " + evil}})
	ts.do(t, req{method: "PATCH", path: "/api/v1/outcomes/" + f.ids["outcome"], body: map[string]any{"name": "Outcome " + evil, "description": evil}})
	ts.do(t, req{method: "PATCH", path: "/api/v1/measures/" + f.ids["measure"], body: map[string]any{"name": "Measure " + evil, "description": evil}})
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/behaviours", body: map[string]any{"key": "evil-thing", "name": "Behaviour " + evil}})
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/awards", body: map[string]any{"achievementId": f.ids["achievement"], "memberId": f.ids["member"],
		"narrative": evil, "evidence": []map[string]any{{"url": "javascript:alert(5)", "name": evil}}}})
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/activities", body: []map[string]any{{"memberId": f.hold, "behaviour": "hosted-session",
		"at": time.Now().Add(-time.Minute), "narrative": evil, "evidenceUrl": "javascript:alert(6)"}}})
	owner.post(t, base+"/settings", url.Values{"name": {"Community " + evil}, "url": {"javascript:alert(7)"}, "email": {"a@example.org"}, "jwtAlg": {"ES256"}, "accentColor": {`#fff;}</style><script>alert(1)</script>`}})
	owner.post(t, base+"/people", url.Values{"email": {"evil@example.org"}, "name": {"Person " + evil}, "role": {"viewer"}})
	owner.post(t, base+"/spotlight", url.Values{"member": {f.ids["member"]}, "note": {evil}})
	owner.postFile(t, base+"/members/import", url.Values{}, "file", evil+".csv", []byte("email,displayName\n"+strings.ReplaceAll(evil, ",", ";")+",x\n"))
	service := ts.consoleAs(t, "", "")
	service.post(t, "/admin/apikeys", url.Values{"name": {"Key " + evil}, "scopes": {"read"}})
	owner.get(t, base+"/members/"+f.ids["member"]).wantPage(t, http.StatusOK, "Member "+evil, "Badge "+evil, "Community "+evil)
	owner.get(t, base+"/cohorts/"+f.ids["cohort"]).wantPage(t, http.StatusOK, "Cohort "+evil)
	owner.get(t, base+"/outcomes").wantPage(t, http.StatusOK, "Outcome "+evil, "Measure "+evil)
	owner.get(t, base+"/people").wantPage(t, http.StatusOK, "Person "+evil)
	for _, rt := range ts.srv.Routes() {
		if rt.Method != http.MethodGet || !strings.HasPrefix(rt.Path, "/admin") || strings.Contains(rt.Path, ":token") {
			continue
		}
		c := owner
		if !strings.Contains(rt.Path, ":issuer") {
			c = service
		}
		path := strings.Replace(rt.Path, ":issuer", f.iss, 1)
		path = anyParam.ReplaceAllStringFunc(path, func(p string) string { return f.ids[p[1:]] })
		for _, q := range []string{"", "?q=" + url.QueryEscape(evil), "?name=" + url.QueryEscape(evil)} {
			w := c.get(t, path+q)
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(ct, "image/svg") {
				continue // JSON and CSV are not read as markup
			}
			if m := unescaped.FindString(w.Body); m != "" {
				i := strings.Index(w.Body, m)
				t.Errorf("GET %s%s shows %q unescaped: …%s…", rt.Path, q, m, w.Body[max(0, i-200):min(len(w.Body), i+100)])
			}
			if cd := w.Header().Get("Content-Disposition"); strings.ContainsAny(cd, "\r\n<>") {
				t.Errorf("GET %s: Content-Disposition %q", rt.Path, cd)
			}
		}
	}
}

// TestConsole_JobResultFormulas: a job's result file echoes what the
// rows held; a cell a spreadsheet would read as a formula is written as
// text.
func TestConsole_JobResultFormulas(t *testing.T) {
	f := newAwardsFixture(t)
	at := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	rows := []string{"email,behaviour,at,sourceEventId",
		`ada@example.org,"=HYPERLINK(""https://evil.example"")",` + at + ",a",
		`"=1+1@example.org",attended-session,` + at + ",b",
		`ada@example.org,attended-session,"@SUM(A1)",c`,
		`ada@example.org,attended-session,` + at + `,"+cmd"`}
	loc := f.awarder.postFile(t, f.base+"/activity/import", url.Values{}, "file", "formulas.csv", []byte(strings.Join(rows, "\n")+"\n")).wantRedirect(t, f.base+"/jobs/")
	waitForJob(t, f.awarder, loc)
	res := f.awarder.get(t, loc+"/result.csv")
	if res.Code != http.StatusOK {
		t.Fatalf("result: %d %s", res.Code, res.Body)
	}
	for _, line := range strings.Split(res.Body, "\n") {
		for _, cell := range strings.Split(line, ",") {
			if cell = strings.TrimPrefix(cell, `"`); cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("the result file has a formula cell %q in %q", cell, line)
			}
		}
	}
}
