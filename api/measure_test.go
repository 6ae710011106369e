package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// measureWorld is a community with three members active over the last
// weeks (k weeks ago is the ISO week k before the current one):
//
//	Ada: mentored k=8, posted k=7, mentored k=6
//	Bob: mentored k=8, posted k=1
//	Cy:  posted k=2
//
// and two badges awarded this week: Mentor (aligned to the outcome
// Practice, which lists mentoring) to Ada, "@SUM(A1)" to Bob.
type measureWorld struct {
	ts           *testServer
	issuer, read string
	mentor, sum  string // badge ids
	outcome      string
	ada, bob, cy string
	monday       time.Time // the start of the current ISO week
	activityAt   func(k int) time.Time
}

func newMeasureWorld(t *testing.T) *measureWorld {
	t.Helper()
	ts := newTestServer(t)
	w := &measureWorld{ts: ts, issuer: mustIssuer(t, ts), read: mustKey(t, ts, badges.ScopeRead)}
	now := time.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	w.monday = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	w.activityAt = func(k int) time.Time { return w.monday.AddDate(0, 0, -7*k).Add(36 * time.Hour) } // a Tuesday noon
	w.outcome = mustOutcome(t, ts, w.issuer, map[string]any{"name": "Practice", "behaviours": []string{"mentored-member"}}).ID
	w.mentor = mustAchievement(t, ts, w.issuer, map[string]any{"status": "active", "name": "Mentor", "outcomes": []string{w.outcome}})["id"].(string)
	w.sum = mustAchievement(t, ts, w.issuer, map[string]any{"status": "active", "name": "@SUM(A1)"})["id"].(string)
	acts := []struct {
		who, behaviour string
		k              int
	}{{"ada", "mentored-member", 8}, {"ada", "posted", 7}, {"ada", "mentored-member", 6},
		{"bob", "mentored-member", 8}, {"bob", "posted", 1}, {"cy", "posted", 2}}
	var batch []map[string]any
	for _, a := range acts {
		batch = append(batch, map[string]any{"email": a.who + "@example.org", "name": strings.ToUpper(a.who[:1]) + a.who[1:], "createMember": true,
			"behaviour": a.behaviour, "at": w.activityAt(a.k)})
	}
	var rep struct {
		Recorded int
		Results  []struct{ MemberID string }
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.issuer + "/activities", body: batch}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != len(acts) {
		t.Fatalf("recorded %+v", rep)
	}
	w.ada, w.bob, w.cy = rep.Results[0].MemberID, rep.Results[3].MemberID, rep.Results[5].MemberID
	for member, badge := range map[string]string{w.ada: w.mentor, w.bob: w.sum} {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.issuer + "/awards", body: map[string]any{"achievementId": badge, "memberId": member}}).want(t, 201)
	}
	return w
}

type measureResp struct {
	ID, Name, Kind, Period, Cohort string
	Target                         int
	Behaviours, Achievements       []struct{ ID, Name string }
}

func (w *measureWorld) measure(t *testing.T, body map[string]any) measureResp {
	t.Helper()
	var m measureResp
	w.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.issuer + "/measures", body: body}).want(t, 201).JSON(t, &m)
	return m
}

type pointResp struct {
	Period        string
	Value, Target int
	Met, Partial  bool
}

// history reads a measure's history as period=value pairs, and its points.
func (w *measureWorld) history(t *testing.T, id, query string) (string, []pointResp) {
	t.Helper()
	var h struct {
		Measure measureResp
		Points  []pointResp
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/measures/" + id + "/history" + query, token: w.read}).want(t, 200).JSON(t, &h)
	var parts []string
	for _, p := range h.Points {
		if p.Value != 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", p.Period, p.Value))
		}
	}
	return strings.Join(parts, " "), h.Points
}

// week names the ISO week k weeks before the current one.
func (w *measureWorld) week(k int) string { return badges.WeekKey(w.activityAt(k)) }

