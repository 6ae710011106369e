package api_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
)

type cohortOut struct {
	ID, IssuerID, Name string
	Archived           bool
	Members            int
}

func mustCohort(t *testing.T, ts *testServer, iss, name string) cohortOut {
	t.Helper()
	var c cohortOut
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/cohorts", body: map[string]any{"name": name}}).want(t, 201).JSON(t, &c)
	return c
}

func mustMember(t *testing.T, ts *testServer, iss, email, name string) string {
	t.Helper()
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": name}}).want(t, 201).JSON(t, &m)
	return m.ID
}

func (ts *testServer) cohorts(t *testing.T, path string) []cohortOut {
	t.Helper()
	var l struct{ Items []cohortOut }
	ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &l)
	return l.Items
}

func TestCohorts_Lifecycle(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	list := "/api/v1/issuers/" + iss + "/cohorts"
	spring := mustCohort(t, ts, iss, "  Spring 2026 ")
	if spring.Name != "Spring 2026" || spring.IssuerID != iss || spring.Archived || spring.Members != 0 {
		t.Fatalf("created %+v", spring)
	}
	t.Run("400 and 409", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: list, body: map[string]any{"name": "SPRING 2026"}}).wantProblem(t, 409, badges.ECONFLICT, "name")
		for _, bad := range []string{"", "a;b", "a|b", "two\nlines", strings.Repeat("x", 101)} {
			ts.do(t, req{method: "POST", path: list, body: map[string]any{"name": bad}}).wantProblem(t, 400, badges.EINVALID, "name")
		}
		ts.do(t, req{method: "POST", path: list, body: map[string]any{}}).wantProblem(t, 400, badges.EINVALID, "name")
		ts.do(t, req{method: "POST", path: list, body: map[string]any{"name": "x", "archived": true}}).wantProblem(t, 400, badges.EINVALID, "archived")
		ts.do(t, req{method: "POST", path: list, body: map[string]any{"name": "x", "colour": "red"}}).wantProblem(t, 400, badges.EINVALID, "colour")
		ts.do(t, req{method: "GET", path: list + "?archived=maybe"}).wantProblem(t, 400, badges.EINVALID, "archived")
		ts.do(t, req{method: "GET", path: list + "?sort=name"}).wantProblem(t, 400, badges.EINVALID, "sort")
		ts.do(t, req{method: "PATCH", path: "/api/v1/cohorts/" + spring.ID, body: map[string]any{}}).wantProblem(t, 400, badges.EINVALID, "name")
		ts.do(t, req{method: "GET", path: "/api/v1/cohorts/" + badges.NewID()}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})

	ada, bob := mustMember(t, ts, iss, "ada@example.org", "Ada"), mustMember(t, ts, iss, "bob@example.org", "Bob")
	member := "/api/v1/cohorts/" + spring.ID + "/members/"
	ts.do(t, req{method: "PUT", path: member + ada}).want(t, 204)
	ts.do(t, req{method: "PUT", path: member + ada}).want(t, 204) // again: no change
	ts.do(t, req{method: "PUT", path: member + badges.NewID()}).wantProblem(t, 404, badges.ENOTFOUND, "")
	var rep struct {
		Joined, Rejected int
		Results          []struct{ MemberID, Status, Field string }
	}
	ts.do(t, req{method: "POST", path: "/api/v1/cohorts/" + spring.ID + "/members", body: map[string]any{"memberIds": []string{bob, "nobody"}}}).want(t, 200).JSON(t, &rep)
	if rep.Joined != 1 || rep.Rejected != 1 || rep.Results[1].Field != "memberIds[1]" || rep.Results[0].Status != "joined" {
		t.Fatalf("batch join: %+v", rep)
	}
	var members struct {
		Items []struct{ MemberID, DisplayName string }
		Total int
	}
	ts.do(t, req{method: "GET", path: "/api/v1/cohorts/" + spring.ID + "/members?limit=1"}).want(t, 200).JSON(t, &members)
	if members.Total != 2 || len(members.Items) != 1 {
		t.Fatalf("members: %+v", members)
	}

	// Rename, archive (no new members), unarchive.
	var got cohortOut
	ts.do(t, req{method: "PATCH", path: "/api/v1/cohorts/" + spring.ID, body: map[string]any{"name": "Spring Intake"}}).want(t, 200).JSON(t, &got)
	if got.Name != "Spring Intake" || got.Members != 2 {
		t.Fatalf("renamed: %+v", got)
	}
	mustCohort(t, ts, iss, "spring 2026") // the old name is free again
	ts.do(t, req{method: "PATCH", path: "/api/v1/cohorts/" + spring.ID, body: map[string]any{"name": "SPRING 2026"}}).wantProblem(t, 409, badges.ECONFLICT, "name")
	ts.do(t, req{method: "PATCH", path: "/api/v1/cohorts/" + spring.ID, body: map[string]any{"archived": true}}).want(t, 200)
	carol := mustMember(t, ts, iss, "carol@example.org", "Carol")
	ts.do(t, req{method: "PUT", path: member + carol}).wantProblem(t, 409, badges.ECONFLICT, "")
	if l := ts.cohorts(t, list+"?archived=true"); len(l) != 1 || l[0].Name != "Spring Intake" {
		t.Fatalf("archived cohorts: %+v", l)
	}
	ts.do(t, req{method: "PATCH", path: "/api/v1/cohorts/" + spring.ID, body: map[string]any{"archived": false}}).want(t, 200)
	ts.do(t, req{method: "PUT", path: member + carol}).want(t, 204)

	// Leaving.
	ts.do(t, req{method: "DELETE", path: member + ada}).want(t, 204)
	if l := ts.cohorts(t, "/api/v1/members/"+ada+"/cohorts"); len(l) != 0 {
		t.Fatalf("Ada's cohorts after leaving: %+v", l)
	}
	if l := ts.cohorts(t, "/api/v1/members/"+bob+"/cohorts"); len(l) != 1 || l[0].ID != spring.ID {
		t.Fatalf("Bob's cohorts: %+v", l)
	}
	if l := ts.cohorts(t, list); len(l) != 2 || l[0].Name != "spring 2026" || l[1].Members != 2 {
		t.Fatalf("cohorts: %+v", l)
	}
	ts.do(t, req{method: "DELETE", path: "/api/v1/members/" + bob}).want(t, 204)
	if l := ts.cohorts(t, list); l[1].Members != 1 {
		t.Fatalf("cohorts after a member was deleted: %+v", l)
	}
}

