package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// ruleCredential is what a test reads of an issued credential.
type ruleCredential struct {
	AchievementID string
	AwardedAt     time.Time
	AwardedDate   time.Time
	Status        string
	Credential    struct {
		AwardedDate, ValidFrom string
		CredentialSubject      struct{ Narrative string }
	}
}

// memberCredentials reads every credential of a member through the API,
// by achievement id.
func memberCredentials(t *testing.T, ts *testServer, h *ruleAwards) map[string][]ruleCredential {
	t.Helper()
	out := map[string][]ruleCredential{}
	sc, err := h.issuing.MemberShowcase(t.Context(), h.member)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sc.Entries {
		var c ruleCredential
		ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + e.CredentialID}).want(t, 200).JSON(t, &c)
		out[c.AchievementID] = append(out[c.AchievementID], c)
	}
	return out
}

// TestRecognition_NamesAndDates: history recorded late awards a pathway
// by rule through the real awarder and issuer. Each credential names the
// badges, not their ids, and is dated when the member met the rule — the
// pathway not before its prerequisite — and the statistics count the
// awards in those weeks, not in the week they were issued.
func TestRecognition_NamesAndDates(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	host := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	mentor := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Trusted Mentor"})["id"].(string)
	h := newRuleAwards(t, ts, iss, host, `{"condition":{"count":{"behaviour":"hosted-session","min":2}}}`)
	if _, err := h.aw.Catalogue.SetRule(t.Context(), mentor, mustRule(t,
		`{"condition":{"all":[{"holds":{"achievement":"`+host+`"}},{"peers":{"behaviour":"mentored-member","min":1}}]}}`)); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	peer, err := h.aw.Record(t.Context(), iss, []badges.ActivityInput{{Email: "peer@example.org", Name: "Peer", CreateMember: true,
		Activity: badges.Activity{Behaviour: "attended-session", At: day(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	ins := []badges.ActivityInput{{Email: "host@example.org", Name: "Host", CreateMember: true,
		Activity: badges.Activity{Behaviour: "mentored-member", At: day(70), PeerID: peer[0].MemberID}}}
	for _, d := range []int{60, 40, 20} {
		ins = append(ins, badges.ActivityInput{Email: "host@example.org", Activity: badges.Activity{Behaviour: "hosted-session", At: day(d)}})
	}
	res, err := h.aw.Record(t.Context(), iss, ins)
	if err != nil || res[0].Outcome != badges.ActivityRecorded {
		t.Fatalf("record: %+v, %v", res, err)
	}
	h.member = res[0].MemberID
	for range 3 {
		if _, err := h.aw.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	h.credentials(2)
	creds := memberCredentials(t, ts, h)
	for id, want := range map[string]struct {
		date      time.Time
		narrative string
	}{host: {day(40), "Hosted a session 3 times"}, mentor: {day(40), "Holds the Session Host badge. Mentored 1 different member"}} {
		c := creds[id][0]
		if !c.AwardedDate.Equal(want.date) || c.Credential.AwardedDate != want.date.Format(time.RFC3339) ||
			c.Credential.ValidFrom != c.AwardedAt.Format(time.RFC3339) || time.Since(c.AwardedAt) > time.Minute {
			t.Errorf("%s: awardedDate %s (%s), validFrom %s; want %s, issued now", id, c.AwardedDate, c.Credential.AwardedDate, c.Credential.ValidFrom, want.date)
		}
		if n := c.Credential.CredentialSubject.Narrative; !strings.HasPrefix(n, want.narrative) || strings.Contains(n, host) || strings.Contains(n, peer[0].MemberID) {
			t.Errorf("%s: narrative %q; want it to begin %q and show no id", id, n, want.narrative)
		}
	}
	var stats struct {
		Weeks []struct {
			Week   string
			Awards map[string]int
		}
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/stats?weeks=12"}).want(t, 200).JSON(t, &stats)
	byWeek := map[string]int{}
	for _, w := range stats.Weeks {
		for _, n := range w.Awards {
			byWeek[w.Week] += n
		}
	}
	if byWeek[badges.WeekKey(day(40))] != 2 || byWeek[badges.WeekKey(now)] != 0 {
		t.Errorf("awards by week %v; want both in %s", byWeek, badges.WeekKey(day(40)))
	}
}

// TestAward_AwardedDate: an award by hand may say when the member earned
// it; a date in the future is refused, naming the field.
func TestAward_AwardedDate(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	path := "/api/v1/issuers/" + iss + "/awards"
	earned := time.Now().UTC().AddDate(0, -3, 0).Truncate(time.Second)
	var c ruleCredential
	ts.do(t, req{method: "POST", path: path, body: map[string]any{"achievementId": ach, "email": "ada@example.org", "name": "Ada",
		"awardedDate": earned}}).want(t, 201).JSON(t, &c)
	if !c.AwardedDate.Equal(earned) || c.Credential.AwardedDate != earned.Format(time.RFC3339) {
		t.Fatalf("awardedDate %s (%s); want %s", c.AwardedDate, c.Credential.AwardedDate, earned)
	}
	ts.do(t, req{method: "POST", path: path, body: map[string]any{"achievementId": ach, "email": "bo@example.org", "name": "Bo",
		"awardedDate": time.Now().Add(time.Hour)}}).wantProblem(t, 400, badges.EINVALID, "awardedDate")
	ts.do(t, req{method: "POST", path: path, body: map[string]any{"achievementId": ach, "email": "cy@example.org", "name": "Cy"}}).want(t, 201).JSON(t, &c)
	if !c.AwardedDate.Equal(c.AwardedAt) {
		t.Fatalf("an award without a date: awardedDate %s, awardedAt %s", c.AwardedDate, c.AwardedAt)
	}
}

// TestAward_BulkCSVAwardedDate: the bulk award CSV takes an awardedDate
// column, checked as in JSON; a row whose date is unreadable, in the
// future or before 2000 is rejected on awardedDate, and the other rows are
// issued, with the date given or dated at issue.
func TestAward_BulkCSVAwardedDate(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	earned := time.Now().UTC().AddDate(0, -3, 0).Truncate(time.Second)
	csv := "achievementId,email,name,awardedDate\n" +
		fmt.Sprintf("%s,ada@example.org,Ada,%s\n", ach, earned.Format(time.RFC3339)) +
		fmt.Sprintf("%s,bo@example.org,Bo,20 November 2026\n", ach) +
		fmt.Sprintf("%s,cy@example.org,Cy,%s\n", ach, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)) +
		fmt.Sprintf("%s,di@example.org,Di,1999-12-31T00:00:00Z\n", ach) +
		fmt.Sprintf("%s,ed@example.org,Ed,\n", ach)
	var r struct {
		Issued, Rejected int
		Rows             []struct {
			Row                                 int
			Outcome, CredentialID, Field, Error string
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards/bulk", body: csv, contentType: "text/csv"}).want(t, 200).JSON(t, &r)
	if r.Issued != 2 || r.Rejected != 3 {
		t.Fatalf("bulk %+v; want 2 issued, 3 rejected", r)
	}
	for _, row := range r.Rows[1:4] {
		if row.Outcome != "rejected" || row.Field != "awardedDate" {
			t.Errorf("row %d: %+v; want rejected on awardedDate", row.Row, row)
		}
	}
	var c ruleCredential
	ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + r.Rows[0].CredentialID}).want(t, 200).JSON(t, &c)
	if !c.AwardedDate.Equal(earned) || c.Credential.AwardedDate != earned.Format(time.RFC3339) {
		t.Errorf("awardedDate %s (%s); want %s", c.AwardedDate, c.Credential.AwardedDate, earned)
	}
	ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + r.Rows[4].CredentialID}).want(t, 200).JSON(t, &c)
	if !c.AwardedDate.Equal(c.AwardedAt) {
		t.Errorf("a row without a date: awardedDate %s, awardedAt %s", c.AwardedDate, c.AwardedAt)
	}
}

// TestRecognition_RevokedNotEarnedAgainByRule: a badge revoked is not
// awarded again by its rule, neither by the member's next activity nor by
// the evaluation of every rule that follows another award, whether it was
// awarded by rule or by hand; an admin can
// award it again by hand; a repeatable badge with a period is earned
// again in a later period.
func TestRecognition_RevokedNotEarnedAgainByRule(t *testing.T) {
	t.Run("once", func(t *testing.T) {
		ts := newTestServer(t)
		iss := mustIssuer(t, ts)
		host := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
		helper := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Helper"})["id"].(string)
		h := newRuleAwards(t, ts, iss, host, `{"condition":{"count":{"behaviour":"hosted-session","min":1}}}`)
		if _, err := h.aw.Catalogue.SetRule(t.Context(), helper, mustRule(t, `{"condition":{"count":{"behaviour":"volunteered","min":1}}}`)); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		h.record(now, "once-a")
		got := h.credentials(1)
		if _, err := h.issuing.Revoke(t.Context(), got[0].CredentialID, badges.RevokeInput{Reason: "Awarded by mistake."}); err != nil {
			t.Fatal(err)
		}
		h.record(now.Add(time.Minute), "once-b")
		// Another badge's award evaluates every rule of the member again.
		if _, err := h.aw.Record(t.Context(), iss, []badges.ActivityInput{{Activity: badges.Activity{MemberID: h.member, Behaviour: "volunteered", At: now}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.aw.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
		h.credentials(2)
		creds := memberCredentials(t, ts, h)
		if len(creds[host]) != 1 || creds[host][0].Status != "revoked" || len(creds[helper]) != 1 {
			t.Fatalf("after revoking and evaluating again: %+v", creds)
		}
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": host, "memberId": h.member}}).want(t, 201)
		if creds := memberCredentials(t, ts, h); len(creds[host]) != 2 {
			t.Fatalf("after an award by hand: %+v", creds[host])
		}
	})
	t.Run("awarded by hand", func(t *testing.T) {
		ts := newTestServer(t)
		iss := mustIssuer(t, ts)
		ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
		var c struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": ach,
			"email": "host@example.org", "name": "Host"}}).want(t, 201).JSON(t, &c)
		ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.ID + "/revoke", body: map[string]any{"reason": "Not yet."}}).want(t, 200)
		h := newRuleAwards(t, ts, iss, ach, `{"condition":{"count":{"behaviour":"hosted-session","min":1}}}`)
		h.record(time.Now().UTC(), "hand-a")
		if got := h.credentials(1); !got[0].Revoked {
			t.Fatalf("after revoking a badge awarded by hand and meeting its rule: %+v", got)
		}
	})
	t.Run("a later period", func(t *testing.T) {
		ts := newTestServer(t)
		iss := mustIssuer(t, ts)
		ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "repeatable": true, "name": "Monthly Host"})["id"].(string)
		h := newRuleAwards(t, ts, iss, ach, `{"condition":{"count":{"behaviour":"hosted-session","min":1,"withinDays":60}},"period":"month"}`)
		thisMonth := time.Now().UTC()
		h.record(thisMonth, "period-a")
		got := h.credentials(1)
		if _, err := h.issuing.Revoke(t.Context(), got[0].CredentialID, badges.RevokeInput{Reason: "Not this month."}); err != nil {
			t.Fatal(err)
		}
		h.record(thisMonth.Add(time.Minute), "period-b")
		h.credentials(1)
		h.record(time.Date(thisMonth.Year(), thisMonth.Month()+1, 3, 12, 0, 0, 0, time.UTC), "period-c")
		if got := h.credentials(2); got[0].Revoked || !got[1].Revoked {
			t.Fatalf("next month: %+v", got)
		}
	})
}