func TestMeasures_History(t *testing.T) {
	w := newMeasureWorld(t)
	wk := func(k, v int) string { return fmt.Sprintf("%s=%d", w.week(k), v) }
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"activity of a behaviour", map[string]any{"kind": "activity", "behaviours": []string{"mentored-member"}}, wk(8, 2) + " " + wk(6, 1)},
		{"all activity", map[string]any{"kind": "activity"}, strings.Join([]string{wk(8, 2), wk(7, 1), wk(6, 1), wk(2, 1), wk(1, 1)}, " ")},
		{"active members", map[string]any{"kind": "active-members"}, strings.Join([]string{wk(8, 2), wk(7, 1), wk(6, 1), wk(2, 1), wk(1, 1)}, " ")},
		{"returning members", map[string]any{"kind": "returning-members"}, wk(7, 1) + " " + wk(6, 1)},
		{"awards of a badge", map[string]any{"kind": "awards", "achievements": []string{w.mentor}}, wk(0, 1)},
		{"all awards", map[string]any{"kind": "awards"}, wk(0, 2)},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.body["name"], c.body["target"] = c.name, 1
			m := w.measure(t, c.body)
			got, points := w.history(t, m.ID, "?periods=10")
			if got != c.want || len(points) != 10 || !points[9].Partial || points[8].Partial || points[9].Period != w.week(0) {
				t.Fatalf("history %q, want %q; points %+v", got, c.want, points)
			}
			for _, p := range points {
				if p.Target != 1 || p.Met != (p.Value >= 1) {
					t.Fatalf("point %+v", p)
				}
			}
		})
	}
	t.Run("per month", func(t *testing.T) {
		m := w.measure(t, map[string]any{"name": "Monthly members", "kind": "active-members", "period": "month", "target": 2})
		// A week belongs to the month of its Thursday.
		want := map[string]map[string]bool{}
		for who, ks := range map[string][]int{"ada": {8, 7, 6}, "bob": {8, 1}, "cy": {2}} {
			for _, k := range ks {
				month := badges.MonthKey(w.monday.AddDate(0, 0, 3-7*k))
				if want[month] == nil {
					want[month] = map[string]bool{}
				}
				want[month][who] = true
			}
		}
		_, points := w.history(t, m.ID, "?periods=4")
		if len(points) != 4 || points[3].Period != badges.MonthKey(time.Now()) {
			t.Fatalf("months %+v", points)
		}
		for _, p := range points {
			if p.Value != len(want[p.Period]) || p.Met != (p.Value >= 2) {
				t.Errorf("%s: %d members, want %d (%v)", p.Period, p.Value, len(want[p.Period]), want[p.Period])
			}
		}
	})
}

