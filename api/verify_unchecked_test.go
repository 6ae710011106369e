package api_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// elsewhereCredential is a credential of another issuer, signed with a
// fresh key published at keys.example.net.
func elsewhereCredential(t *testing.T, like map[string]any) string {
	t.Helper()
	doc := map[string]any{}
	for k, v := range like {
		if k != "proof" && k != "credentialStatus" {
			doc[k] = v
		}
	}
	const issuerID = "https://keys.example.net/issuers/1"
	doc["issuer"] = map[string]any{"id": issuerID, "type": []any{"Profile"}, "name": "Elsewhere Guild"}
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	loader, err := ob3.NewDocumentLoader()
	if err != nil {
		t.Fatal(err)
	}
	proof, err := loader.SignEdDSARDFC2022(context.Background(), doc, priv, ob3.Proof{Type: ob3.ProofTypeDataIntegrity,
		Cryptosuite: ob3.CryptosuiteEdDSARDFC, Created: time.Now().UTC().Format(time.RFC3339),
		VerificationMethod: issuerID + "/keys/1", ProofPurpose: ob3.ProofPurposeAssertion})
	if err != nil {
		t.Fatal(err)
	}
	doc["proof"] = []any{proof}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// closedFetcher sends every request to a port where nothing listens.
func closedFetcher(t *testing.T) *verifier.Fetcher {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return verifier.NewFetcher(verifier.FetcherOptions{AllowLoopback: true, Rewrite: func(u *url.URL) { u.Scheme, u.Host = "http", addr }})
}

// TestVerify_Unchecked: a credential whose issuer's key could not be
// reached is "unchecked", with its own headline, in the API and on the
// page.
func TestVerify_Unchecked(t *testing.T) {
	ts := newTestServerWith(t, mongotest.NewDB(t), closedFetcher(t))
	cred := mustCredential(t, ts)
	var like map[string]any
	if err := json.Unmarshal(mustJSON(t, cred.Credential), &like); err != nil {
		t.Fatal(err)
	}
	elsewhere := elsewhereCredential(t, like)
	const headline = "Could not be checked — the issuer's key at keys.example.net could not be reached"

	t.Run("API", func(t *testing.T) {
		var rep struct {
			Verdict, OpenBadgesVersion string
			Plain                      struct{ Finding, Headline, Reason string }
		}
		ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: map[string]any{"credential": json.RawMessage(elsewhere)}}).want(t, 200).JSON(t, &rep)
		if rep.Verdict != "unchecked" || rep.OpenBadgesVersion != "3.0" || rep.Plain.Finding != "unchecked" || rep.Plain.Headline != headline {
			t.Fatalf("report %+v", rep)
		}
	})
	t.Run("API/valid", func(t *testing.T) {
		var rep struct {
			Verdict, OpenBadgesVersion string
			Plain                      struct{ Finding, Headline string }
		}
		ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: map[string]any{"credential": cred.JWT}}).want(t, 200).JSON(t, &rep)
		if rep.Verdict != "valid" || rep.OpenBadgesVersion != "3.0" || rep.Plain.Finding != "genuine" || !strings.HasPrefix(rep.Plain.Headline, "Genuine — issued by ") {
			t.Fatalf("report %+v", rep)
		}
	})
	t.Run("page", func(t *testing.T) {
		got := postVerify(t, ts, map[string]string{"credential": elsewhere})
		if got.code != 200 || got.headline != headline {
			t.Fatalf("got %d %q", got.code, got.headline)
		}
		for _, s := range []string{`data-tone="unknown"`, "Could not be checked</p>", "Its contents are not confirmed", `class="check unreachable"`, "Not reached"} {
			if !strings.Contains(got.body, s) {
				t.Errorf("the page lacks %q", s)
			}
		}
		if strings.Contains(got.body, `class="vr-badge`) {
			t.Error("a credential that could not be checked is shown as a badge")
		}
	})
}
