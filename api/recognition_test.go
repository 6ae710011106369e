package api_test

import (
	"context"
	"fmt"
	"github.com/laurel-badges/laurel/issuer"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestBehaviours(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	var list struct {
		Items []struct{ Key, Name, Category string }
		Total int
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/behaviours"}).want(t, 200).JSON(t, &list)
	if list.Total != 11 || list.Items[0].Key == "" {
		t.Fatalf("default catalogue: %+v", list)
	}
	body := map[string]any{"key": "ran-workshop", "name": "Ran a workshop", "category": "leadership"}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/behaviours", body: body}).want(t, 201)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/behaviours", body: body}).wantProblem(t, 409, badges.ECONFLICT, "key")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/behaviours", body: map[string]any{"key": "posted", "name": "P", "category": "contribution"}}).
		wantProblem(t, 400, badges.EINVALID, "key")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/behaviours", body: map[string]any{"key": "Bad Key", "name": "P", "category": "contribution"}}).
		wantProblem(t, 400, badges.EINVALID, "key")
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/behaviours"}).want(t, 200).JSON(t, &list)
	if list.Total != 12 || list.Items[11].Key != "ran-workshop" {
		t.Fatalf("catalogue after adding: %+v", list)
	}
}

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

// TestRecognition_EndToEnd records activity over HTTP and follows it to a
// credential issued once, with its evidence, on the member's profile, and
// then along a pathway to a second badge.
func TestRecognition_EndToEnd(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	host := mustAchievement(t, ts, iss, map[string]any{"status": "active", "level": "contribution"})["id"].(string)
	lead := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Community Leader", "level": "leadership"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + host + "/rule", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":2,"withinDays":90}}}`}).want(t, 200)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + lead + "/rule", contentType: "application/json",
		body: `{"condition":{"all":[{"holds":{"achievement":"` + host + `"}},{"count":{"behaviour":"led-project","min":1}}]}}`}).want(t, 200)
	ingest := mustKey(t, ts, badges.ScopeIngest)
	read := mustKey(t, ts, badges.ScopeRead)
	path := "/api/v1/issuers/" + iss + "/activities"
	now := time.Now().UTC()

	first := []map[string]any{{"email": "ada@example.org", "name": "Ada", "createMember": true, "behaviour": "hosted-session",
		"at": now.Add(-48 * time.Hour), "sourceEventId": "meetup-1", "evidenceUrl": "https://example.org/meetups/1"}}
	var rep struct {
		Recorded, Duplicate, Rejected int
		Results                       []struct {
			Outcome, MemberID, Error, Field string
			Earned                          []string
		}
	}
	ts.do(t, req{method: "POST", path: path, token: read, body: first}).wantProblem(t, 403, badges.EFORBIDDEN, "")
	ts.do(t, req{method: "POST", path: path, token: ingest, body: first}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 || len(rep.Results[0].Earned) != 0 {
		t.Fatalf("first activity: %+v", rep)
	}
	ada := rep.Results[0].MemberID
	ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + ada, body: map[string]any{"publicProfile": true, "slug": "ada"}}).want(t, 200)

	// The same event again, a second session, and two bad ones.
	batch := []map[string]any{first[0],
		{"memberId": ada, "behaviour": "hosted-session", "at": now.Add(-time.Hour), "sourceEventId": "meetup-2", "evidenceUrl": "https://example.org/meetups/2"},
		{"memberId": ada, "behaviour": "juggled", "at": now},
		{"memberId": ada, "behaviour": "posted", "at": now.Add(time.Hour)},
	}
	ts.do(t, req{method: "POST", path: path, token: ingest, body: batch}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 || rep.Duplicate != 1 || rep.Rejected != 2 || rep.Results[2].Field != "behaviour" || rep.Results[3].Field != "at" ||
		fmt.Sprint(rep.Results[1].Earned) != "["+host+"]" {
		t.Fatalf("batch: %+v", rep)
	}
	profile := waitFor(t, "the badge on Ada's profile", func() (string, bool) {
		body := string(ts.do(t, req{method: "GET", path: "/members/ada", token: "-", header: accept("text/html")}).want(t, 200).body)
		return body, strings.Contains(body, "1 badge from")
	})
	credID := between(profile, baseURL+"/credentials/", `"`)
	var cred struct {
		Credential struct {
			CredentialSubject struct{ Narrative string }
			Evidence          []struct{ ID string }
		}
	}
	ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + credID}).want(t, 200).JSON(t, &cred)
	if !strings.Contains(cred.Credential.CredentialSubject.Narrative, "Hosted a session twice") || len(cred.Credential.Evidence) != 2 {
		t.Fatalf("the credential does not say why: %+v", cred.Credential)
	}

	// More hosting changes nothing: the badge is not repeatable.
	ts.do(t, req{method: "POST", path: path, token: ingest, body: map[string]any{"memberId": ada, "behaviour": "hosted-session", "at": now}}).want(t, 200)
	var progress struct {
		Items []struct {
			AchievementID string
			Held, Met     bool
			Fraction      float64
			Conditions    []struct {
				Description string
				Met         bool
			}
		}
	}
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + ada + "/progress", token: read}).want(t, 200).JSON(t, &progress)
	if len(progress.Items) != 2 || progress.Items[0].AchievementID != lead || progress.Items[0].Fraction != 0.5 || progress.Items[1].AchievementID != host || !progress.Items[1].Held {
		t.Fatalf("progress: %+v", progress)
	}

	// Leading a project completes the pathway.
	ts.do(t, req{method: "POST", path: path, token: ingest, body: map[string]any{"memberId": ada, "behaviour": "led-project", "at": now}}).want(t, 200)
	waitFor(t, "the leadership badge", func() (string, bool) {
		body := string(ts.do(t, req{method: "GET", path: "/members/ada", token: "-", header: accept("text/html")}).want(t, 200).body)
		return body, strings.Contains(body, "2 badges from") && strings.Contains(body, "Community Leader")
	})
	if body := string(ts.do(t, req{method: "GET", path: "/achievements/" + host, token: "-", header: accept("text/html")}).want(t, 200).body); !strings.Contains(body, "Earned by 1 member.") {
		t.Fatalf("the hosting badge was issued more than once:\n%s", body)
	}

	// The counters saw it all.
	var stats struct {
		Weeks []struct {
			Week          string
			Activities    map[string]int
			ActiveMembers int
			Awards        map[string]int
		}
		Achievements []struct {
			ID     string
			Earned int
		}
		Funnel []struct {
			Level   string
			Members int
		}
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/stats?weeks=2", token: read}).want(t, 200).JSON(t, &stats)
	activities, awards := map[string]int{}, 0
	for _, w := range stats.Weeks {
		for b, n := range w.Activities {
			activities[b] += n
		}
		for _, n := range w.Awards {
			awards += n
		}
	}
	if len(stats.Weeks) != 2 || activities["hosted-session"] != 3 || activities["led-project"] != 1 || awards != 2 ||
		fmt.Sprint(stats.Funnel) != "[{contribution 1} {leadership 1}]" || len(stats.Achievements) != 2 {
		t.Fatalf("stats: %+v", stats)
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/stats?weeks=0", token: read}).wantProblem(t, 400, badges.EINVALID, "weeks")
}

// TestRecognition_CrashBetweenIssueAndDequeue makes the award queue's
// worker fail right after a credential is issued, before the queue entry
// is removed, as a crash would: the next run issues nothing new.
func TestRecognition_CrashBetweenIssueAndDequeue(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	issuing := newIssuing(t, ts.db)
	aw := newAwarder(t, ts.db, issuing)
	ctx := context.Background()
	if _, err := aw.Catalogue.SetRule(ctx, ach, mustRule(t, `{"condition":{"count":{"behaviour":"volunteered","min":1}}}`)); err != nil {
		t.Fatal(err)
	}
	real := aw.Issue
	var issued []string
	aw.Issue = func(ctx context.Context, issuerID string, in badges.AwardInput) (string, error) {
		id, err := real(ctx, issuerID, in)
		issued = append(issued, id)
		if err == nil && len(issued) == 1 {
			return "", fmt.Errorf("the process died")
		}
		return id, err
	}
	// Record through the store only, so the test server's own worker,
	// which drains the same queue, is raced on purpose: either way one
	// credential must come out.
	res, err := aw.Record(ctx, iss, []badges.ActivityInput{{Email: "bob@example.org", Name: "Bob", CreateMember: true,
		Activity: badges.Activity{Behaviour: "volunteered", At: time.Now().Add(-time.Minute)}}})
	if err != nil || res[0].Outcome != badges.ActivityRecorded {
		t.Fatalf("record: %+v, %v", res, err)
	}
	for range 3 {
		if _, err := aw.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the queue to empty", func() (string, bool) {
		p, err := aw.Queue.Pending(ctx, everQueued, 10)
		return fmt.Sprint(p, err), err == nil && len(p) == 0
	})
	sc, err := issuing.MemberShowcase(ctx, res[0].MemberID)
	if err != nil || sc.Total != 1 {
		t.Fatalf("credentials issued: %+v, %v (attempts %v)", sc, err, issued)
	}
}