func TestMeasures_CRUD(t *testing.T) {
	w := newMeasureWorld(t)
	ts := w.ts
	m := w.measure(t, map[string]any{"name": "Mentoring", "kind": "activity", "behaviours": []string{"mentored-member"}, "target": 3})
	if m.Period != "week" || fmt.Sprint(m.Behaviours) != "[{mentored-member Mentored a member}]" {
		t.Fatalf("created %+v", m)
	}
	awards := w.measure(t, map[string]any{"name": "Mentors", "kind": "awards", "achievements": []string{w.mentor}, "period": "month"})
	if fmt.Sprint(awards.Achievements) != "[{"+w.mentor+" Mentor}]" {
		t.Fatalf("created %+v", awards)
	}
	t.Run("OK/edit", func(t *testing.T) {
		var got measureResp
		ts.do(t, req{method: "PATCH", path: "/api/v1/measures/" + m.ID, body: map[string]any{"target": 5, "period": "month"}}).want(t, 200).JSON(t, &got)
		if got.Target != 5 || got.Period != "month" || got.Name != "Mentoring" || len(got.Behaviours) != 1 {
			t.Fatalf("edited %+v", got)
		}
		ts.do(t, req{method: "PATCH", path: "/api/v1/measures/" + m.ID, body: map[string]any{"kind": "active-members"}}).wantProblem(t, 400, badges.EINVALID, "behaviours")
	})
	t.Run("OK/list", func(t *testing.T) {
		var list struct {
			Items []measureResp
			Total int
		}
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/measures", token: w.read}).want(t, 200).JSON(t, &list)
		if list.Total != 2 || list.Items[0].ID != m.ID || list.Items[1].ID != awards.ID {
			t.Fatalf("list %+v", list)
		}
	})
	t.Run("OK/delete", func(t *testing.T) {
		ts.do(t, req{method: "DELETE", path: "/api/v1/measures/" + awards.ID}).want(t, 204)
		ts.do(t, req{method: "GET", path: "/api/v1/measures/" + awards.ID}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "DELETE", path: "/api/v1/measures/" + awards.ID}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "PATCH", path: "/api/v1/measures/" + awards.ID, body: map[string]any{"target": 1}}).wantProblem(t, 404, badges.ENOTFOUND, "")
		var list struct{ Total int }
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/measures"}).want(t, 200).JSON(t, &list)
		if list.Total != 1 {
			t.Fatalf("%d measures after the delete", list.Total)
		}
	})
	t.Run("400", func(t *testing.T) {
		other := mustAchievement(t, ts, mustIssuer(t, ts), map[string]any{})["id"].(string)
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"kind": "activity"}, "name"},
			{map[string]any{"name": "M"}, "kind"},
			{map[string]any{"name": "M", "kind": "count"}, "kind"},
			{map[string]any{"name": "M", "kind": "activity", "period": "day"}, "period"},
			{map[string]any{"name": "M", "kind": "activity", "target": -1}, "target"},
			{map[string]any{"name": "M", "kind": "activity", "behaviours": []string{"juggled"}}, "behaviours"},
			{map[string]any{"name": "M", "kind": "active-members", "behaviours": []string{"posted"}}, "behaviours"},
			{map[string]any{"name": "M", "kind": "activity", "cohort": "aaaaaaaaaaaaaaaaaaaa", "behaviours": []string{"posted"}}, "cohort"},
			{map[string]any{"name": "M", "kind": "activity", "achievements": []string{w.mentor}}, "achievements"},
			{map[string]any{"name": "M", "kind": "awards", "achievements": []string{other}}, "achievements"},
			{map[string]any{"name": "M", "kind": "awards", "achievements": []string{"nope"}}, "achievements"},
			{map[string]any{"name": "M", "kind": "awards", "cohort": "aaaaaaaaaaaaaaaaaaaa"}, "cohort"},
			{map[string]any{"name": "M", "kind": "active-members", "cohort": "Cohort A"}, "cohort"},
			{map[string]any{"name": "M", "kind": "activity", "unit": "hours"}, "unit"},
		} {
			ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.issuer + "/measures", body: c.body}).wantProblem(t, 400, badges.EINVALID, c.field)
		}
		ts.do(t, req{method: "GET", path: "/api/v1/measures/" + m.ID + "/history?periods=25"}).wantProblem(t, 400, badges.EINVALID, "periods")
		ts.do(t, req{method: "GET", path: "/api/v1/measures/" + m.ID + "/history?periods=0"}).wantProblem(t, 400, badges.EINVALID, "periods")
		ts.do(t, req{method: "GET", path: "/api/v1/measures/" + m.ID + "/history?periods=x"}).wantProblem(t, 400, badges.EINVALID, "periods")
		ts.do(t, req{method: "GET", path: "/api/v1/measures/" + m.ID + "/history?format=xml"}).wantProblem(t, 400, badges.EINVALID, "format")
		ts.do(t, req{method: "GET", path: "/api/v1/measures/" + m.ID + "/history?period=4"}).wantProblem(t, 400, badges.EINVALID, "period")
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/measures?kind=awards"}).wantProblem(t, 400, badges.EINVALID, "kind")
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/quiet-members?week=2"}).wantProblem(t, 400, badges.EINVALID, "week")
	})
	t.Run("cohort", func(t *testing.T) {
		// A cohort is named or given by id, and kept by id; its
		// counters start empty.
		co := mustCohort(t, ts, w.issuer, "Cohort A")
		c := w.measure(t, map[string]any{"name": "Cohort members", "kind": "active-members", "cohort": "cohort a"})
		if c.Cohort != co.ID {
			t.Fatalf("created %+v", c)
		}
		got, points := w.history(t, c.ID, "?periods=4")
		if got != "" || len(points) != 4 {
			t.Fatalf("history of a new cohort: %q %+v", got, points)
		}
	})
	t.Run("404", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/measures/nope/history"}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/aaaaaaaaaaaaaaaaaaaa/measures"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})
}

func TestMeasures_CSV(t *testing.T) {
	w := newMeasureWorld(t)
	m := w.measure(t, map[string]any{"name": "-2+3 mentoring", "kind": "activity", "behaviours": []string{"mentored-member"}, "target": 2})
	r := w.ts.do(t, req{method: "GET", path: "/api/v1/measures/" + m.ID + "/history?periods=9&format=csv", token: w.read}).want(t, 200)
	if ct := r.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(r.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("content type %q, disposition %q", ct, r.Header().Get("Content-Disposition"))
	}
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if len(lines) != 10 || lines[0] != "measure,period,value,target,met,partial" || lines[1] != "'-2+3 mentoring,"+w.week(8)+",2,2,true,false" ||
		lines[9] != "'-2+3 mentoring,"+w.week(0)+",0,2,false,true" {
		t.Fatalf("CSV:\n%s", r.body)
	}

	r = w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/stats?weeks=9&format=csv", token: w.read}).want(t, 200)
	body := string(r.body)
	wantIn(t, body, "week,kind,id,name,value\n", w.week(8)+",activeMembers,,,2\n", w.week(8)+",activities,mentored-member,Mentored a member,2\n",
		w.week(0)+",awards,"+w.sum+",'@SUM(A1),1\n", w.week(0)+",awards,"+w.mentor+",Mentor,1\n",
		w.week(8)+",outcomeActivities,"+w.outcome+",Practice,2\n", w.week(0)+",outcomeAwards,"+w.outcome+",Practice,1\n")
	wantNotIn(t, body, ",@SUM")
}

