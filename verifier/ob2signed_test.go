package verifier

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

// Signed Open Badges 2.0 assertions of a test issuer, with keys made for
// the test: each way the signing path can succeed or go wrong.
func TestVerifyOB2_Signed(t *testing.T) {
	type setup struct {
		f   *ob2Fixture
		doc map[string]any
		alg jwa.SignatureAlgorithm
	}
	for _, tc := range []struct {
		name     string
		change   func(t *testing.T, s *setup)
		want     Verdict
		decisive string // the check with the verdict's outcome
		outcome  Outcome
		message  string // part of that check's message
	}{
		{"RS256", nil, Valid, CheckProof, Pass, "the signature verifies"},
		{"ES256 with the creator named", func(t *testing.T, s *setup) {
			s.alg = jwa.ES256
			ob2Verification(s.doc)["creator"] = fxKeyEC
		}, Valid, CheckProof, Pass, "JWS (ES256)"},
		{"PS256, no creator: the issuer's keys are tried", func(t *testing.T, s *setup) {
			s.alg = jwa.PS256
			delete(ob2Verification(s.doc), "creator")
		}, Valid, CheckKey, Pass, fxKeyRSA},
		{"key embedded in the profile", func(t *testing.T, s *setup) {
			s.f.edit(t, fxIssuer, func(p map[string]any) { p["publicKey"] = s.f.keyDoc(t, fxKeyRSA, s.f.rsa.Public()) })
			delete(s.f.docs, fxKeyRSA)
		}, Valid, CheckKey, Pass, fxKeyRSA},
		{"revoked, listed by id", func(t *testing.T, s *setup) { s.doc["id"] = "urn:uuid:revoked-1" },
			Invalid, CheckStatus, Fail, "names it"},
		{"revoked, listed with a reason", func(t *testing.T, s *setup) { s.doc["id"] = "urn:uuid:revoked-2" },
			Invalid, CheckStatus, Fail, "(Issued in error.)"},
		{"expired", func(t *testing.T, s *setup) { s.doc["expires"] = "2026-04-01T00:00:00Z" },
			Invalid, CheckDates, Fail, "Expired"},
		{"verification type hosted", func(t *testing.T, s *setup) { s.doc["verification"] = map[string]any{"type": "HostedBadge"} },
			Invalid, CheckProof, Fail, "not SignedBadge"},
		{"creator not listed by the issuer", func(t *testing.T, s *setup) {
			ob2Verification(s.doc)["creator"] = fxBase + "/keys/other.json"
		}, Invalid, CheckKey, Fail, "does not list the key"},
		{"no key named or listed", func(t *testing.T, s *setup) {
			s.f.edit(t, fxIssuer, func(p map[string]any) { delete(p, "publicKey") })
			delete(ob2Verification(s.doc), "creator")
		}, Invalid, CheckKey, Fail, "lists none"},
		{"key owned by someone else", func(t *testing.T, s *setup) {
			s.f.edit(t, fxKeyRSA, func(k map[string]any) { k["owner"] = "https://elsewhere.example.com/issuer" })
		}, Invalid, CheckKey, Fail, "as its owner"},
		{"badge class on another host", func(t *testing.T, s *setup) {
			s.f.edit(t, fxBadge, func(b map[string]any) { b["id"] = "https://elsewhere.example.com/badge" })
		}, Invalid, CheckFields, Fail, "not on badges.example.net"},
		{"RSA key used with ES256", func(t *testing.T, s *setup) {
			s.f.edit(t, fxKeyEC, func(k map[string]any) { k["publicKeyPem"] = s.f.keyDoc(t, fxKeyRSA, s.f.rsa.Public())["publicKeyPem"] })
			s.alg = jwa.ES256
			ob2Verification(s.doc)["creator"] = fxKeyEC
		}, Invalid, CheckProof, Fail, "does not fit an RSA key"},
		{"issuer unreachable", func(t *testing.T, s *setup) { delete(s.f.docs, fxIssuer) },
			Unchecked, CheckKey, Unreachable, "could not be read"},
		{"key unreachable", func(t *testing.T, s *setup) { delete(s.f.docs, fxKeyRSA) },
			Unchecked, CheckKey, Unreachable, "could not be read"},
		{"revocation list unreachable", func(t *testing.T, s *setup) { delete(s.f.docs, fxList) },
			Unchecked, CheckStatus, Unreachable, "revocation was not checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &setup{f: newOB2Fixture(t), alg: jwa.RS256}
			s.doc = s.f.assertion("urn:uuid:c0ffee", "SignedBadge")
			if tc.change != nil {
				tc.change(t, s)
			}
			token := s.f.sign(t, s.doc, s.alg)
			r := MustVerify(t, s.f.verifier(t), Input{Data: []byte(token), Email: fxEmail})
			if r.Verdict != tc.want || r.Version != OpenBadges2 || !hasMessage(r, tc.decisive, tc.outcome, tc.message) {
				dump(t, r)
				t.Fatalf("want %s, a %s check %s saying %q", tc.want, tc.decisive, tc.outcome, tc.message)
			}
			if tc.want == Valid && (r.RecipientMatched == nil || !*r.RecipientMatched || r.Credential.IssuerName != "Gopher Guild" ||
				r.Credential.Criteria != "Ship a Go service to production.") {
				t.Fatalf("recipient matched %v, summary %+v", r.RecipientMatched, r.Credential)
			}
		})
	}
}

