package api_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// The public 1EdTech validator's rules, as the project's tests mirror them:
// the verifier reaches the validator's verdicts on the validator's own test
// suite (verifier/conformance_test.go), and the validator reads VC-JWTs
// signed with RS256 or ES256 only (issuer.ValidatorJWTAlgs).

// assertValidatorAccepts checks one form of a credential: the verifier says
// valid, with a verified proof, and a VC-JWT, given as is or baked into an
// image, is signed with an algorithm the validator reads.
func assertValidatorAccepts(t *testing.T, v *verifier.Verifier, name string, data []byte) {
	t.Helper()
	r, err := v.Verify(context.Background(), verifier.Input{Data: data})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if r.Verdict != verifier.Valid || !passed(r, verifier.CheckProof) {
		b, _ := json.MarshalIndent(r.Checks, "", "  ")
		t.Fatalf("%s: verdict %s\n%s", name, r.Verdict, b)
	}
	carried := string(data)
	if r.Format == "png" || r.Format == "svg" {
		baked, err := ob3.Unbake(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		carried = baked.Payload
	}
	if strings.HasPrefix(strings.TrimSpace(carried), "{") {
		return // JSON with a Data Integrity proof: the validator reads it in any case
	}
	tok, err := ob3.ParseJWT(carried)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !slices.Contains(issuer.ValidatorJWTAlgs, tok.Header.Alg) {
		t.Fatalf("%s carries a %s VC-JWT, which the validator refuses", name, tok.Header.Alg)
	}
}

func passed(r *verifier.Report, id string) bool {
	return slices.ContainsFunc(r.Checks, func(c verifier.Check) bool { return c.ID == id && c.Outcome == verifier.Pass })
}

// issuedForms issues a credential of a new issuer with the given algorithm
// and identifier, and returns every form Laurel hands out: the JSON, the
// VC-JWT, the baked PNG and SVG.
func issuedForms(t *testing.T, ts *testServer, alg, identifier string) (cred credentialView, forms map[string][]byte) {
	t.Helper()
	var iss struct{ ID, DID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Gophers of Lyon", "jwtAlg": alg, "identifier": identifier}}).
		want(t, 201).JSON(t, &iss)
	if (identifier == issuer.IdentifierDIDWeb) != (iss.DID != "") {
		t.Fatalf("issuer %+v with identifier %s", iss, identifier)
	}
	ach := mustAchievement(t, ts, iss.ID, map[string]any{"status": "active"})
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss.ID + "/awards",
		body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada"}}).want(t, 201).JSON(t, &cred)
	forms = map[string][]byte{"jwt": []byte(cred.JWT)}
	path := strings.TrimPrefix(cred.URL, baseURL)
	for name, p := range map[string]string{"json": path + ".json", "png": path + "/badge.png", "svg": path + "/badge.svg"} {
		forms[name] = ts.do(t, req{method: "GET", path: p, token: "-"}).want(t, 200).body
	}
	return cred, forms
}

// TestConformance_EveryAlgorithm issues a credential in every VC-JWT
// algorithm an issuer may choose, with either identifier, and runs the
// validator's rules on every form: the JSON, the VC-JWT where the
// validator reads its algorithm, and the baked PNG and SVG, which carry
// the VC-JWT when the validator reads it and the signed JSON otherwise.
//
// What a wallet receives, the copy made out to its holder, is held to the
// same rules: its JSON, and its VC-JWT where the validator reads it.
func TestConformance_EveryAlgorithm(t *testing.T) {
	ts := newTestServer(t)
	issuing := newIssuing(t, ts.db)
	for _, identifier := range issuer.Identifiers {
		for _, alg := range issuer.JWTAlgs {
			t.Run(identifier+"/"+alg, func(t *testing.T) {
				cred, forms := issuedForms(t, ts, alg, identifier)
				jwtAccepted := slices.Contains(issuer.ValidatorJWTAlgs, alg)
				hc, err := issuing.IssueToHolder(t.Context(), cred.ID, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
				if err != nil {
					t.Fatal(err)
				}
				forms["copy json"], forms["copy jwt"] = hc.JSON, []byte(hc.JWT)
				for _, name := range []string{"json", "jwt", "png", "svg", "copy json", "copy jwt"} {
					if strings.HasSuffix(name, "jwt") && !jwtAccepted {
						continue // offered for download, but not a form the validator reads
					}
					assertValidatorAccepts(t, ts.verifier, name, forms[name])
				}
				for _, name := range []string{"png", "svg"} {
					baked, err := ob3.Unbake(forms[name])
					if err != nil {
						t.Fatal(err)
					}
					if isJWT := !strings.HasPrefix(baked.Payload, "{"); isJWT != jwtAccepted {
						t.Errorf("baked %s carries a JWT: %v, want %v", name, isJWT, jwtAccepted)
					}
				}
			})
		}
	}
}

// TestConformance_DIDWebOverHTTP verifies a did:web issuer's credential as
// an outside verifier does: the DID document, the key and the status list
// fetched over HTTP from the running server, nothing answered locally.
func TestConformance_DIDWebOverHTTP(t *testing.T) {
	ts := newTestServer(t)
	srv := httptest.NewServer(ts.srv)
	t.Cleanup(srv.Close)
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	// did:web resolves over https at the DID's host: the fetcher is
	// pointed at the test server instead.
	f := verifier.NewFetcher(verifier.FetcherOptions{AllowLoopback: true, Timeout: 5 * time.Second, Rewrite: func(u *url.URL) {
		u.Scheme, u.Host = target.Scheme, target.Host
	}})
	v, err := verifier.New(verifier.Options{Loader: loader, Fetcher: f}) // the loader newTestServer made
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range issuer.JWTAlgs {
		t.Run(alg, func(t *testing.T) {
			cred, forms := issuedForms(t, ts, alg, issuer.IdentifierDIDWeb)
			if id, _ := cred.Credential["issuer"].(map[string]any)["id"].(string); !strings.HasPrefix(id, "did:web:badges.example.org:issuers:") {
				t.Fatalf("issuer %s", id)
			}
			for _, name := range []string{"json", "jwt"} {
				r, err := v.Verify(context.Background(), verifier.Input{Data: forms[name]})
				if err != nil {
					t.Fatal(err)
				}
				if r.Verdict != verifier.Valid || !passed(r, verifier.CheckProof) || !passed(r, verifier.CheckStatus) {
					b, _ := json.MarshalIndent(r.Checks, "", "  ")
					t.Fatalf("%s: verdict %s\n%s", name, r.Verdict, b)
				}
			}
		})
	}
}
