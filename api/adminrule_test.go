package api_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// ruleFixture is a community with what every condition type can name: a
// second badge, a cohort, members with activity.
type ruleFixture struct {
	ts                *testServer
	iss, badge, other string // the badge whose rule is built; another one
	draft             string // a third badge, for the API's copy of each rule
	cohort            string
}

func newRuleFixture(t *testing.T) *ruleFixture {
	ts := newTestServer(t)
	f := &ruleFixture{ts: ts, iss: mustIssuer(t, ts)}
	f.badge = mustAchievement(t, ts, f.iss, map[string]any{"status": "active"})["id"].(string)
	f.other = mustAchievement(t, ts, f.iss, map[string]any{"name": "Community Host"})["id"].(string)
	f.draft = mustAchievement(t, ts, f.iss, map[string]any{"name": "Draft copy"})["id"].(string)
	f.cohort = mustCohort(t, ts, f.iss, "Spring 2026").Name
	return f
}

func (f *ruleFixture) rulePath() string { return "/admin/c/" + f.iss + "/badges/" + f.badge + "/rule" }

// apiRule is the rule the API returns for a badge, as its JSON.
func (f *ruleFixture) apiRule(t *testing.T, id string) string {
	t.Helper()
	return string(f.ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + id + "/rule"}).want(t, 200).body)
}

// inputField and selectField find a form's fields in a page as a
// browser would send them.
var (
	inputField  = regexp.MustCompile(`<input id="[^"]*" name="((?:c[.0-9]*\.[a-zA-Z]+)|period)" type="[a-z]+" value="([^"]*)"`)
	selectField = regexp.MustCompile(`(?s)<select id="[^"]*" name="((?:c[.0-9]*\.[a-zA-Z]+)|period)"[^>]*>(.*?)</select>`)
	selected    = regexp.MustCompile(`<option value="([^"]*)" selected>`)
)

// builderFields are the rule fields of a builder page, as sent.
func builderFields(t *testing.T, body string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range inputField.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range selectField.FindAllStringSubmatch(body, -1) {
		if s := selected.FindStringSubmatch(m[2]); s != nil {
			form.Set(m[1], html.UnescapeString(s[1]))
		}
	}
	if !form.Has("c.type") {
		t.Fatalf("no builder fields in the page: %s", body)
	}
	return form
}

func withOp(form url.Values, op string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	out.Set("op", op)
	return out
}