// hasMessage reports whether a check has the outcome and says msg.
func hasMessage(r *Report, id string, o Outcome, msg string) bool {
	for _, c := range findChecks(r, id) {
		if c.Outcome == o && strings.Contains(c.Message, msg) {
			return true
		}
	}
	return false
}

// TestVerifyOB2_Tampered refuses a JWS whose payload or algorithm was
// changed after signing.
func TestVerifyOB2_Tampered(t *testing.T) {
	f := newOB2Fixture(t)
	token := f.sign(t, f.assertion("urn:uuid:c0ffee", "SignedBadge"), jwa.RS256)
	parts := strings.Split(token, ".")
	var doc map[string]any
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &doc) != nil {
		t.Fatal("cannot read the payload")
	}
	doc["recipient"].(map[string]any)["identity"] = "sha256$0000"
	changed, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	for _, tc := range []struct{ name, token string }{
		{"payload", parts[0] + "." + enc(changed) + "." + parts[2]},
		{"signature", parts[0] + "." + parts[1] + "." + enc([]byte("not the signature"))},
		{"alg none", enc([]byte(`{"alg":"none"}`)) + "." + parts[1] + "." + parts[2]},
		{"alg HS256", enc([]byte(`{"alg":"HS256"}`)) + "." + parts[1] + "." + parts[2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := MustVerify(t, f.verifier(t), Input{Data: []byte(tc.token)})
			if r.Verdict != Invalid || !hasOutcome(r, CheckProof, Fail) {
				dump(t, r)
				t.Fatal("want invalid, the proof check failed")
			}
			if p := r.Plain(PlainOptions{}); p.Finding != FindingForged {
				t.Fatalf("finding %s, want forged", p.Finding)
			}
		})
	}
}

