package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// cohortWorld is a community with a cohort "First years" whose counters
// saw, k weeks before the current one:
//
//	k=2: Ada posted (in the cohort)
//	k=1: Ada mentored, Bob posted (in it); Cy posted (not yet in it)
//	k=0: Cy posted (joined since); Bob posted (left since, not counted);
//	     Ada was awarded Mentor
type cohortWorld struct {
	ts                *testServer
	issuer, read      string
	cohort, mentor    string
	ada, bob, cy      string
	week              func(k int) string
	communityActivity int
}

func newCohortWorld(t *testing.T) *cohortWorld {
	t.Helper()
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	w := &cohortWorld{ts: ts, issuer: iss, read: mustKey(t, ts, badges.ScopeRead)}
	now := time.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	at := func(k int) time.Time { return monday.AddDate(0, 0, -7*k).Add(time.Hour) }
	w.week = func(k int) string { return badges.WeekKey(at(k)) }
	w.cohort = mustCohort(t, ts, iss, "First years").ID
	mustCohort(t, ts, iss, "Mentors")
	w.mentor = mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Mentor"})["id"].(string)
	w.ada = mustMember(t, ts, iss, "ada@example.org", "Ada")
	w.bob = mustMember(t, ts, iss, "bob@example.org", "Bob")
	w.cy = mustMember(t, ts, iss, "cy@example.org", "Cy")
	join := func(members ...string) {
		ts.do(t, req{method: "POST", path: "/api/v1/cohorts/" + w.cohort + "/members", body: map[string]any{"memberIds": members}}).want(t, 200)
	}
	record := func(acts ...map[string]any) {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: acts}).want(t, 200)
		w.communityActivity += len(acts)
	}
	act := func(member, behaviour string, k int) map[string]any {
		return map[string]any{"memberId": member, "behaviour": behaviour, "at": at(k)}
	}
	join(w.ada, w.bob)
	record(act(w.ada, "posted", 2), act(w.ada, "mentored-member", 1), act(w.bob, "posted", 1), act(w.cy, "posted", 1))
	join(w.cy)
	ts.do(t, req{method: "DELETE", path: "/api/v1/cohorts/" + w.cohort + "/members/" + w.bob}).want(t, 204)
	record(act(w.cy, "posted", 0), act(w.bob, "posted", 0))
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": w.mentor, "memberId": w.ada}}).want(t, 201)
	return w
}

type statsWeek struct {
	Week          string
	Activities    map[string]int
	ActiveMembers int
	Awards        map[string]int
}

type statsOut struct {
	Cohort *struct{ ID, Name string }
	Weeks  []statsWeek
}

// TestStats_Cohort: statistics scoped to a cohort, by name or id, count
// what its members did and were awarded while they were in it.
func TestStats_Cohort(t *testing.T) {
	w := newCohortWorld(t)
	for _, ref := range []string{"first YEARS", w.cohort} {
		var st statsOut
		w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/stats?weeks=3&cohort=" + url.QueryEscape(ref), token: w.read}).want(t, 200).JSON(t, &st)
		if st.Cohort == nil || st.Cohort.ID != w.cohort || st.Cohort.Name != "First years" || len(st.Weeks) != 3 {
			t.Fatalf("stats of cohort %q: %+v", ref, st)
		}
		want := []string{
			fmt.Sprintf("%s map[posted:1] 1 map[]", w.week(2)),
			fmt.Sprintf("%s map[mentored-member:1 posted:1] 2 map[]", w.week(1)),
			fmt.Sprintf("%s map[posted:1] 1 map[%s:1]", w.week(0), w.mentor),
		}
		for i, wk := range st.Weeks {
			if got := fmt.Sprintf("%s %v %d %v", wk.Week, wk.Activities, wk.ActiveMembers, wk.Awards); got != want[i] {
				t.Errorf("cohort week %d: %s, want %s", i, got, want[i])
			}
		}
	}
	// The community's statistics count everyone, and name no cohort.
	var all statsOut
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/stats?weeks=3", token: w.read}).want(t, 200).JSON(t, &all)
	n := 0
	for _, wk := range all.Weeks {
		for _, c := range wk.Activities {
			n += c
		}
	}
	if all.Cohort != nil || n != w.communityActivity || all.Weeks[1].ActiveMembers != 3 {
		t.Fatalf("community stats: %+v", all)
	}

	r := w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/stats?weeks=3&format=csv&cohort=" + w.cohort, token: w.read}).want(t, 200)
	wantIn(t, string(r.body), w.week(1)+",activeMembers,,,2\n", w.week(1)+",activities,mentored-member,Mentored a member,1\n",
		w.week(0)+",awards,"+w.mentor+",Mentor,1\n")
	wantNotIn(t, string(r.body), w.week(0)+",activeMembers,,,2\n")

	other := mustCohort(t, w.ts, mustIssuer(t, w.ts), "First years").ID
	for _, ref := range []string{"Winter", other, "aaaaaaaaaaaaaaaaaaaa"} {
		w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/stats?cohort=" + ref}).wantProblem(t, 404, badges.ENOTFOUND, "cohort")
	}
}