// TestRecognition_EndorsedByHoldersNamesTheBadge: a badge earned by
// endorsements from holders of another names that badge in its signed
// narrative, not its id.
func TestRecognition_EndorsedByHoldersNamesTheBadge(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	host := mustAchievement(t, ts, iss, map[string]any{"status": "active", "level": badges.EndorserLevel})["id"].(string)
	circle := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Inner Circle"})["id"].(string)
	h := newRuleAwards(t, ts, iss, circle, `{"condition":{"endorsements":{"min":2,"fromHolders":"`+host+`"}}}`)
	res, err := h.aw.Record(t.Context(), iss, []badges.ActivityInput{{Email: "ada@example.org", Name: "Ada", CreateMember: true,
		Activity: badges.Activity{Behaviour: "attended-session", At: time.Now().Add(-time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	h.member = res[0].MemberID
	var endorsers []string
	for _, name := range []string{"Bo", "Cy"} {
		var c struct{ MemberID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": host,
			"email": strings.ToLower(name) + "@example.org", "name": name}}).want(t, 201).JSON(t, &c)
		endorsers = append(endorsers, c.MemberID)
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/endorsements",
			body: map[string]any{"endorserId": c.MemberID, "memberId": h.member, "note": "Thank you."}}).want(t, 201)
	}
	if _, err := h.aw.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	h.credentials(1)
	n := memberCredentials(t, ts, h)[circle][0].Credential.CredentialSubject.Narrative
	if n != "Endorsed by 2 holders of the Session Host badge." {
		t.Errorf("narrative %q", n)
	}
	for _, id := range append(endorsers, host, h.member) {
		if strings.Contains(n, id) {
			t.Errorf("the narrative shows %s", id)
		}
	}
}
