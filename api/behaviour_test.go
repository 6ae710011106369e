package api_test

import (
	"testing"

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
