package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

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
	if _, err := h.issuing.Revoke(t.Context(), got[0].CredentialID, badges.RevokeInput{Reason: "Awarded by mistake."}); err != nil {
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