// everQueued is a time at which every queued award is due, to list them
// all.
var everQueued = time.Now().AddDate(100, 0, 0)

// ruleAwards records activity of one member through an awarder of its
// own, on its own clock, drains the award queue and counts what was issued.
type ruleAwards struct {
	t       *testing.T
	aw      *badges.Awarder
	issuing *issuer.Service
	iss     string
	member  string
}

func newRuleAwards(t *testing.T, ts *testServer, iss, ach, rule string) *ruleAwards {
	t.Helper()
	issuing := newIssuing(t, ts.db)
	aw := newAwarder(t, ts.db, issuing)
	if _, err := aw.Catalogue.SetRule(t.Context(), ach, mustRule(t, rule)); err != nil {
		t.Fatal(err)
	}
	return &ruleAwards{t: t, aw: aw, issuing: issuing, iss: iss}
}

// record records one hosted session an hour before now and drains the
// queue as of now.
func (h *ruleAwards) record(now time.Time, event string) {
	h.t.Helper()
	h.aw.Now = func() time.Time { return now }
	res, err := h.aw.Record(h.t.Context(), h.iss, []badges.ActivityInput{{Email: "host@example.org", Name: "Host", CreateMember: true,
		Activity: badges.Activity{Behaviour: "hosted-session", At: now.Add(-time.Hour), SourceEventID: event}}})
	if err != nil || res[0].Outcome != badges.ActivityRecorded {
		h.t.Fatalf("record %s: %+v, %v", event, res, err)
	}
	h.member = res[0].MemberID
	if _, err := h.aw.Drain(h.t.Context()); err != nil {
		h.t.Fatal(err)
	}
}

