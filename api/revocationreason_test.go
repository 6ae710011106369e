package api_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestRevocationReason_PrivateLeaksNowhere revokes with a reason kept
// private and asks every public route of the credential, its member,
// community and verifier: none shows the reason, while the page still
// says when it was revoked and the admin API answers it.
func TestRevocationReason_PrivateLeaksNowhere(t *testing.T) {
	c := newCommunity(t)
	c.ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + c.issuer + "/spotlight", body: map[string]any{"memberId": c.ada}}).want(t, 200)
	const marker = "Zq7-private-reason-marker"
	var rv credentialView
	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.adaCred + "/revoke",
		body: map[string]any{"reason": "Plagiarised work " + marker + "."}}).want(t, 200).JSON(t, &rv)
	if rv.RevocationReason != "Plagiarised work "+marker+"." || rv.RevocationReasonPublic {
		t.Fatalf("revoked %+v", rv)
	}
	credURL := baseURL + "/credentials/" + c.adaCred
	var cred struct{ Credential map[string]any }
	c.ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + c.adaCred}).want(t, 200).JSON(t, &cred)
	statusList := cred.Credential["credentialStatus"].(map[string]any)["statusListCredential"].(string)

	cp := "/credentials/" + c.adaCred
	paths := []string{cp, cp + ".json", cp + ".jwt", cp + "/qr.png", cp + "/qr.svg", cp + "/preview.png", cp + "/badge.png",
		cp + "/badge.svg", "/members/ada", "/issuers/" + c.issuer, "/issuers/" + c.issuer + "/spotlight",
		"/achievements/" + c.badge, strings.TrimPrefix(statusList, baseURL), "/verify?credential=" + url.QueryEscape(credURL)}
	for _, path := range paths {
		for _, mt := range []string{"text/html", "application/json", "application/vc+ld+json"} {
			r := c.ts.do(t, req{method: "GET", path: path, token: "-", header: accept(mt)})
			if bytes.Contains(r.body, []byte(marker)) {
				t.Errorf("GET %s (%s) shows the private reason", path, mt)
			}
		}
	}
	r := c.ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: map[string]any{"url": credURL}}).want(t, 200)
	if bytes.Contains(r.body, []byte(marker)) || !bytes.Contains(r.body, []byte("revoked")) {
		t.Errorf("the verify API shows the private reason, or not the revocation: %s", r.body)
	}
	wantIn(t, c.page(t, cp, 200), `<span class="pill">Revoked</span>`, "Revoked on ")
}

// TestRevocationReason_Published: a reason the manager publishes is on the
// credential page.
func TestRevocationReason_Published(t *testing.T) {
	c := newCommunity(t)
	var rv credentialView
	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.bobCred + "/revoke",
		body: map[string]any{"reason": "Awarded by mistake.", "publishReason": true}}).want(t, 200).JSON(t, &rv)
	if rv.RevocationReason != "Awarded by mistake." || !rv.RevocationReasonPublic {
		t.Fatalf("revoked %+v", rv)
	}
	wantIn(t, c.page(t, "/credentials/"+c.bobCred, 200), "Revoked on ", ": Awarded by mistake.")
	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.adaCred + "/revoke",
		body: map[string]any{"reason": "x", "publishReason": "yes"}}).want(t, 400)
	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.adaCred + "/revoke",
		body: map[string]any{"reason": "x", "public": true}}).want(t, 400)
}

// TestRevocationReason_Review: revoking through a review keeps the reason
// private too, unless the manager publishes it.
func TestRevocationReason_Review(t *testing.T) {
	for _, publish := range []bool{false, true} {
		f := newCorrectionFixture(t)
		var v voidAnswer
		f.ts.do(t, req{method: "POST", path: voidPath(f.acts[0])}).want(t, 200).JSON(t, &v)
		var r reviewItem
		f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/reviews/" + v.Reviews[0].ID + "/revoke",
			body: map[string]any{"reason": "Session cancelled Zq7-review.", "publishReason": publish}}).want(t, 200).JSON(t, &r)
		if len(r.CredentialIDs) != 1 {
			t.Fatalf("revoked review %+v", r)
		}
		var rv credentialView
		f.ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + r.CredentialIDs[0]}).want(t, 200).JSON(t, &rv)
		body := string(f.ts.do(t, req{method: "GET", path: "/credentials/" + r.CredentialIDs[0], token: "-", header: accept("text/html")}).want(t, 200).body)
		if rv.RevocationReason != "Session cancelled Zq7-review." || rv.RevocationReasonPublic != publish ||
			strings.Contains(body, "Zq7-review") != publish || !strings.Contains(body, "Revoked on ") {
			t.Errorf("published %v: credential %+v; page shows the reason: %v", publish, rv, strings.Contains(body, "Zq7-review"))
		}
	}
	f := newCorrectionFixture(t)
	var v voidAnswer
	f.ts.do(t, req{method: "POST", path: voidPath(f.acts[0])}).want(t, 200).JSON(t, &v)
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/reviews/" + v.Reviews[0].ID + "/dismiss",
		body: map[string]any{"publishReason": true}}).wantProblem(t, 400, badges.EINVALID, "publishReason")
}
