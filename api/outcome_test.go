package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

type outcomeResp struct {
	ID, IssuerID, Name, Description, Status, PublicURL string
	Behaviours                                         []struct{ ID, Name string }
}

func mustOutcome(t *testing.T, ts *testServer, issuerID string, body map[string]any) outcomeResp {
	t.Helper()
	var o outcomeResp
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + issuerID + "/outcomes", body: body}).want(t, 201).JSON(t, &o)
	return o
}

// alignments reads the Open Badges alignments of an achievement's public
// JSON.
func alignments(t *testing.T, ts *testServer, achievementID string) []map[string]any {
	t.Helper()
	var doc struct{ Alignment []map[string]any }
	ts.do(t, req{method: "GET", path: "/achievements/" + achievementID, token: "-", header: accept("application/ld+json")}).want(t, 200).JSON(t, &doc)
	return doc.Alignment
}

func TestOutcomes_CRUD(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	o := mustOutcome(t, ts, iss, map[string]any{"name": "  Members apply what they learn in their practice ",
		"description": "Seen in their work.", "behaviours": []string{"shared-resource", "mentored-member", "shared-resource"}})
	if o.Name != "Members apply what they learn in their practice" || o.Status != "active" || o.PublicURL != baseURL+"/outcomes/"+o.ID ||
		fmt.Sprint(o.Behaviours) != "[{shared-resource Shared a resource} {mentored-member Mentored a member}]" {
		t.Fatalf("created %+v", o)
	}
	second := mustOutcome(t, ts, iss, map[string]any{"name": "Newcomers feel welcome"})

	t.Run("OK/edit", func(t *testing.T) {
		var got outcomeResp
		ts.do(t, req{method: "PATCH", path: "/api/v1/outcomes/" + second.ID, body: map[string]any{"description": "Within a month.", "behaviours": []string{"replied"}}}).
			want(t, 200).JSON(t, &got)
		if got.Name != second.Name || got.Description != "Within a month." || len(got.Behaviours) != 1 || got.Behaviours[0].Name != "Replied" {
			t.Fatalf("edited %+v", got)
		}
	})
	t.Run("OK/archive and list", func(t *testing.T) {
		var got outcomeResp
		ts.do(t, req{method: "POST", path: "/api/v1/outcomes/" + second.ID + "/archive"}).want(t, 200).JSON(t, &got)
		if got.Status != "archived" {
			t.Fatalf("archived %+v", got)
		}
		var list struct {
			Items []outcomeResp
			Total int
		}
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/outcomes", token: mustKey(t, ts, badges.ScopeRead)}).want(t, 200).JSON(t, &list)
		if len(list.Items) != 2 || list.Total != 2 || list.Items[0].ID != o.ID || list.Items[1].Status != "archived" {
			t.Fatalf("list %+v", list)
		}
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/outcomes?status=active"}).want(t, 200).JSON(t, &list)
		if len(list.Items) != 1 || list.Total != 1 || list.Items[0].ID != o.ID {
			t.Fatalf("active list %+v", list)
		}
		ts.do(t, req{method: "PATCH", path: "/api/v1/outcomes/" + second.ID, body: map[string]any{"status": "active"}}).want(t, 200).JSON(t, &got)
		if got.Status != "active" {
			t.Fatalf("reactivated %+v", got)
		}
	})
	t.Run("400", func(t *testing.T) {
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": ""}, "name"},
			{map[string]any{"name": "A", "behaviours": []string{"juggled"}}, "behaviours"},
			{map[string]any{"name": "A", "behaviours": []string{"Not A Key"}}, "behaviours"},
			{map[string]any{"name": "A", "colour": "red"}, "colour"},
			{map[string]any{"name": strings.Repeat("x", 201)}, "name"},
		} {
			ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/outcomes", body: c.body}).wantProblem(t, 400, badges.EINVALID, c.field)
		}
		ts.do(t, req{method: "PATCH", path: "/api/v1/outcomes/" + o.ID, body: map[string]any{"status": "gone"}}).wantProblem(t, 400, badges.EINVALID, "status")
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/outcomes?status=gone"}).wantProblem(t, 400, badges.EINVALID, "status")
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/outcomes?state=active"}).wantProblem(t, 400, badges.EINVALID, "state")
	})
	t.Run("404", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/outcomes/aaaaaaaaaaaaaaaaaaaa"}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "GET", path: "/api/v1/outcomes/nope"}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "PATCH", path: "/api/v1/outcomes/aaaaaaaaaaaaaaaaaaaa", body: map[string]any{"name": "X"}}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "GET", path: "/outcomes/aaaaaaaaaaaaaaaaaaaa", token: "-", header: accept("text/html")}).want(t, 404)
	})
}