// credentials waits for the queue to empty and for the member to have
// been issued n credentials, and returns them.
func (h *ruleAwards) credentials(n int) []issuer.ShowcaseEntry {
	h.t.Helper()
	var sc *issuer.MemberShowcase
	waitFor(h.t, fmt.Sprintf("%d credentials", n), func() (string, bool) {
		p, err := h.aw.Queue.Pending(h.t.Context(), everQueued, 10)
		var err2 error
		sc, err2 = h.issuing.MemberShowcase(h.t.Context(), h.member)
		return fmt.Sprint(p, sc, err, err2), err == nil && err2 == nil && len(p) == 0 && sc.Total == n
	})
	return sc.Entries
}

// TestRecognition_OncePerPeriod: a repeatable badge whose rule has a
// period is awarded once in a month however often the rule is met, and
// again the next month.
func TestRecognition_OncePerPeriod(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "repeatable": true})["id"].(string)
	h := newRuleAwards(t, ts, iss, ach, `{"condition":{"count":{"behaviour":"hosted-session","min":1,"withinDays":60}},"period":"month"}`)
	thisMonth := time.Now().UTC()
	nextMonth := time.Date(thisMonth.Year(), thisMonth.Month()+1, 3, 12, 0, 0, 0, time.UTC)
	h.record(thisMonth, "a")
	h.credentials(1)
	h.record(thisMonth.Add(time.Minute), "b") // met again the same month
	h.credentials(1)
	h.record(nextMonth, "c")
	h.credentials(2)
}

// TestRecognition_RevokedStaysRevoked: a badge earned by rule and then
// revoked is not awarded again when the member's next activity meets the
// rule again.
func TestRecognition_RevokedStaysRevoked(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	h := newRuleAwards(t, ts, iss, ach, `{"condition":{"count":{"behaviour":"hosted-session","min":1}}}`)
	now := time.Now().UTC()
	h.record(now, "a")
	got := h.credentials(1)
	if _, err := h.issuing.Revoke(t.Context(), got[0].CredentialID, "Awarded by mistake."); err != nil {
		t.Fatal(err)
	}
	h.record(now.Add(time.Minute), "b")
	if got := h.credentials(1); !got[0].Revoked {
		t.Fatalf("after revoking and more activity: %+v", got)
	}
}