// TestVerifyOB2_Forms reads the test issuer's assertions in every form
// Open Badges 2.0 gives them: baked into a PNG or an SVG as a JWS or a
// URL, by URL, and as a hosted JSON that is not the hosted copy.
func TestVerifyOB2_Forms(t *testing.T) {
	f := newOB2Fixture(t)
	const hostedURL = fxBase + "/assertions/7"
	hosted := f.assertion(hostedURL, "HostedBadge")
	f.put(t, hostedURL, hosted)
	token := f.sign(t, f.assertion("urn:uuid:c0ffee", "SignedBadge"), jwa.RS256)
	svg := func(verify string) []byte {
		return []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">` +
			`<openbadges:assertion verify="` + verify + `"/></svg>`)
	}
	changed := f.assertion(hostedURL, "HostedBadge")
	changed["issuedOn"] = "2020-01-01T00:00:00Z"
	changedJSON, err := json.Marshal(changed)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, format string
		in           Input
		want         Verdict
	}{
		{"PNG with a JWS", "png", Input{Data: pngWithText(t, token)}, Valid},
		{"PNG with a URL", "png", Input{Data: pngWithText(t, hostedURL)}, Valid},
		{"SVG with a JWS", "svg", Input{Data: svg(token)}, Valid},
		{"SVG with a URL", "svg", Input{Data: svg(hostedURL)}, Valid},
		{"URL", "url", Input{URL: hostedURL}, Valid},
		{"JSON unlike the hosted copy", "json", Input{Data: changedJSON}, Warning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Email = "ada@example.org"
			r := MustVerify(t, f.verifier(t), tc.in)
			if r.Verdict != tc.want || r.Format != tc.format || r.Version != OpenBadges2 || r.RecipientMatched == nil || !*r.RecipientMatched {
				dump(t, r)
				t.Fatalf("want %s of format %s, recipient matched", tc.want, tc.format)
			}
			if tc.want == Warning && (!hasMessage(r, CheckInput, Warn, "(in issuedOn)") || r.Credential.ValidFrom != "2026-03-01T10:00:00Z") {
				dump(t, r)
				t.Fatal("want the hosted copy checked and the difference named")
			}
		})
	}
}

// TestVerifyOB2_HostedRevoked fails a hosted assertion whose hosted copy
// says it is revoked.
func TestVerifyOB2_HostedRevoked(t *testing.T) {
	f := newOB2Fixture(t)
	const hostedURL = fxBase + "/assertions/8"
	doc := f.assertion(hostedURL, "HostedBadge")
	given, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	doc["revoked"], doc["revocationReason"] = true, "Awarded by mistake."
	f.put(t, hostedURL, doc)
	r := MustVerify(t, f.verifier(t), Input{Data: given})
	if r.Verdict != Invalid || !r.Credential.Revoked || !hasMessage(r, CheckStatus, Fail, "Awarded by mistake.") {
		dump(t, r)
		t.Fatal("want invalid, revoked, with the reason")
	}
	if p := r.Plain(PlainOptions{}); p.Finding != FindingRevoked {
		t.Fatalf("finding %s, want revoked", p.Finding)
	}
}

// TestVerifyOB2_EmbeddedIssuer trusts an issuer embedded in a badge class
// only as far as it can be fetched: one with a web id is read from there,
// one without leaves the hosted check a warning.
func TestVerifyOB2_EmbeddedIssuer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		issuer   map[string]any
		want     Verdict
		wantName string
	}{
		{"web id, fetched", map[string]any{"type": "Issuer", "id": fxIssuer, "name": "Impostor"}, Valid, "Gopher Guild"},
		{"no web id", map[string]any{"type": "Issuer", "id": "urn:uuid:guild", "name": "Someone"}, Warning, "Someone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newOB2Fixture(t)
			const hostedURL = fxBase + "/assertions/9"
			doc := f.assertion(hostedURL, "HostedBadge")
			var badge map[string]any
			if err := json.Unmarshal(f.docs[fxBadge], &badge); err != nil {
				t.Fatal(err)
			}
			badge["issuer"], doc["badge"] = tc.issuer, badge
			f.put(t, hostedURL, doc)
			r := MustVerify(t, f.verifier(t), Input{URL: hostedURL})
			if r.Verdict != tc.want || r.Credential.IssuerName != tc.wantName {
				dump(t, r)
				t.Fatalf("want %s, issuer %q", tc.want, tc.wantName)
			}
		})
	}
}