// TestConsoleRule_RoundTrip saves each condition type through the form:
// the rule stored is the one the API stores for the same JSON, and the
// form the page then shows saves the same rule again.
func TestConsoleRule_RoundTrip(t *testing.T) {
	f := newRuleFixture(t)
	admin := f.ts.consoleAs(t, badges.RoleAdmin, f.iss)
	cases := []struct {
		name string
		form map[string]string
		json string
	}{
		{"count", map[string]string{"c.type": "count", "c.behaviour": "hosted-session", "c.min": "4", "c.withinDays": "90", "c.distinct": "weeks"},
			`{"condition":{"count":{"behaviour":"hosted-session","min":4,"withinDays":90,"distinct":"weeks"}}}`},
		{"sum", map[string]string{"c.type": "sum", "c.behaviour": "volunteered", "c.min": "12.5", "period": "month"},
			`{"condition":{"sum":{"behaviour":"volunteered","min":12.5}},"period":"month"}`},
		{"streak", map[string]string{"c.type": "streak", "c.behaviour": "attended-session", "c.min": "4", "c.unit": "weeks"},
			`{"condition":{"streak":{"behaviour":"attended-session","min":4,"unit":"weeks"}}}`},
		{"streak of anything", map[string]string{"c.type": "streak", "c.behaviour": "", "c.min": "3", "c.unit": "months"},
			`{"condition":{"streak":{"min":3,"unit":"months"}}}`},
		{"peers", map[string]string{"c.type": "peers", "c.behaviour": "mentored-member", "c.min": "3", "c.withinDays": "365"},
			`{"condition":{"peers":{"behaviour":"mentored-member","min":3,"withinDays":365}}}`},
		{"holds", map[string]string{"c.type": "holds", "c.achievement": f.other},
			`{"condition":{"holds":{"achievement":"` + f.other + `"}}}`},
		{"endorsements", map[string]string{"c.type": "endorsements", "c.min": "2", "c.fromHolders": f.other},
			`{"condition":{"endorsements":{"min":2,"fromHolders":"` + f.other + `"}}}`},
		{"cohort", map[string]string{"c.type": "cohort", "c.cohort": f.cohort},
			`{"condition":{"cohort":{"name":"Spring 2026"}}}`},
		{"tenure", map[string]string{"c.type": "tenure", "c.days": "1,000"},
			`{"condition":{"tenure":{"days":1000}}}`},
		{"nested", map[string]string{"c.type": "all", "c.0.type": "tenure", "c.0.days": "30",
			"c.1.type": "any", "c.1.0.type": "count", "c.1.0.behaviour": "posted", "c.1.0.min": "10",
			"c.1.1.type": "atLeast", "c.1.1.n": "2", "c.1.1.0.type": "holds", "c.1.1.0.achievement": f.other,
			"c.1.1.1.type": "endorsements", "c.1.1.1.min": "1", "c.1.1.2.type": "cohort", "c.1.1.2.cohort": f.cohort},
			`{"condition":{"all":[{"tenure":{"days":30}},{"any":[{"count":{"behaviour":"posted","min":10}},` +
				`{"atLeast":{"n":2,"of":[{"holds":{"achievement":"` + f.other + `"}},{"endorsements":{"min":1}},{"cohort":{"name":"Spring 2026"}}]}}]}]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"op": {"save"}}
			for k, v := range tc.form {
				form.Set(k, v)
			}
			admin.post(t, f.rulePath(), form).wantRedirect(t, f.rulePath())
			f.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + f.draft + "/rule", contentType: "application/json", body: tc.json}).want(t, 200)
			stored, want := f.apiRule(t, f.badge), f.apiRule(t, f.draft)
			if stored != want {
				t.Fatalf("the form stored\n%s\nthe API stores\n%s", stored, want)
			}
			page := admin.get(t, f.rulePath())
			page.wantPage(t, 200, "is saved", "Laurel is re-evaluating it for every member now")
			page.wantHTML(t, `href="/admin/c/`+f.iss+`/badges/`+f.badge+`/reevaluate"`)
			admin.post(t, f.rulePath(), withOp(builderFields(t, page.Body), "save")).wantRedirect(t, f.rulePath())
			if again := f.apiRule(t, f.badge); again != stored {
				t.Fatalf("the page's form saved\n%s\nafter\n%s", again, stored)
			}
		})
	}
}

// TestConsoleRule_Words shows a rule in words beside its form.
func TestConsoleRule_Words(t *testing.T) {
	f := newRuleFixture(t)
	f.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + f.badge + "/rule", contentType: "application/json",
		body: `{"condition":{"all":[{"streak":{"behaviour":"attended-session","min":4,"unit":"weeks"}},{"holds":{"achievement":"` + f.other + `"}},{"peers":{"behaviour":"mentored-member","min":3,"withinDays":90}}]}}`}).want(t, 200)
	viewer := f.ts.consoleAs(t, badges.RoleViewer, f.iss)
	page := viewer.get(t, f.rulePath())
	page.wantPage(t, 200, "All of these:", "Attended a session 4 weeks in a row.", "Holds the Community Host badge.",
		"Mentored a member, with at least 3 different members in the last 90 days.", `"unit": "weeks"`, "You can read this rule")
	if !strings.Contains(page.Body, `<fieldset class="rule-tree" disabled>`) {
		t.Fatal("a viewer's builder is not read-only")
	}
}

// TestConsoleRule_Errors shows the parser's and the catalogue's problems
// on the fields they name, with what was typed kept.
func TestConsoleRule_Errors(t *testing.T) {
	f := newRuleFixture(t)
	admin := f.ts.consoleAs(t, badges.RoleAdmin, f.iss)
	cases := []struct {
		name  string
		form  url.Values
		field string
		text  string
	}{
		{"min out of range", url.Values{"c.type": {"count"}, "c.behaviour": {"posted"}, "c.min": {"0"}}, "c.min", "min must be a whole number"},
		{"nested streak", url.Values{"c.type": {"all"}, "c.0.type": {"tenure"}, "c.0.days": {"5"},
			"c.1.type": {"streak"}, "c.1.min": {"ten"}, "c.1.unit": {"weeks"}}, "c.1.min", `not "ten"`},
		{"unknown behaviour", url.Values{"c.type": {"any"}, "c.0.type": {"count"}, "c.0.behaviour": {"no-such-thing"}, "c.0.min": {"2"}},
			"c.0.behaviour", "There is no behaviour"},
		{"at least too many", url.Values{"c.type": {"atLeast"}, "c.n": {"3"}, "c.0.type": {"tenure"}, "c.0.days": {"5"}}, "c.n", "n must be a whole number from 1 to 1"},
		{"empty combination", url.Values{"c.type": {"all"}, "c.0.type": {"any"}}, "c.0", "any must list 1 to 20 conditions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page := admin.post(t, f.rulePath(), withOp(tc.form, "save"))
			page.wantPage(t, 400, "There is a problem")
			id := "f-" + tc.field + "-error"
			i := strings.Index(page.Body, `id="`+id+`"`)
			if i < 0 {
				t.Fatalf("no error on %s: %s", tc.field, page.Body)
			}
			if msg := page.Body[i:min(len(page.Body), i+400)]; !strings.Contains(msg, html.EscapeString(tc.text)) {
				t.Fatalf("the error on %s is %q; want %q", tc.field, msg, tc.text)
			}
			kept := builderFields(t, page.Body)
			for k := range tc.form {
				if kept.Get(k) != tc.form.Get(k) {
					t.Errorf("field %s shows %q after the error; want %q kept", k, kept.Get(k), tc.form.Get(k))
				}
			}
			f.ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + f.badge + "/rule"}).want(t, 404)
		})
	}
}

// TestConsoleRule_JSON reads the "Edit as JSON" text with the API's
// parser: a problem names its path; a good rule goes into the form or is
// saved.
func TestConsoleRule_JSON(t *testing.T) {
	f := newRuleFixture(t)
	admin := f.ts.consoleAs(t, badges.RoleAdmin, f.iss)
	bad := `{"condition":{"all":[{"count":{"behaviour":"posted","min":-2}}]}}`
	page := admin.post(t, f.rulePath(), url.Values{"op": {"json"}, "json": {bad}})
	page.wantPage(t, 400, "At rule.condition.all[0].count.min: min must be a whole number", bad)
	good := `{"condition":{"tenure":{"days":45}}}`
	page = admin.post(t, f.rulePath(), url.Values{"op": {"json"}, "json": {good}})
	page.wantPage(t, 200, "The JSON is in the form below", "A member for at least 45 days.")
	if got := builderFields(t, page.Body); got.Get("c.type") != "tenure" || got.Get("c.days") != "45" {
		t.Fatalf("the form holds %v", got)
	}
	admin.post(t, f.rulePath(), url.Values{"op": {"savejson"}, "json": {good}}).wantRedirect(t, f.rulePath())
	f.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + f.draft + "/rule", contentType: "application/json", body: good}).want(t, 200)
	if got, want := f.apiRule(t, f.badge), f.apiRule(t, f.draft); got != want {
		t.Fatalf("stored %s; the API stores %s", got, want)
	}
}

// TestConsoleRule_Ops changes the tree without JavaScript: add, change
// type, remove.
func TestConsoleRule_Ops(t *testing.T) {
	f := newRuleFixture(t)
	admin := f.ts.consoleAs(t, badges.RoleAdmin, f.iss)
	page := admin.post(t, f.rulePath(), url.Values{"op": {"type:c"}, "c.type": {"all"}, "c.behaviour": {"posted"}, "c.min": {"1"}})
	page.wantPage(t, 200, "Add condition")
	page.wantHTML(t, `name="c.0.type"`)
	form := builderFields(t, page.Body)
	page = admin.post(t, f.rulePath(), withOp(form, "add:c"))
	form = builderFields(t, page.Body)
	if form.Get("c.1.type") != "count" {
		t.Fatalf("after add: %v", form)
	}
	form.Set("c.1.type", "streak")
	page = admin.post(t, f.rulePath(), withOp(form, "type:c.1"))
	form = builderFields(t, page.Body)
	if form.Get("c.1.unit") != "weeks" || form.Get("c.1.min") != "2" {
		t.Fatalf("after a change of type: %v", form)
	}
	form.Set("c.type", "any")
	page = admin.post(t, f.rulePath(), withOp(form, "type:c"))
	if form = builderFields(t, page.Body); form.Get("c.type") != "any" || form.Get("c.1.type") != "streak" {
		t.Fatalf("all became any without its conditions: %v", form)
	}
	page = admin.post(t, f.rulePath(), withOp(form, "remove:c.0"))
	form = builderFields(t, page.Body)
	if form.Get("c.0.type") != "streak" || form.Has("c.1.type") {
		t.Fatalf("after remove: %v", form)
	}
	admin.post(t, f.rulePath(), withOp(form, "remove:c")).wantPage(t, 200, "The top condition cannot be removed")
}

// TestConsoleRule_Preview: the live part (htmx) and the preview without
// JavaScript count what the API's preview counts, by name.
func TestConsoleRule_Preview(t *testing.T) {
	f := newRuleFixture(t)
	var acts []map[string]any
	for i, name := range []string{"Ada Lovelace", "Grace Hopper", "Edsger Dijkstra", "<script>alert(1)</script>"} {
		for range i + 1 {
			acts = append(acts, map[string]any{"email": "m" + strconv.Itoa(i) + "@example.org", "name": name, "createMember": true,
				"behaviour": "hosted-session", "at": time.Now().Add(-time.Hour)})
		}
	}
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/activities", body: acts}).want(t, 200)
	var api struct {
		Evaluated, WouldAward int
		Closest               []struct{ Name string }
	}
	f.ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + f.badge + "/preview", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":3}}}`}).want(t, 200).JSON(t, &api)
	admin := f.ts.consoleAs(t, badges.RoleAdmin, f.iss)
	form := url.Values{"c.type": {"count"}, "c.behaviour": {"hosted-session"}, "c.min": {"3"}, "csrf": {admin.csrf}}
	r, _ := http.NewRequest(http.MethodPost, f.rulePath(), strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("HX-Request", "true")
	live := admin.do(t, r)
	live.wantPage(t, 200, "Out of "+strconv.Itoa(api.Evaluated)+" members checked", "Hosted a session at least 3 times.")
	live.wantHTML(t, "<strong>"+strconv.Itoa(api.WouldAward)+"</strong> members would earn this now.",
		"<strong>Ada Lovelace</strong> — Hosted a session: 1 of 3")
	if strings.Contains(live.Body, "<html") || !strings.HasPrefix(strings.TrimSpace(live.Body), `<div id="rule-live"`) {
		t.Fatalf("the live answer is not the part alone: %s", live.Body)
	}
	if strings.Contains(live.Body, "<script>alert(1)</script>") || !strings.Contains(live.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("a member's name is not escaped: %s", live.Body)
	}
	for _, c := range api.Closest {
		if !strings.Contains(live.Body, html.EscapeString(c.Name)) {
			t.Errorf("the API's closest %q is not in the live part", c.Name)
		}
	}
	admin.post(t, f.rulePath(), withOp(form, "preview")).wantPage(t, 200, "members would earn this now.", "Grace Hopper")
}

// TestConsoleRule_Bounds refuses a form past the parser's depth or
// count with a clear 400.
func TestConsoleRule_Bounds(t *testing.T) {
	f := newRuleFixture(t)
	admin := f.ts.consoleAs(t, badges.RoleAdmin, f.iss)
	deep := url.Values{"op": {"save"}}
	place := "c"
	for range badges.MaxRuleDepth + 1 {
		deep.Set(place+".type", "all")
		place += ".0"
	}
	admin.post(t, f.rulePath(), deep).wantPage(t, 400, "Conditions are nested at most 6 deep")
	many := url.Values{"op": {"save"}, "c.type": {"all"}}
	for i := range badges.MaxRuleItems {
		many.Set("c."+strconv.Itoa(i)+".type", "all")
		for j := range 5 {
			many.Set("c."+strconv.Itoa(i)+"."+strconv.Itoa(j)+".type", "tenure")
		}
	}
	admin.post(t, f.rulePath(), many).wantPage(t, 400, "A rule has at most 100 conditions")
	admin.post(t, f.rulePath(), url.Values{"op": {"save"}, "c.type": {"all"}, "c.20.type": {"tenure"}}).wantPage(t, 400, "A combination holds at most 20 conditions")
	admin.post(t, f.rulePath(), url.Values{"op": {"save"}, "c.type": {"tenure"}, "c.colour": {"red"}}).wantPage(t, 400, `The field "c.colour" is not part of a rule form.`)
	admin.post(t, f.rulePath(), url.Values{"op": {"explode"}}).wantPage(t, 400, "is not one the rule form knows")
	f.ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + f.badge + "/rule"}).want(t, 404)
}