func mustRule(t *testing.T, s string) *badges.Rule {
	t.Helper()
	r, err := badges.ParseRule([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitFor polls until ok, for background work; it fails after 10 s.
func waitFor(t *testing.T, what string, check func() (string, bool)) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		last, ok := check()
		if ok {
			return last
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s; last saw:\n%s", what, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// between returns the text after the first from, up to the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}

// TestEndorsements lets a leader endorse members: it counts towards a badge
// that asks for endorsements from leaders, and as the leader's activity.
func TestEndorsements(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	leader := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	recognised := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Recognised", "level": "contribution"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + recognised + "/rule", contentType: "application/json",
		body: `{"condition":{"endorsements":{"min":2,"fromHolders":"` + leader + `"}}}`}).want(t, 200)
	member := func(email string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": email}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ann, ben, cat, dan := member("ann@example.org"), member("ben@example.org"), member("cat@example.org"), member("dan@example.org")
	for _, m := range []string{ann, ben} { // the leaders
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": leader, "memberId": m}}).want(t, 201)
	}
	ingest := mustKey(t, ts, badges.ScopeIngest)
	endorse := func(from, to string) *resp {
		return ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/endorsements", token: ingest,
			body: map[string]any{"endorserId": from, "memberId": to, "note": "Great workshop."}})
	}
	var res struct{ Earned, EndorserEarned []string }
	endorse(ann, dan).want(t, 201).JSON(t, &res)
	if len(res.Earned) != 0 {
		t.Fatalf("one endorsement earned %v", res.Earned)
	}
	endorse(ann, dan).wantProblem(t, 409, badges.ECONFLICT, "")          // once a day
	endorse(dan, dan).wantProblem(t, 400, badges.EINVALID, "memberId")   // oneself
	endorse(cat, dan).wantProblem(t, 400, badges.EINVALID, "endorserId") // not a leader
	endorse(ann, "aaaaaaaaaaaaaaaaaaaa").wantProblem(t, 400, badges.EINVALID, "memberId")
	endorse(ben, dan).want(t, 201).JSON(t, &res)
	if fmt.Sprint(res.Earned) != "["+recognised+"]" {
		t.Fatalf("two leaders' endorsements earned %v", res.Earned)
	}
	var progress struct {
		Items []struct {
			AchievementID string
			Held          bool
		}
	}
	waitFor(t, "the endorsed member's badge", func() (string, bool) {
		ts.do(t, req{method: "GET", path: "/api/v1/members/" + dan + "/progress"}).want(t, 200).JSON(t, &progress)
		return fmt.Sprint(progress), len(progress.Items) == 1 && progress.Items[0].Held
	})
}

// TestNominations takes a leader's nomination through the admin queue:
// approval awards the badge once; a declined one says why.
func TestNominations(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	leader := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	helper := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Helper"})["id"].(string)
	member := func(email string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": email}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ann, bo, cy := member("ann@example.org"), member("bo@example.org"), member("cy@example.org")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": leader, "memberId": ann}}).want(t, 201)
	ingest := mustKey(t, ts, badges.ScopeIngest)
	path := "/api/v1/issuers/" + iss + "/nominations"
	nominate := func(from, to, ach string) *resp {
		return ts.do(t, req{method: "POST", path: path, token: ingest, body: map[string]any{"nominatorId": from, "memberId": to, "achievementId": ach, "note": "Answered every newcomer's question in March."}})
	}
	var n struct{ ID, Status, CredentialID, Reason string }
	nominate(ann, bo, helper).want(t, 201).JSON(t, &n)
	nominate(ann, bo, helper).wantProblem(t, 409, badges.ECONFLICT, "")
	nominate(bo, cy, helper).wantProblem(t, 400, badges.EINVALID, "nominatorId")
	nominate(ann, ann, helper).wantProblem(t, 400, badges.EINVALID, "memberId")
	nominate(ann, cy, "aaaaaaaaaaaaaaaaaaaa").wantProblem(t, 400, badges.EINVALID, "achievementId")
	var second struct{ ID string }
	nominate(ann, cy, helper).want(t, 201).JSON(t, &second)

	var queue struct {
		Items []struct{ ID, Status string }
		Total int
	}
	ts.do(t, req{method: "GET", path: path + "?status=pending"}).want(t, 200).JSON(t, &queue)
	if queue.Total != 2 {
		t.Fatalf("queue %+v", queue)
	}
	ts.do(t, req{method: "GET", path: path + "?status=maybe"}).wantProblem(t, 400, badges.EINVALID, "status")
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/" + n.ID + "/approve", token: ingest}).wantProblem(t, 403, badges.EFORBIDDEN, "")
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/" + n.ID + "/approve"}).want(t, 200).JSON(t, &n)
	if n.Status != "approved" || n.CredentialID == "" {
		t.Fatalf("approved: %+v", n)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/" + n.ID + "/approve"}).wantProblem(t, 409, badges.ECONFLICT, "")
	var cred struct {
		MemberID, AchievementID string
		Credential              struct{ CredentialSubject struct{ Narrative string } }
	}
	ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + n.CredentialID}).want(t, 200).JSON(t, &cred)
	if cred.MemberID != bo || cred.AchievementID != helper || !strings.Contains(cred.Credential.CredentialSubject.Narrative, "newcomer") {
		t.Fatalf("credential %+v", cred)
	}
	var declined struct{ Status, CredentialID, Reason string }
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/" + second.ID + "/decline", body: map[string]any{"reason": "Not yet."}}).want(t, 200).JSON(t, &declined)
	if declined.Status != "declined" || declined.Reason != "Not yet." || declined.CredentialID != "" {
		t.Fatalf("declined: %+v", declined)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/aaaaaaaaaaaaaaaaaaaa/approve"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	ts.do(t, req{method: "GET", path: path + "?status=pending"}).want(t, 200).JSON(t, &queue)
	if queue.Total != 0 {
		t.Fatalf("queue after deciding %+v", queue)
	}
}