// TestCohorts_Rules: a rule names a cohort by name, in any case, and keeps
// working after a rename, whose name its narrative then shows; a cohort
// badge is not in the progress of members outside the cohort; joining
// awards a badge of the cohort.
func TestCohorts_Rules(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	co := mustCohort(t, ts, iss, "Spring 2026")
	poster := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Spring Poster"})["id"].(string)
	rule := "/api/v1/achievements/" + poster + "/rule"
	ts.do(t, req{method: "PUT", path: rule, contentType: "application/json",
		body: `{"condition":{"all":[{"cohort":{"name":"Autumn"}},{"count":{"behaviour":"posted","min":1}}]}}`}).
		wantProblem(t, 400, badges.EINVALID, "rule.condition.all[0].cohort.name")
	ts.do(t, req{method: "PUT", path: rule, contentType: "application/json",
		body: `{"condition":{"cohort":{"name":"x","id":"` + badges.NewID() + `"}}}`}).wantProblem(t, 400, badges.EINVALID, "rule.condition.cohort.id")
	ts.do(t, req{method: "PUT", path: rule, contentType: "application/json",
		body: `{"condition":{"all":[{"cohort":{"name":"spring 2026"}},{"count":{"behaviour":"posted","min":1}}]}}`}).want(t, 200)
	var stored struct {
		Condition struct {
			All []struct{ Cohort *badges.CohortCond }
		}
	}
	ts.do(t, req{method: "GET", path: rule}).want(t, 200).JSON(t, &stored)
	if c := stored.Condition.All[0].Cohort; c == nil || c.ID != co.ID || c.Name != "Spring 2026" {
		t.Fatalf("stored rule: %+v", stored)
	}

	ada, bob := mustMember(t, ts, iss, "ada@example.org", "Ada"), mustMember(t, ts, iss, "bob@example.org", "Bob")
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + co.ID + "/members/" + ada}).want(t, 204)
	progress := func(member string) string {
		var p struct {
			Items []struct{ AchievementID string }
		}
		ts.do(t, req{method: "GET", path: "/api/v1/members/" + member + "/progress"}).want(t, 200).JSON(t, &p)
		return fmt.Sprint(p.Items)
	}
	if !strings.Contains(progress(ada), poster) || strings.Contains(progress(bob), poster) {
		t.Fatalf("progress: Ada %s, Bob %s", progress(ada), progress(bob))
	}

	ts.do(t, req{method: "PATCH", path: "/api/v1/cohorts/" + co.ID, body: map[string]any{"name": "Spring Intake"}}).want(t, 200)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: map[string]any{"memberId": ada, "behaviour": "posted", "at": time.Now().UTC()}}).want(t, 200)
	cred := ts.awaitCredential(t, ada, poster)
	if !strings.Contains(cred, "Member of the Spring Intake cohort.") || strings.Contains(cred, co.ID) {
		t.Fatalf("narrative after the rename: %s", cred)
	}

	// A badge of the cohort alone is awarded when a member joins.
	member := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Spring Member"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + member + "/rule", contentType: "application/json",
		body: `{"condition":{"cohort":{"name":"SPRING INTAKE"}}}`}).want(t, 200)
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + co.ID + "/members/" + bob}).want(t, 204)
	ts.awaitCredential(t, bob, member)
}

