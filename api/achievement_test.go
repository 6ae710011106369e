package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestAchievement_CreateDefaults(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	a := mustAchievement(t, ts, iss, map[string]any{
		"tags": []string{"hosting", "hosting", "events"}, "level": "leadership",
		"alignments": []map[string]any{{"targetName": "Facilitation", "targetUrl": "https://framework.example/facilitation"}},
	})
	img := a["image"].(map[string]any)
	if a["achievementType"] != "Badge" || a["status"] != "draft" || a["version"] != 1.0 || img["generated"] != true ||
		img["format"] != "image/svg+xml" || strings.Join(toStrings(a["tags"]), ",") != "hosting,events" {
		t.Fatalf("created %v", a)
	}
	svg := ts.do(t, req{method: "GET", path: strings.TrimPrefix(img["url"].(string), baseURL), token: "-"}).want(t, 200)
	// The generated art names the badge, its level and its community.
	if !strings.Contains(string(svg.body), ">Session<") || !strings.Contains(string(svg.body), ">LEADERSHIP<") ||
		!strings.Contains(string(svg.body), ">Gophers of Lyon<") || svg.Header().Get("Content-Type") != "image/svg+xml" ||
		!strings.Contains(svg.Header().Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("default art: %s %v", svg.body, svg.Header())
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"400/type", map[string]any{"achievementType": "Trophy"}, "achievementType"},
		{"400/level", map[string]any{"level": "Very High"}, "level"},
		{"400/validity", map[string]any{"validityDays": -1}, "validityDays"},
		{"400/alignment url", map[string]any{"alignments": []map[string]any{{"targetName": "X", "targetUrl": "ftp://x"}}}, "alignments.targetUrl"},
		{"400/status", map[string]any{"status": "archived"}, "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := map[string]any{"name": "X", "description": "D", "criteria": "C"}
			for k, v := range tc.body {
				in[k] = v
			}
			ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/achievements", body: in}).wantProblem(t, 400, badges.EINVALID, tc.field)
		})
	}
	t.Run("ext type", func(t *testing.T) {
		a := mustAchievement(t, ts, iss, map[string]any{"achievementType": "ext:Mentorship"})
		if a["achievementType"] != "ext:Mentorship" {
			t.Fatalf("got %v", a["achievementType"])
		}
	})
	t.Run("404/issuer", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/aaaaaaaaaaaaaaaaaaaa/achievements",
			body: map[string]any{"name": "X", "description": "D", "criteria": "C"}}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestAchievement_Versions(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	a := mustAchievement(t, ts, iss, nil)
	path := "/api/v1/achievements/" + a["id"].(string)
	patch := func(body map[string]any) map[string]any {
		t.Helper()
		var got map[string]any
		ts.do(t, req{method: "PATCH", path: path, body: body}).want(t, 200).JSON(t, &got)
		return got
	}
	// A draft is edited in place.
	if got := patch(map[string]any{"description": "Hosted a community session."}); got["version"] != 1.0 {
		t.Fatalf("draft edit bumped the version: %v", got["version"])
	}
	// Activating does not change content.
	if got := patch(map[string]any{"status": "active"}); got["version"] != 1.0 || got["status"] != "active" {
		t.Fatalf("activate: %v", got)
	}
	// Editing an active achievement makes version 2; renaming regenerates its art.
	oldImage := a["image"].(map[string]any)["sha256"]
	got := patch(map[string]any{"name": "Community Host"})
	if got["version"] != 2.0 || got["image"].(map[string]any)["sha256"] == oldImage {
		t.Fatalf("edit of active: %v", got)
	}
	// An edit that changes nothing is not a new version.
	if got := patch(map[string]any{"name": "Community Host"}); got["version"] != 2.0 {
		t.Fatalf("no-op edit: %v", got["version"])
	}
	// Uploading an image is a content change too.
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="teal"/></svg>`
	var up map[string]any
	ts.do(t, req{method: "PUT", path: path + "/image", body: svg, contentType: "image/svg+xml"}).want(t, 200).JSON(t, &up)
	if up["version"] != 3.0 || up["image"].(map[string]any)["generated"] != false {
		t.Fatalf("upload: %v", up)
	}
	var reset map[string]any
	ts.do(t, req{method: "DELETE", path: path + "/image"}).want(t, 200).JSON(t, &reset)
	if reset["version"] != 4.0 || reset["image"].(map[string]any)["generated"] != true {
		t.Fatalf("reset: %v", reset)
	}

	var v1 map[string]any
	ts.do(t, req{method: "GET", path: path + "/versions/1"}).want(t, 200).JSON(t, &v1)
	if v1["name"] != "Session Host" || v1["description"] != "Hosted a community session." || v1["version"] != 1.0 {
		t.Fatalf("version 1: %v", v1)
	}
	var all struct {
		Items []map[string]any
		Total int
	}
	ts.do(t, req{method: "GET", path: path + "/versions"}).want(t, 200).JSON(t, &all)
	if all.Total != 4 || all.Items[1]["name"] != "Community Host" {
		t.Fatalf("versions: %+v", all)
	}
	ts.do(t, req{method: "GET", path: path + "/versions/9"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	ts.do(t, req{method: "GET", path: path + "/versions/0"}).wantProblem(t, 400, badges.EINVALID, "version")

	t.Run("409/back to draft", func(t *testing.T) {
		ts.do(t, req{method: "PATCH", path: path, body: map[string]any{"status": "draft"}}).wantProblem(t, 409, badges.ECONFLICT, "")
	})
	t.Run("archive", func(t *testing.T) {
		var arch map[string]any
		ts.do(t, req{method: "POST", path: path + "/archive"}).want(t, 200).JSON(t, &arch)
		if arch["status"] != "archived" || arch["version"] != 4.0 {
			t.Fatalf("archive: %v", arch)
		}
		ts.do(t, req{method: "POST", path: path + "/archive"}).wantProblem(t, 409, badges.ECONFLICT, "")
		ts.do(t, req{method: "PATCH", path: path, body: map[string]any{"name": "Nope"}}).wantProblem(t, 409, badges.ECONFLICT, "")
		ts.do(t, req{method: "GET", path: "/achievements/" + a["id"].(string), token: "-", header: accept("application/ld+json")}).
			wantProblem(t, 404, badges.ENOTFOUND, "")
		// Restoring is allowed.
		patch(map[string]any{"status": "active"})
	})
}

func TestAchievement_List(t *testing.T) {
	ts := newTestServer(t)
	iss, other := mustIssuer(t, ts), mustIssuer(t, ts)
	mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	mustAchievement(t, ts, iss, nil)
	mustAchievement(t, ts, other, nil)
	count := func(query string) int {
		var l struct {
			Items []json.RawMessage
			Total int
		}
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/achievements" + query}).want(t, 200).JSON(t, &l)
		return l.Total
	}
	if n := count(""); n != 2 {
		t.Fatalf("all: %d", n)
	}
	if n := count("?status=active"); n != 1 {
		t.Fatalf("active: %d", n)
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/achievements?status=gone"}).wantProblem(t, 400, badges.EINVALID, "status")
}
