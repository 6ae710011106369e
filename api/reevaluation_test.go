package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

type reevaluationBody struct {
	ID, AchievementName, Reason, State, RuleRevision string
	MembersTotal, MembersDone, AwardsQueued          int
	StartedAt, FinishedAt                            *time.Time
}

// waitReevaluation polls a re-evaluation until it has finished.
func waitReevaluation(t *testing.T, ts *testServer, id string) reevaluationBody {
	t.Helper()
	var j reevaluationBody
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ts.do(t, req{method: "GET", path: "/api/v1/reevaluations/" + id}).want(t, 200).JSON(t, &j)
		if j.State == "done" || j.State == "failed" {
			return j
		}
	}
	t.Fatalf("re-evaluation %s did not finish: %+v", id, j)
	return j
}

// latestReevaluation is the newest re-evaluation of a community.
func latestReevaluation(t *testing.T, ts *testServer, iss string) reevaluationBody {
	t.Helper()
	var l struct{ Items []reevaluationBody }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/reevaluations?limit=1"}).want(t, 200).JSON(t, &l)
	if len(l.Items) != 1 {
		t.Fatalf("no re-evaluation listed: %+v", l)
	}
	return l.Items[0]
}

// hostingCommunity is a community of three members who hosted once,
// twice and three times, and an achievement with the given status and no
// rule.
func hostingCommunity(t *testing.T, ts *testServer, status string) (iss, ach string) {
	t.Helper()
	iss = mustIssuer(t, ts)
	ach = mustAchievement(t, ts, iss, map[string]any{"status": status})["id"].(string)
	var acts []map[string]any
	for i, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		for range i + 1 {
			acts = append(acts, map[string]any{"email": email, "name": email, "createMember": true, "behaviour": "hosted-session", "at": time.Now().Add(-time.Hour)})
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: acts}).want(t, 200)
	return iss, ach
}

const hostedTwice = `{"condition":{"count":{"behaviour":"hosted-session","min":2}}}`

// TestReevaluation_RuleReachesMembersWhoQualifyAlready: storing a rule
// after the activity re-evaluates it for everyone, awarding what the
// preview said it would; re-evaluating again awards nothing.
func TestReevaluation_RuleReachesMembersWhoQualifyAlready(t *testing.T) {
	ts := newTestServer(t)
	iss, ach := hostingCommunity(t, ts, "active")
	path := "/api/v1/achievements/" + ach + "/reevaluations"
	p := ts.do(t, req{method: "POST", path: path}).wantProblem(t, 409, badges.ECONFLICT, "")
	if !strings.Contains(p.Detail, "has no rule") {
		t.Fatalf("no rule: %q; want it said", p.Detail)
	}
	var preview struct{ WouldAward int }
	ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/preview", contentType: "application/json", body: hostedTwice}).want(t, 200).JSON(t, &preview)

	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json", body: hostedTwice}).want(t, 200)
	first := waitReevaluation(t, ts, latestReevaluation(t, ts, iss).ID)
	if first.State != "done" || first.Reason != "rule-changed" || first.MembersDone != 3 || first.MembersTotal != 3 || first.AwardsQueued != 2 ||
		first.AwardsQueued != preview.WouldAward || first.StartedAt == nil || first.FinishedAt == nil || first.AchievementName == "" {
		t.Fatalf("after the rule: %+v; want 2 awards queued, as the preview's %d", first, preview.WouldAward)
	}
	for deadline := time.Now().Add(20 * time.Second); preview.WouldAward != 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the queued awards were not issued")
		}
		ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/preview", contentType: "application/json", body: hostedTwice}).want(t, 200).JSON(t, &preview)
	}

	var again reevaluationBody
	r := ts.do(t, req{method: "POST", path: path, contentType: "application/json", body: `{}`}).want(t, 202)
	r.JSON(t, &again)
	if loc := r.Header().Get("Location"); loc != "/api/v1/reevaluations/"+again.ID || again.Reason != "requested" || again.ID == first.ID {
		t.Fatalf("started %+v at %q", again, loc)
	}
	if again = waitReevaluation(t, ts, again.ID); again.State != "done" || again.AwardsQueued != 0 || again.RuleRevision != first.RuleRevision {
		t.Fatalf("again: %+v; want nothing queued", again)
	}
	var l struct {
		Items      []reevaluationBody
		Total      int
		NextCursor string
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/reevaluations?limit=1"}).want(t, 200).JSON(t, &l)
	if l.Total != 2 || len(l.Items) != 1 || l.Items[0].ID != again.ID || l.NextCursor == "" {
		t.Fatalf("list %+v; want the newest of two", l)
	}
	last := l
	last.NextCursor = ""
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/reevaluations?limit=1&cursor=" + l.NextCursor}).want(t, 200).JSON(t, &last)
	if len(last.Items) != 1 || last.Items[0].ID != first.ID || last.NextCursor != "" {
		t.Fatalf("second page %+v; want the first, last", last)
	}
}