// TestConsoleRule_Escaped shows behaviour, badge and cohort names
// escaped in the pickers and the words.
func TestConsoleRule_Escaped(t *testing.T) {
	f := newRuleFixture(t)
	const evil = "<script>alert(1)</script>"
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/behaviours", body: map[string]any{"key": "evil-deed", "name": evil, "category": "contribution"}}).want(t, 201)
	bad := mustAchievement(t, f.ts, f.iss, map[string]any{"name": evil})["id"].(string)
	mustCohort(t, f.ts, f.iss, "<b>Bold</b>")
	f.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + f.badge + "/rule", contentType: "application/json",
		body: `{"condition":{"all":[{"count":{"behaviour":"evil-deed","min":2}},{"holds":{"achievement":"` + bad + `"}},{"cohort":{"name":"<b>Bold</b>"}}]}}`}).want(t, 200)
	page := f.ts.consoleAs(t, badges.RoleAdmin, f.iss).get(t, f.rulePath())
	page.wantPage(t, 200, evil+" at least 2 times.", "Holds the "+evil+" badge.", "Member of the <b>Bold</b> cohort.")
	if strings.Contains(page.Body, evil) || strings.Contains(page.Body, "<b>Bold</b>") {
		t.Fatal("a name is written unescaped")
	}
}

