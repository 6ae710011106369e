package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// verifyCase is one credential the verify page is opened for: by its URL
// (with an address to check), or pasted into the form.
type verifyCase struct {
	name, query, paste string
	headline           string
}

// TestBrowser_VerifyReport opens the verify page's report for a valid, a
// revoked, a tampered, a wrongly addressed credential and one that could
// not be checked (its issuer's key on a host that does not answer), at desktop and
// phone widths in both schemes: the plain-words headline first, the result
// above the form, the checks within the screen; a screenshot of each.
func TestBrowser_VerifyReport(t *testing.T) {
	t.Parallel()
	w := newBadgeWorld(t)
	b := browsertest.New(t)
	credURL := func(id string) string { return w.base + "/credentials/" + id }
	var doc map[string]any
	if err := json.Unmarshal(get(t, credURL(w.adaCred)+".json"), &doc); err != nil {
		t.Fatal(err)
	}
	issued, err := time.Parse(time.RFC3339, doc["validFrom"].(string))
	if err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(string(get(t, credURL(w.adaCred)+".json")), "Hosted a community session.", "Ran the whole conference.", -1)
	revoked := w.c.json(t, "POST", "/api/v1/credentials/"+w.bobCred+"/revoke", map[string]any{"reason": "Awarded by mistake"}, http.StatusOK)
	revokedAt, err := time.Parse(time.RFC3339, str(t, revoked, "revokedAt"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []verifyCase{
		{name: "valid", query: url.Values{"credential": {credURL(w.adaCred)}}.Encode(),
			headline: "Genuine — issued by Lyon Gophers on " + issued.UTC().Format(verifier.PlainDate)},
		{name: "wrong-recipient", query: url.Values{"credential": {credURL(w.adaCred)}, "email": {"eve@example.org"}}.Encode(),
			headline: "Genuine, but not issued to this address"},
		{name: "revoked", query: url.Values{"credential": {credURL(w.bobCred)}}.Encode(),
			headline: "Revoked by its issuer on " + revokedAt.UTC().Format(verifier.PlainDate)},
		{name: "tampered", paste: tampered, headline: "Not genuine: the signature does not match its contents"},
		{name: "unchecked", paste: unreachableIssuer(t, doc), headline: "Could not be checked — the issuer's key at localhost could not be reached"},
		{name: "unreadable", paste: "eyJ this is not a credential", headline: "Cannot verify this input"},
	}
	dir := browsertest.ScreenshotDir(t)
	for _, vc := range cases {
		for _, v := range views() {
			t.Run(vc.name+"/"+v.name+"/"+string(v.scheme), func(t *testing.T) {
				tab := openVerifyCase(t, b, w.base, vc, v)
				checkPageBasics(t, tab, v.width, v.scheme)
				if vc.name == "unreadable" {
					checkVerifyError(t, tab, vc)
				} else {
					tab.WantNoProblems(t)
					checkVerifyReport(t, tab, vc.headline, v.width)
				}
				shot := filepath.Join(dir, "verify-"+vc.name+"-"+v.name+"-"+string(v.scheme)+".png")
				if gotW, gotH := tab.Screenshot(t, shot); gotW != v.width || gotH < v.height/2 {
					t.Errorf("screenshot %dx%d at a %dx%d viewport", gotW, gotH, v.width, v.height)
				}
			})
		}
	}
}

// unreachableIssuer is doc re-issued, and signed, by an issuer whose key
// lives on a port of this machine where nothing answers: a credential that
// could not be checked.
func unreachableIssuer(t *testing.T, doc map[string]any) string {
	t.Helper()
	const issuerID = "http://localhost:1/issuers/elsewhere"
	out := map[string]any{}
	for k, v := range doc {
		if k != "proof" && k != "credentialStatus" {
			out[k] = v
		}
	}
	out["issuer"] = map[string]any{"id": issuerID, "type": []any{"Profile"}, "name": "Elsewhere Guild"}
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	loader, err := ob3.NewDocumentLoader()
	if err != nil {
		t.Fatal(err)
	}
	proof, err := loader.SignEdDSARDFC2022(context.Background(), out, priv, ob3.Proof{Type: ob3.ProofTypeDataIntegrity,
		Cryptosuite: ob3.CryptosuiteEdDSARDFC, Created: time.Now().UTC().Format(time.RFC3339),
		VerificationMethod: issuerID + "/keys/1", ProofPurpose: ob3.ProofPurposeAssertion})
	if err != nil {
		t.Fatal(err)
	}
	out["proof"] = []any{proof}
	return string(must(json.Marshal(out)))
}

// openVerifyCase opens the report: by URL, or by pasting into the form
// and verifying, as a person would.
func openVerifyCase(t *testing.T, b *browsertest.Browser, base string, vc verifyCase, v view) *browsertest.Tab {
	t.Helper()
	if vc.paste == "" {
		return b.Open(t, base+"/verify?"+vc.query, v.width, v.height, v.scheme)
	}
	tab := b.Open(t, base+"/verify", v.width, v.height, v.scheme)
	tab.Fill(t, "#credential", vc.paste)
	tab.Submit(t, "#credential")
	return tab
}

// checkVerifyReport checks what a verifier reads first and that the
// report fits the screen.
func checkVerifyReport(t *testing.T, tab *browsertest.Tab, headline string, width int) {
	t.Helper()
	if got := tab.Text(t, "#vr-headline"); got != headline {
		t.Errorf("headline %q, want %q", got, headline)
	}
	var above bool
	tab.Eval(t, `document.querySelector("#report").getBoundingClientRect().bottom <= document.querySelector("details.vr-again").getBoundingClientRect().top`, &above)
	if !above {
		t.Errorf("the result is not above the form")
	}
	var fits bool
	tab.Eval(t, `(() => {
		const table = document.querySelector(".vr-checks");
		return table.scrollWidth <= table.clientWidth + 1 && table.getBoundingClientRect().right <= window.innerWidth;
	})()`, &fits)
	if !fits {
		t.Errorf("the checks are wider than their place on a %d px screen", width)
	}
	// A credential that fails its proof, or could not be checked, is never
	// shown as a badge.
	if forged := strings.HasPrefix(headline, "Not genuine") || strings.HasPrefix(headline, "Could not be checked"); tab.Count(t, ".vr-badge") != map[bool]int{true: 0, false: 1}[forged] ||
		tab.Count(t, ".vr-untrusted") != map[bool]int{true: 1, false: 0}[forged] {
		t.Errorf("the credential is shown as a badge: %v; as untrusted: %v", tab.Count(t, ".vr-badge") > 0, tab.Count(t, ".vr-untrusted") > 0)
	}
	if n := tab.Count(t, ".vr-checks tbody tr"); n < 5 {
		t.Errorf("%d checks shown", n)
	}
}

// checkVerifyError checks the page after input that is no credential: a
// 400 with the reason first, and the form open with the input kept.
func checkVerifyError(t *testing.T, tab *browsertest.Tab, vc verifyCase) {
	t.Helper()
	for _, p := range tab.Problems() {
		if !strings.HasPrefix(p, "HTTP 400 ") {
			t.Errorf("problem: %s", p)
		}
	}
	if got := tab.Text(t, "#vr-headline"); got != vc.headline {
		t.Errorf("headline %q, want %q", got, vc.headline)
	}
	if got := tab.Text(t, "#vr-error"); !strings.HasPrefix(got, "This is not a credential") {
		t.Errorf("the reason is %q", got)
	}
	var kept, above bool
	tab.Eval(t, `document.querySelector("#credential").value === `+strconv.Quote(vc.paste)+` && document.querySelector("details.vr-again").open`, &kept)
	tab.Eval(t, `document.querySelector("#report").getBoundingClientRect().bottom <= document.querySelector("details.vr-again").getBoundingClientRect().top`, &above)
	if !kept || !above {
		t.Errorf("after an error the input is kept in an open form (%v) below the reason (%v)", kept, above)
	}
}