// awaitCredential waits for a member to be awarded an achievement and
// returns the credential's JSON.
func (ts *testServer) awaitCredential(t *testing.T, member, achievement string) string {
	t.Helper()
	var id string
	waitFor(t, "the award of "+achievement, func() (string, bool) {
		sc, err := ts.stores.Showcases.MemberShowcase(context.Background(), member)
		if err != nil {
			return err.Error(), false
		}
		for _, e := range sc.Entries {
			if e.AchievementID == achievement {
				id = e.CredentialID
				return "", true
			}
		}
		return fmt.Sprint(sc), false
	})
	return string(ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + id}).want(t, 200).body)
}

// TestCohorts_ActivityImportSpotlight: activities join the cohort they
// name, creating it; the member import joins the cohorts of its cohorts
// column and rejects unknown ones; the spotlight can be scoped to a
// cohort; an export carries cohorts and membership.
func TestCohorts_ActivityImportSpotlight(t *testing.T) {
	db := mongotest.NewDB(t)
	ts := newTestServerOn(t, db)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/activities"
	now := time.Now().UTC()
	var rep struct{ Results []struct{ MemberID string } }
	ts.do(t, req{method: "POST", path: path, body: []map[string]any{
		{"email": "ada@example.org", "name": "Ada", "createMember": true, "behaviour": "posted", "at": now, "cohort": "Autumn 2026"},
		{"email": "bob@example.org", "name": "Bob", "createMember": true, "behaviour": "posted", "at": now, "cohort": " AUTUMN 2026 "},
		{"email": "cy@example.org", "name": "Cy", "createMember": true, "behaviour": "posted", "at": now},
	}}).want(t, 200).JSON(t, &rep)
	cohorts := ts.cohorts(t, "/api/v1/issuers/"+iss+"/cohorts")
	// Ada's and Bob's records are written at once: either spelling may come first.
	if len(cohorts) != 1 || !strings.EqualFold(cohorts[0].Name, "Autumn 2026") || cohorts[0].Members != 2 {
		t.Fatalf("cohorts after activities: %+v", cohorts)
	}
	autumn := cohorts[0]
	for _, id := range []string{rep.Results[0].MemberID, rep.Results[2].MemberID} {
		ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + id, body: map[string]any{"publicProfile": true}}).want(t, 200)
	}

	csv := "email,displayName,cohorts\ncy@example.org,Cy,autumn 2026 | Winter\n"
	var imp struct {
		Applied bool
		Rows    []struct{ Status, Field, Error string }
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members/import", contentType: "text/csv", body: csv}).want(t, 422).JSON(t, &imp)
	if imp.Applied || imp.Rows[0].Field != "cohorts" || !strings.Contains(imp.Rows[0].Error, `"Winter"`) {
		t.Fatalf("import naming an unknown cohort: %+v", imp)
	}
	csv = "email,displayName,publicProfile,cohorts\ncy@example.org,Cy,true,autumn 2026\n"
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members/import", contentType: "text/csv", body: csv}).want(t, 200).JSON(t, &imp)
	if l := ts.cohorts(t, "/api/v1/cohorts/"+autumn.ID+"/members"); len(l) != 3 {
		t.Fatalf("members after the import: %+v", l)
	}

	// Bob does not consent; Ada and Cy are in the cohort.
	var sp struct {
		Cohort   string
		ThisWeek []struct{ Name string }
	}
	ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/spotlight?cohort=autumn%202026", token: "-", header: accept("application/json")}).want(t, 200).JSON(t, &sp)
	names := fmt.Sprint(sp.ThisWeek) // equal counts come in the order of member ids
	if sp.Cohort != autumn.Name || names != "[{Ada} {Cy}]" && names != "[{Cy} {Ada}]" {
		t.Fatalf("spotlight of the cohort: %+v", sp)
	}
	ts.do(t, req{method: "DELETE", path: "/api/v1/cohorts/" + autumn.ID + "/members/" + rep.Results[2].MemberID}).want(t, 204)
	ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/spotlight?cohort=" + autumn.ID, token: "-", header: accept("application/json")}).want(t, 200).JSON(t, &sp)
	if fmt.Sprint(sp.ThisWeek) != "[{Ada}]" {
		t.Fatalf("spotlight of the cohort by id: %+v", sp)
	}
	ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/spotlight?cohort=Winter", token: "-", header: accept("application/json")}).want(t, 404)

	// An export carries the cohorts, their names' keys and membership.
	var buf bytes.Buffer
	if _, err := db.Export(context.Background(), &buf, "test"); err != nil {
		t.Fatal(err)
	}
	db2 := mongotest.NewDB(t)
	if _, err := db2.Restore(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	restored := bmongo.NewCohortStore(db2)
	ids, err := restored.MemberCohorts(context.Background(), rep.Results[0].MemberID)
	if err != nil || fmt.Sprint(ids) != "["+autumn.ID+"]" {
		t.Fatalf("restored membership: %v, %v", ids, err)
	}
	if c, err := restored.CohortByName(context.Background(), iss, "AUTUMN 2026"); err != nil || c.ID != autumn.ID || c.Members != 2 {
		t.Fatalf("restored cohort: %+v, %v", c, err)
	}
}

// TestCohorts_MemberLimit: a member in MaxRecordCohorts cohorts joins no
// more (409), and the batch join says so on their line.
func TestCohorts_MemberLimit(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ada := mustMember(t, ts, iss, "ada@example.org", "Ada")
	for i := range badges.MaxRecordCohorts {
		co := mustCohort(t, ts, iss, fmt.Sprint("Cohort ", i))
		ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + co.ID + "/members/" + ada}).want(t, 204)
	}
	extra := mustCohort(t, ts, iss, "One too many")
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + extra.ID + "/members/" + ada}).wantProblem(t, 409, badges.ECONFLICT, "memberId")
	var rep struct {
		Rejected int
		Results  []struct{ Error string }
	}
	ts.do(t, req{method: "POST", path: "/api/v1/cohorts/" + extra.ID + "/members", body: map[string]any{"memberIds": []string{ada}}}).want(t, 200).JSON(t, &rep)
	if rep.Rejected != 1 || !strings.Contains(rep.Results[0].Error, "50 cohorts") {
		t.Fatalf("batch join past the limit: %+v", rep)
	}
	if l := ts.cohorts(t, "/api/v1/members/"+ada+"/cohorts"); len(l) != badges.MaxRecordCohorts {
		t.Fatalf("Ada is in %d cohorts", len(l))
	}
}