// TestSpotlight celebrates consenting members only: recent awards, the
// most engaged, and a pinned member.
func TestSpotlight(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Attendee"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"attended-session","min":2}}}`}).want(t, 200)
	member := func(email, name string, public bool) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": name, "publicProfile": public}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ada, bob := member("ada@example.org", "Ada Open", true), member("bob@example.org", "Bob Private", false)
	var acts []map[string]any
	for i := range 3 {
		for _, m := range []string{ada, bob, bob} {
			acts = append(acts, map[string]any{"memberId": m, "behaviour": "attended-session", "at": time.Now().Add(-time.Duration(i+1) * time.Hour)})
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: acts}).want(t, 200)
	ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + iss + "/spotlight", body: map[string]any{"memberId": ada, "note": "Ran the newcomers' evening."}}).want(t, 200)
	ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + iss + "/spotlight", body: map[string]any{"memberId": "aaaaaaaaaaaaaaaaaaaa"}}).wantProblem(t, 400, badges.EINVALID, "memberId")
	var sp struct {
		Pinned       *struct{ Name, Note string }
		RecentAwards []struct {
			Member      struct{ Name string }
			Achievement string
		}
		ThisWeek, ThisMonth []struct {
			Name       string
			Activities int
		}
	}
	waitFor(t, "both awards", func() (string, bool) {
		r := ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/spotlight", token: "-", header: accept("application/json")}).want(t, 200)
		r.JSON(t, &sp)
		return string(r.body), len(sp.RecentAwards) == 1
	})
	if sp.Pinned == nil || sp.Pinned.Name != "Ada Open" || sp.RecentAwards[0].Member.Name != "Ada Open" || sp.RecentAwards[0].Achievement != "Attendee" ||
		len(sp.ThisMonth) != 1 || sp.ThisMonth[0].Name != "Ada Open" || sp.ThisMonth[0].Activities != 3 {
		t.Fatalf("spotlight %+v", sp)
	}
	body := string(ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/spotlight", token: "-", header: accept("text/html")}).want(t, 200).body)
	wantIn(t, body, "<h1>Spotlight</h1>", "Ran the newcomers&#39; evening.", "Ada Open")
	wantNotIn(t, body, "Bob")
	ts.do(t, req{method: "DELETE", path: "/api/v1/issuers/" + iss + "/spotlight"}).want(t, 204)
	ts.do(t, req{method: "GET", path: "/issuers/aaaaaaaaaaaaaaaaaaaa/spotlight", token: "-", header: accept("text/html")}).want(t, 404)
}