// TestMeasures_CohortScope: a measure takes a cohort by name or id, is
// answered with its name, and counts the cohort's own counters, awards
// and behaviours included; another community's or an unknown cohort is a
// 400 naming cohort.
func TestMeasures_CohortScope(t *testing.T) {
	w := newCohortWorld(t)
	create := func(body map[string]any) measureOut {
		var m measureOut
		w.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.issuer + "/measures", body: body}).want(t, 201).JSON(t, &m)
		return m
	}
	history := func(id string) string {
		var h struct{ Points []struct{ Value int } }
		w.ts.do(t, req{method: "GET", path: "/api/v1/measures/" + id + "/history?periods=3", token: w.read}).want(t, 200).JSON(t, &h)
		return fmt.Sprint(h.Points)
	}
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"name": "Awards", "kind": "awards", "cohort": "FIRST years", "achievements": []string{w.mentor}}, "[{0} {0} {1}]"},
		{map[string]any{"name": "Posts", "kind": "activity", "cohort": w.cohort, "behaviours": []string{"posted"}}, "[{1} {1} {1}]"},
		{map[string]any{"name": "Members", "kind": "active-members", "cohort": "first years"}, "[{1} {2} {1}]"},
		{map[string]any{"name": "Returning", "kind": "returning-members", "cohort": "first years"}, "[{0} {1} {0}]"},
	} {
		m := create(c.body)
		if m.Cohort != w.cohort || m.CohortName != "First years" {
			t.Fatalf("created %+v", m)
		}
		if got := history(m.ID); got != c.want {
			t.Errorf("%s: history %s, want %s", m.Name, got, c.want)
		}
	}
	other := mustCohort(t, w.ts, mustIssuer(t, w.ts), "First years").ID
	for _, ref := range []string{"Winter", other} {
		w.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.issuer + "/measures", body: map[string]any{"name": "M", "kind": "awards", "cohort": ref}}).
			wantProblem(t, 400, badges.EINVALID, "cohort")
	}
	m := create(map[string]any{"name": "Everyone", "kind": "activity"})
	w.ts.do(t, req{method: "PATCH", path: "/api/v1/measures/" + m.ID, body: map[string]any{"cohort": other}}).wantProblem(t, 400, badges.EINVALID, "cohort")
	var u measureOut
	w.ts.do(t, req{method: "PATCH", path: "/api/v1/measures/" + m.ID, body: map[string]any{"cohort": "Mentors"}}).want(t, 200).JSON(t, &u)
	if u.CohortName != "Mentors" || u.Cohort == "" || history(m.ID) != "[{0} {0} {0}]" {
		t.Fatalf("moved to Mentors: %+v", u)
	}
}

type measureOut struct {
	ID, Name, Cohort, CohortName string
}

// failCohortsOnce is a stats store whose first count of cohort activity
// fails, after the members' records were written.
type failCohortsOnce struct {
	badges.StatsStore
	failed bool
}

func (f *failCohortsOnce) CountCohortActivities(ctx context.Context, batchID string, byCohort map[string][]badges.Activity) error {
	if !f.failed {
		f.failed = true
		return errors.New("the database went away")
	}
	return f.StatsStore.CountCohortActivities(ctx, batchID, byCohort)
}

// TestStats_CohortCountsResumed: a batch whose cohort counts failed after
// its records were written is counted in the cohort, once, when it is
// sent again.
func TestStats_CohortCountsResumed(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	l := newLaurel(t, db)
	l.Awarder.Stats = &failCohortsOnce{StatsStore: l.Awarder.Stats}
	srv, err := l.Server(api.Config{BaseURL: baseURL, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	token, err := l.Stores.APIKeys.BootstrapAPIKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier}
	iss := mustIssuer(t, ts)
	cohort := mustCohort(t, ts, iss, "Spring").ID
	ada, bob := mustMember(t, ts, iss, "ada@example.org", "Ada"), mustMember(t, ts, iss, "bob@example.org", "Bob")
	ts.do(t, req{method: "POST", path: "/api/v1/cohorts/" + cohort + "/members", body: map[string]any{"memberIds": []string{ada, bob}}}).want(t, 200)
	now := time.Now().UTC()
	var batch []map[string]any
	for i, m := range []string{ada, bob, ada} {
		batch = append(batch, map[string]any{"memberId": m, "behaviour": "posted", "at": now, "sourceEventId": fmt.Sprint("e", i)})
	}
	raw, err := json.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/api/v1/issuers/"+iss+"/activities", bytes.NewReader(raw))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	ts.srv.ServeHTTP(w, r) // a failure the OpenAPI document does not list
	if w.Code != 500 {
		t.Fatalf("the batch whose cohort count failed: %d %s", w.Code, w.Body)
	}
	var st statsOut
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/stats?weeks=1&cohort=spring"}).want(t, 200).JSON(t, &st)
	if st.Weeks[0].Activities["posted"] != 0 {
		t.Fatalf("the failed count counted: %+v", st.Weeks)
	}
	for range 2 {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: batch}).want(t, 200)
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/stats?weeks=1&cohort=spring"}).want(t, 200).JSON(t, &st)
	if w := st.Weeks[0]; w.Activities["posted"] != 3 || w.ActiveMembers != 2 {
		t.Fatalf("the cohort's week after the resend: %+v", w)
	}
}