// TestReevaluation_ActivatingStartsOne: a draft's rule awards nothing;
// activating the draft re-evaluates it.
func TestReevaluation_ActivatingStartsOne(t *testing.T) {
	ts := newTestServer(t)
	iss, ach := hostingCommunity(t, ts, "draft")
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json", body: hostedTwice}).want(t, 200)
	var l struct{ Total int }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/reevaluations"}).want(t, 200).JSON(t, &l)
	if l.Total != 0 {
		t.Fatalf("a draft's rule started %d re-evaluations", l.Total)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/reevaluations"}).wantProblem(t, 409, badges.ECONFLICT, "")
	ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + ach, body: map[string]any{"status": "active"}}).want(t, 200)
	j := waitReevaluation(t, ts, latestReevaluation(t, ts, iss).ID)
	if j.Reason != "activated" || j.State != "done" || j.AwardsQueued != 2 {
		t.Fatalf("after activation: %+v; want 2 awards queued", j)
	}
	ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + ach, body: map[string]any{"status": "active"}}).want(t, 200)
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/reevaluations"}).want(t, 200).JSON(t, &l)
	if l.Total != 1 {
		t.Fatalf("an achievement active already started another: %d", l.Total)
	}
}

// TestReevaluation_BadInput: unknown things are not found, an archived
// achievement is refused, a body with a field is refused naming it.
func TestReevaluation_BadInput(t *testing.T) {
	ts := newTestServer(t)
	iss, ach := hostingCommunity(t, ts, "active")
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json", body: hostedTwice}).want(t, 200)
	path := "/api/v1/achievements/" + ach + "/reevaluations"
	t.Run("400/unknown field", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: path, contentType: "application/json", body: `{"force":true}`}).wantProblem(t, 400, badges.EINVALID, "force")
	})
	t.Run("400/bad json", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: path, contentType: "application/json", body: `{`}).wantProblem(t, 400, badges.EINVALID, "")
	})
	t.Run("400/bad limit", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/reevaluations?limit=many"}).wantProblem(t, 400, badges.EINVALID, "limit")
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/achievements/aaaaaaaaaaaaaaaaaaaa/reevaluations"}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "GET", path: "/api/v1/reevaluations/aaaaaaaaaaaaaaaaaaaa"}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "GET", path: "/api/v1/reevaluations/unfinished"}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/aaaaaaaaaaaaaaaaaaaa/reevaluations"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})
	t.Run("409/archived", func(t *testing.T) {
		waitReevaluation(t, ts, latestReevaluation(t, ts, iss).ID)
		ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/archive"}).want(t, 200)
		p := ts.do(t, req{method: "POST", path: path}).wantProblem(t, 409, badges.ECONFLICT, "")
		if !strings.Contains(p.Detail, "archived") {
			t.Fatalf("archived: %q; want it said", p.Detail)
		}
	})
}