// TestConsoleRule_Access: a viewer reads but cannot save; another
// community's badge is not found; removing asks first.
func TestConsoleRule_Access(t *testing.T) {
	f := newRuleFixture(t)
	viewer := f.ts.consoleAs(t, badges.RoleViewer, f.iss)
	viewer.get(t, f.rulePath()).wantPage(t, 200, "has no rule yet")
	save := url.Values{"op": {"save"}, "c.type": {"tenure"}, "c.days": {"10"}}
	if w := viewer.post(t, f.rulePath(), save); w.Code != http.StatusForbidden {
		t.Fatalf("a viewer saving → %d, want 403", w.Code)
	}
	f.ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + f.badge + "/rule"}).want(t, 404)

	otherIss := mustIssuer(t, f.ts)
	foreign := mustAchievement(t, f.ts, otherIss, nil)["id"].(string)
	admin := f.ts.consoleAs(t, badges.RoleAdmin, f.iss)
	admin.get(t, "/admin/c/"+f.iss+"/badges/"+foreign+"/rule").wantPage(t, 404)
	if w := admin.post(t, "/admin/c/"+f.iss+"/badges/"+foreign+"/rule", url.Values{"op": {"save"}, "c.type": {"tenure"}, "c.days": {"10"}}); w.Code != http.StatusNotFound {
		t.Fatalf("saving another community's rule → %d, want 404", w.Code)
	}

	admin.post(t, f.rulePath(), url.Values{"op": {"save"}, "c.type": {"tenure"}, "c.days": {"10"}}).wantRedirect(t, f.rulePath())
	admin.get(t, f.rulePath()+"/remove").wantPage(t, 200, "Check before you remove it", "A member for at least 10 days.", "The badges already awarded stay")
	admin.post(t, f.rulePath()+"/remove", url.Values{}).wantRedirect(t, f.rulePath())
	f.ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + f.badge + "/rule"}).want(t, 404)
	admin.get(t, f.rulePath()).wantPage(t, 200, "is removed")
}