// TestOutcomes_Alignment aligns a badge to outcomes: its Open Badges
// achievement, and the credentials issued from it, carry an alignment to
// each outcome's public page, named as the outcome is named now.
func TestOutcomes_Alignment(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	apply := mustOutcome(t, ts, iss, map[string]any{"name": "Members apply what they learn"})
	welcome := mustOutcome(t, ts, iss, map[string]any{"name": "Newcomers feel welcome"})
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "outcomes": []string{apply.ID},
		"alignments": []map[string]any{{"targetName": "Facilitation", "targetUrl": "https://framework.example/f"}}})
	id := ach["id"].(string)
	if fmt.Sprint(ach["outcomes"]) != "["+apply.ID+"]" {
		t.Fatalf("achievement outcomes %v", ach["outcomes"])
	}
	al := alignments(t, ts, id)
	if len(al) != 2 || al[1]["targetUrl"] != baseURL+"/outcomes/"+apply.ID || al[1]["targetName"] != "Members apply what they learn" ||
		al[1]["targetType"] != "ext:Outcome" || fmt.Sprint(al[1]["type"]) != "[Alignment]" {
		t.Fatalf("alignments %v", al)
	}

	t.Run("the credential carries it", func(t *testing.T) {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "ada@example.org", "displayName": "Ada"}}).want(t, 201).JSON(t, &m)
		var cred struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": id, "memberId": m.ID}}).want(t, 201).JSON(t, &cred)
		body := string(ts.do(t, req{method: "GET", path: "/credentials/" + cred.ID, token: "-", header: accept("application/vc+ld+json")}).want(t, 200).body)
		if !strings.Contains(body, `"targetUrl":"`+baseURL+`/outcomes/`+apply.ID+`"`) || !strings.Contains(body, `"targetType":"ext:Outcome"`) {
			t.Fatalf("credential without the outcome alignment: %s", body)
		}
	})
	t.Run("renaming reaches the badge", func(t *testing.T) {
		ts.do(t, req{method: "PATCH", path: "/api/v1/outcomes/" + apply.ID, body: map[string]any{"name": "Members apply their learning"}}).want(t, 200)
		if al := alignments(t, ts, id); al[1]["targetName"] != "Members apply their learning" {
			t.Fatalf("after the rename: %v", al)
		}
		page := string(ts.do(t, req{method: "GET", path: "/achievements/" + id, token: "-", header: accept("text/html")}).want(t, 200).body)
		wantIn(t, page, `href="`+baseURL+`/outcomes/`+apply.ID+`" rel="noopener nofollow"><span class="cred-chip-name">Members apply their learning</span>`)
	})
	t.Run("PATCH outcomes", func(t *testing.T) {
		var a struct{ Outcomes []string }
		ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + id, body: map[string]any{"outcomes": []string{welcome.ID, apply.ID}}}).want(t, 200).JSON(t, &a)
		if fmt.Sprint(a.Outcomes) != fmt.Sprint([]string{welcome.ID, apply.ID}) || len(alignments(t, ts, id)) != 3 {
			t.Fatalf("outcomes %v", a.Outcomes)
		}
		// An archived outcome may stay, not be added anew.
		ts.do(t, req{method: "POST", path: "/api/v1/outcomes/" + welcome.ID + "/archive"}).want(t, 200)
		ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + id, body: map[string]any{"outcomes": []string{apply.ID, welcome.ID}}}).want(t, 200)
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/achievements", body: map[string]any{"name": "N", "description": "D", "criteria": "C",
			"outcomes": []string{welcome.ID}}}).wantProblem(t, 400, badges.EINVALID, "outcomes")
		a.Outcomes = nil // absent when there are none
		ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + id, body: map[string]any{"outcomes": []string{}}}).want(t, 200).JSON(t, &a)
		if len(a.Outcomes) != 0 || len(alignments(t, ts, id)) != 1 {
			t.Fatalf("outcomes after clearing %v", a.Outcomes)
		}
	})
	t.Run("400", func(t *testing.T) {
		other := mustOutcome(t, ts, mustIssuer(t, ts), map[string]any{"name": "Elsewhere"})
		for _, ids := range [][]string{{"nope"}, {"aaaaaaaaaaaaaaaaaaaa"}, {other.ID}, {apply.ID, apply.ID}} {
			ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + id, body: map[string]any{"outcomes": ids}}).wantProblem(t, 400, badges.EINVALID, "outcomes")
		}
	})
}

// TestOutcomes_PublicPage shows an outcome to anyone, as HTML or JSON,
// naming the published badges and the behaviours aligned to it.
func TestOutcomes_PublicPage(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	evil := `<script>alert(1)</script>`
	o := mustOutcome(t, ts, iss, map[string]any{"name": "Practice" + evil, "description": "Applied" + evil, "behaviours": []string{"mentored-member"}})
	mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Mentor", "outcomes": []string{o.ID}})
	mustAchievement(t, ts, iss, map[string]any{"name": "Draft badge", "outcomes": []string{o.ID}})

	r := ts.do(t, req{method: "GET", path: "/outcomes/" + o.ID, token: "-", header: accept("text/html")}).want(t, 200)
	body := string(r.body)
	wantIn(t, body, "<h1>Practice&lt;script&gt;alert(1)&lt;/script&gt;</h1>", ">Mentor</span>", "Mentored a member", "Gophers of Lyon",
		`<link rel="canonical" href="`+baseURL+`/outcomes/`+o.ID+`">`)
	wantNotIn(t, body, "<script>alert", "Draft badge")
	if r.Header().Get("Content-Security-Policy") == "" {
		t.Error("the page has no content security policy")
	}
	var doc struct {
		ID, Type, Name, Status string
		Issuer                 struct{ Name string }
		Achievements           []struct{ ID, Name string }
		Behaviours             []struct{ Name string }
	}
	ts.do(t, req{method: "GET", path: "/outcomes/" + o.ID, token: "-", header: accept("application/json")}).want(t, 200).JSON(t, &doc)
	if doc.ID != baseURL+"/outcomes/"+o.ID || doc.Type != "Outcome" || doc.Issuer.Name != "Gophers of Lyon" || len(doc.Achievements) != 1 ||
		doc.Achievements[0].Name != "Mentor" || len(doc.Behaviours) != 1 || doc.Behaviours[0].Name != "Mentored a member" {
		t.Fatalf("public JSON %+v", doc)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/outcomes/" + o.ID + "/archive"}).want(t, 200)
	wantIn(t, string(ts.do(t, req{method: "GET", path: "/outcomes/" + o.ID, token: "-", header: accept("text/html")}).want(t, 200).body),
		"no longer pursues this outcome")
}