// TestCohorts_LegacyRules: a rule saved before cohorts had ids, and the
// cohort names activities put in records then, keep working: the rule
// finds the cohort of its name, and a member whose record has the name
// meets it until they leave.
func TestCohorts_LegacyRules(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Spring Member"})["id"].(string)
	if err := ts.stores.Rules.SetRule(ctx, iss, ach, &badges.Rule{Condition: badges.Condition{Cohort: &badges.CohortCond{Name: "Spring 2026"}}}); err != nil {
		t.Fatal(err)
	}
	ada, bob := mustMember(t, ts, iss, "ada@example.org", "Ada"), mustMember(t, ts, iss, "bob@example.org", "Bob")
	if err := ts.stores.Records.UpdateRecord(ctx, ada, func(r *badges.MemberRecord) error { r.AddCohort("Spring 2026"); return nil }); err != nil {
		t.Fatal(err)
	}
	co := mustCohort(t, ts, iss, "Spring 2026")
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + co.ID + "/members/" + bob}).want(t, 204)
	ts.awaitCredential(t, bob, ach)

	met := func(member string) string {
		var p struct {
			Items []struct {
				AchievementID string
				Met           bool
			}
		}
		ts.do(t, req{method: "GET", path: "/api/v1/members/" + member + "/progress"}).want(t, 200).JSON(t, &p)
		return fmt.Sprint(p.Items)
	}
	if got := met(ada); got != "[{"+ach+" true}]" {
		t.Fatalf("Ada's progress with the cohort's name in her record: %s", got)
	}
	ts.do(t, req{method: "DELETE", path: "/api/v1/cohorts/" + co.ID + "/members/" + ada}).want(t, 204)
	if got := met(ada); got != "[]" {
		t.Fatalf("Ada's progress after leaving: %s", got)
	}
}