// TestStats_ByOutcomeWithNames: the statistics group awards and activity
// by outcome and name every behaviour and badge they count.
func TestStats_ByOutcomeWithNames(t *testing.T) {
	w := newMeasureWorld(t)
	var st struct {
		Outcomes []struct {
			ID, Name                 string
			Achievements, Behaviours []struct{ ID, Name string }
			Weeks                    []struct {
				Week               string
				Awards, Activities int
			}
		}
		Names struct{ Behaviours, Achievements map[string]string }
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/stats?weeks=9", token: w.read}).want(t, 200).JSON(t, &st)
	if len(st.Outcomes) != 1 {
		t.Fatalf("outcomes %+v", st.Outcomes)
	}
	o := st.Outcomes[0]
	if o.ID != w.outcome || o.Name != "Practice" || fmt.Sprint(o.Achievements) != "[{"+w.mentor+" Mentor}]" ||
		fmt.Sprint(o.Behaviours) != "[{mentored-member Mentored a member}]" || len(o.Weeks) != 9 {
		t.Fatalf("outcome %+v", o)
	}
	if o.Weeks[0].Week != w.week(8) || o.Weeks[0].Activities != 2 || o.Weeks[2].Activities != 1 || o.Weeks[8].Awards != 1 || o.Weeks[8].Activities != 0 {
		t.Fatalf("outcome weeks %+v", o.Weeks)
	}
	if st.Names.Behaviours["posted"] != "Posted" || st.Names.Behaviours["mentored-member"] != "Mentored a member" ||
		st.Names.Achievements[w.mentor] != "Mentor" || st.Names.Achievements[w.sum] != "@SUM(A1)" {
		t.Fatalf("names %+v", st.Names)
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/stats?format=pdf"}).wantProblem(t, 400, badges.EINVALID, "format")
}

func TestQuietMembers(t *testing.T) {
	w := newMeasureWorld(t)
	type page struct {
		Items []struct {
			MemberID, Name, LastActiveWeek string
			Activities                     int
		}
		Total      int
		NextCursor string
	}
	quiet := func(query string) page {
		var p page
		w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/quiet-members" + query, token: w.read}).want(t, 200).JSON(t, &p)
		return p
	}
	// By default four quiet weeks: only Ada, last seen six weeks ago.
	p := quiet("")
	if p.Total != 1 || len(p.Items) != 1 || p.Items[0].MemberID != w.ada || p.Items[0].Name != "Ada" ||
		p.Items[0].LastActiveWeek != w.week(6) || p.Items[0].Activities != 3 || p.NextCursor != "" {
		t.Fatalf("quiet for 4 weeks: %+v", p)
	}
	// Quiet this week: everyone, the most recently active first, two a page.
	p = quiet("?weeks=1&limit=2")
	if p.Total != 3 || len(p.Items) != 2 || p.Items[0].Name != "Bob" || p.Items[1].Name != "Cy" || p.NextCursor == "" {
		t.Fatalf("quiet this week, first page: %+v", p)
	}
	p = quiet("?weeks=1&limit=2&cursor=" + p.NextCursor)
	if len(p.Items) != 1 || p.Items[0].Name != "Ada" || p.NextCursor != "" {
		t.Fatalf("quiet this week, second page: %+v", p)
	}
	if p := quiet("?weeks=52"); p.Total != 0 || len(p.Items) != 0 {
		t.Fatalf("quiet for a year: %+v", p)
	}
	for _, q := range []string{"?weeks=0", "?weeks=53", "?weeks=x"} {
		w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/quiet-members" + q}).wantProblem(t, 400, badges.EINVALID, "weeks")
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/quiet-members?cursor=zz"}).wantProblem(t, 400, badges.EINVALID, "cursor")

	// Scoped to a cohort: only its members now, by name in any case or by id.
	co := mustCohort(t, w.ts, w.issuer, "Spring 2026")
	for _, m := range []string{w.bob, w.cy} {
		w.ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + co.ID + "/members/" + m}).want(t, 204)
	}
	for _, ref := range []string{"spring%202026", co.ID} {
		p = quiet("?weeks=1&cohort=" + ref)
		if p.Total != 2 || len(p.Items) != 2 || p.Items[0].Name != "Bob" || p.Items[1].Name != "Cy" {
			t.Fatalf("quiet this week in the cohort %s: %+v", ref, p)
		}
	}
	if p := quiet("?cohort=" + co.ID); p.Total != 0 || len(p.Items) != 0 {
		t.Fatalf("quiet for 4 weeks in the cohort (Ada is not in it): %+v", p)
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/quiet-members?cohort=Autumn"}).wantProblem(t, 404, badges.ENOTFOUND, "cohort")
}
