package api_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/laurel-badges/laurel/verifier"
)

// TestIssuer_DIDWeb switches an issuer to did:web through the admin API:
// its DID document and DID-issued status list are published, its new
// credential names the DID, and the one issued before keeps its https
// identity and stays valid.
func TestIssuer_DIDWeb(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	award := func(email string) credentialView {
		var c credentialView
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
			body: map[string]any{"achievementId": ach["id"], "email": email, "name": "Ada"}}).want(t, 201).JSON(t, &c)
		return c
	}
	ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/did.json", token: "-"}).wantProblem(t, 404, "not_found", "")
	old := award("ada@example.org")

	var p struct{ Identifier, DID string }
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + iss, body: map[string]any{"identifier": "did:web"}}).want(t, 200).JSON(t, &p)
	did := "did:web:badges.example.org:issuers:" + iss
	if p.Identifier != "did:web" || p.DID != did {
		t.Fatalf("issuer %+v", p)
	}
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + iss, body: map[string]any{"identifier": "did:key"}}).wantProblem(t, 400, "invalid", "identifier")

	fresh := award("grace@example.org")
	r := ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/did.json", token: "-"}).want(t, 200)
	var doc struct {
		ID              string
		AssertionMethod []string
	}
	r.JSON(t, &doc)
	if ct := r.Header().Get("Content-Type"); ct != "application/did+json" || doc.ID != did || len(doc.AssertionMethod) != 2 {
		t.Fatalf("DID document (%s) %s", ct, r.body)
	}
	var list struct{ Issuer string }
	ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/status-lists/0", token: "-"}).want(t, 200).JSON(t, &list)
	if list.Issuer != did {
		t.Errorf("the DID's status list is issued by %q", list.Issuer)
	}
	for _, c := range []credentialView{old, fresh} {
		b, err := json.Marshal(c.Credential)
		if err != nil {
			t.Fatal(err)
		}
		for _, data := range [][]byte{b, []byte(c.JWT)} {
			rep, err := ts.verifier.Verify(context.Background(), verifier.Input{Data: data})
			if err != nil || rep.Verdict != verifier.Valid {
				t.Fatalf("%s: %v, %v", c.ID, rep, err)
			}
		}
	}
	if id := old.Credential["issuer"].(map[string]any)["id"]; id != baseURL+"/issuers/"+iss {
		t.Errorf("the earlier credential names %v", id)
	}
	if id := fresh.Credential["issuer"].(map[string]any)["id"]; id != did {
		t.Errorf("the new credential names %v", id)
	}
}
