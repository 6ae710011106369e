package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestRules(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	a := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	b := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader"})["id"].(string)
	rulePath := func(id string) string { return "/api/v1/achievements/" + id + "/rule" }

	ts.do(t, req{method: "GET", path: rulePath(a)}).wantProblem(t, 404, badges.ENOTFOUND, "")
	good := `{"condition":{"count":{"behaviour":"hosted-session","min":2,"withinDays":90}}}`
	var got map[string]any
	ts.do(t, req{method: "PUT", path: rulePath(a), body: good, contentType: "application/json"}).want(t, 200).JSON(t, &got)
	ts.do(t, req{method: "GET", path: rulePath(a)}).want(t, 200).JSON(t, &got)
	if fmt.Sprint(got["condition"]) != "map[count:map[behaviour:hosted-session min:2 withinDays:90]]" {
		t.Fatalf("rule read back: %v", got)
	}
	for _, tc := range []struct{ body, field string }{
		{`{"condition":{"count":{"behaviour":"hosted-session","min":0}}}`, "rule.condition.count.min"},
		{`{"condition":{"all":[{"tenure":{"days":10}},{"cont":{}}]}}`, "rule.condition.all[1].cont"},
		{`{"condition":{"count":{"behaviour":"no-such-thing","min":1}}}`, "rule.condition.count.behaviour"},
		{`{"condition":{"holds":{"achievement":"aaaaaaaaaaaaaaaaaaaa"}}}`, "rule.condition.holds.achievement"},
		{`{"condition":{"holds":{"achievement":"` + a + `"}}}`, "rule.condition"}, // requires itself
		{`not json`, "rule"},
	} {
		p := ts.do(t, req{method: "PUT", path: rulePath(a), body: tc.body, contentType: "application/json"}).want(t, 400).problem(t)
		if p.Code != badges.EINVALID || p.Field != tc.field {
			t.Errorf("%s: problem %+v, want field %q", tc.body, p, tc.field)
		}
	}
	// A pathway: b requires a; then a requiring b would be a cycle.
	ts.do(t, req{method: "PUT", path: rulePath(b), body: `{"condition":{"all":[{"holds":{"achievement":"` + a + `"}},{"count":{"behaviour":"led-project","min":1}}]}}`, contentType: "application/json"}).want(t, 200)
	p := ts.do(t, req{method: "PUT", path: rulePath(a), body: `{"condition":{"holds":{"achievement":"` + b + `"}}}`, contentType: "application/json"}).want(t, 400).problem(t)
	if !strings.Contains(p.Detail, "→") {
		t.Errorf("the cycle is not named: %+v", p)
	}
	ts.do(t, req{method: "PUT", path: rulePath(a), body: good, contentType: "text/plain"}).wantProblem(t, 415, "unsupported_media_type", "")
	ts.do(t, req{method: "DELETE", path: rulePath(b)}).want(t, 204)
	ts.do(t, req{method: "GET", path: rulePath(b)}).wantProblem(t, 404, badges.ENOTFOUND, "")
}