// TestActivitiesCSV records activities from a CSV upload: readable rows
// are recorded, the others rejected with their line.
func TestActivitiesCSV(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	csv := "email,name,createMember,behaviour,at,sourceEventId\n" +
		"ada@example.org,Ada,true,attended-session,2026-11-01T18:00:00Z,ev-1\n" +
		"ada@example.org,,,attended-session,not a date,ev-2\n" +
		"ada@example.org,,,juggled,2026-11-02T18:00:00Z,ev-3\n" +
		"ada@example.org,,,attended-session,2026-11-01T18:00:00Z,ev-1\n"
	var rep struct {
		Recorded, Duplicate, Rejected int
		Results                       []struct {
			Line           int
			Outcome, Field string
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: csv, contentType: "text/csv"}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 || rep.Duplicate != 1 || rep.Rejected != 2 || rep.Results[1].Line != 3 || rep.Results[1].Field != "at" ||
		rep.Results[2].Field != "behaviour" || rep.Results[3].Outcome != "duplicate" {
		t.Fatalf("report %+v", rep)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: "colour\nred\n", contentType: "text/csv"}).wantProblem(t, 400, badges.EINVALID, "")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: "x", contentType: "text/plain"}).wantProblem(t, 415, "unsupported_media_type", "")
}

// TestActivityForm records one activity from an admin form's fields and
// answers a form it cannot use with the field at fault.
func TestActivityForm(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/activities"
	form := func(v url.Values) req {
		return req{method: "POST", path: path, body: v.Encode(), contentType: "application/x-www-form-urlencoded"}
	}
	good := url.Values{"email": {"ada@example.org"}, "name": {"Ada"}, "createMember": {"yes"}, "behaviour": {"hosted-session"},
		"at": {"2026-11-20T18:00:00Z"}, "quantity": {"2"}, "narrative": {"Generics deep dive"}, "sourceEventId": {"form-1"}}
	var rep struct {
		Recorded, Duplicate int
		Results             []struct{ Outcome, MemberID string }
	}
	ts.do(t, form(good)).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 || len(rep.Results) != 1 || rep.Results[0].MemberID == "" {
		t.Fatalf("report %+v", rep)
	}
	ts.do(t, form(good)).want(t, 200).JSON(t, &rep)
	if rep.Duplicate != 1 {
		t.Fatalf("sending the form again: %+v, want a duplicate", rep)
	}
	for _, tc := range []struct {
		change url.Values
		field  string
	}{
		{url.Values{"colour": {"red"}}, "colour"},
		{url.Values{"behaviour": {"hosted-session", "posted"}}, "behaviour"},
		{url.Values{"at": {"yesterday"}}, "at"},
		{url.Values{"quantity": {"lots"}}, "quantity"},
		{url.Values{"behaviour": {"juggled"}}, "behaviour"},
		{url.Values{"email": {"nobody@example.org"}, "createMember": {"false"}}, "memberId"},
	} {
		v := url.Values{}
		for k, vs := range good {
			v[k] = vs
		}
		v.Del("sourceEventId")
		for k, vs := range tc.change {
			v[k] = vs
		}
		ts.do(t, form(v)).wantProblem(t, 400, badges.EINVALID, tc.field)
	}
	missing := url.Values{"email": {"ada@example.org"}, "at": {"2026-11-20T18:00:00Z"}}
	ts.do(t, form(missing)).wantProblem(t, 400, badges.EINVALID, "behaviour")
	ts.do(t, req{method: "POST", path: path, body: "behaviour=%zz", contentType: "application/x-www-form-urlencoded"}).wantProblem(t, 400, badges.EINVALID, "")
}

// TestRulePreview evaluates a draft rule without awarding anything.
func TestRulePreview(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	var acts []map[string]any
	for i, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		for range i + 1 { // a hosts once, b twice, c three times
			acts = append(acts, map[string]any{"email": email, "name": email, "createMember": true, "behaviour": "hosted-session", "at": time.Now().Add(-time.Hour)})
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: acts}).want(t, 200)
	var p struct {
		Evaluated int
		Qualify   []struct{ Name string }
		Closest   []struct {
			Name     string
			Fraction float64
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/preview", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":2}}}`}).want(t, 200).JSON(t, &p)
	if p.Evaluated != 3 || len(p.Qualify) != 2 || len(p.Closest) != 1 || p.Closest[0].Name != "a@example.org" || p.Closest[0].Fraction != 0.5 {
		t.Fatalf("preview %+v", p)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/preview", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":-1}}}`}).wantProblem(t, 400, badges.EINVALID, "rule.condition.count.min")
	ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + ach + "/rule"}).wantProblem(t, 404, badges.ENOTFOUND, "") // nothing stored
	time.Sleep(200 * time.Millisecond)
	if body := string(ts.do(t, req{method: "GET", path: "/achievements/" + ach, token: "-", header: accept("text/html")}).want(t, 200).body); !strings.Contains(body, "Nobody has earned this badge yet.") {
		t.Fatal("a preview awarded something")
	}
}
