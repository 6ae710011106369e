package verifier

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// laurelNow is the clock of the tests of Laurel's own credentials.
var laurelNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// Status-list indexes of the credentials under test.
const (
	activeIndex  = 4242
	revokedIndex = 99
)

// TestVerifier_Laurel verifies credentials as Laurel issues them, for each
// VC-JWT algorithm, with keys and status lists answered locally (no
// network at all).
func TestVerifier_Laurel(t *testing.T) {
	for _, alg := range issuer.JWTAlgs {
		t.Run(alg, func(t *testing.T) {
			li := MustLaurelIssuer(t, alg, laurelNow)
			li.publishStatusList(revokedIndex)
			v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
			json, jwt := li.credential("ada@example.org", activeIndex, time.Time{})
			expiredJSON, expiredJWT := li.credential("ada@example.org", activeIndex, laurelNow.Add(-time.Hour))
			revokedJSON, revokedJWT := li.credential("ada@example.org", revokedIndex, time.Time{})
			for _, tc := range []struct {
				name    string
				in      Input
				verdict Verdict
				failing string
				format  string
			}{
				{"OK/json", Input{Data: json}, Valid, "", "json"},
				{"OK/jwt", Input{Data: []byte(jwt)}, Valid, "", "jwt"},
				{"tampered/json", Input{Data: bytes.Replace(json, []byte("Session Host"), []byte("Session Hosts"), 1)}, Invalid, CheckProof, "json"},
				{"tampered/jwt", Input{Data: []byte(tamperJWT(t, jwt))}, Invalid, CheckProof, "jwt"},
				{"expired/json", Input{Data: expiredJSON}, Invalid, CheckDates, "json"},
				{"expired/jwt", Input{Data: []byte(expiredJWT)}, Invalid, CheckDates, "jwt"},
				{"revoked/json", Input{Data: revokedJSON}, Invalid, CheckStatus, "json"},
				{"revoked/jwt", Input{Data: []byte(revokedJWT)}, Invalid, CheckStatus, "jwt"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := MustVerify(t, v, tc.in)
					if r.Verdict != tc.verdict || r.Format != tc.format {
						dump(t, r)
						t.Fatalf("verdict %s (format %s), want %s (%s)", r.Verdict, r.Format, tc.verdict, tc.format)
					}
					if tc.failing != "" && !hasOutcome(r, tc.failing, Fail) {
						dump(t, r)
						t.Fatalf("no failed %q check", tc.failing)
					}
					assertLaurelSummary(t, r, tc.failing == CheckStatus)
				})
			}
		})
	}
}

// assertLaurelSummary checks what the report shows of the credential.
func assertLaurelSummary(t *testing.T, r *Report, revoked bool) {
	t.Helper()
	s := r.Credential
	if s.IssuerName != "Lyon Gophers" || s.AchievementName != "Session Host" || !s.RecipientHashed ||
		!strings.HasPrefix(s.RecipientID, "sha256$") || s.Revoked != revoked ||
		!strings.HasPrefix(s.ID, "https://badges.example.org/credentials/") {
		t.Errorf("summary %+v", s)
	}
}

// tamperJWT changes the credential inside a token, keeping its signature.
func tamperJWT(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	payload = bytes.Replace(payload, []byte("Session Host"), []byte("Session Hosts"), 1)
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}

// TestVerifier_Recipient matches an e-mail address against the hashed
// identity Laurel puts in its credentials.
func TestVerifier_Recipient(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgRS256, laurelNow)
	v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
	json, jwt := li.credential("ada@example.org", activeIndex, time.Time{})
	for _, tc := range []struct {
		name    string
		data    []byte
		email   string
		matched bool
		verdict Verdict
	}{
		{"matched/json", json, "ada@example.org", true, Valid},
		{"matched/jwt", []byte(jwt), "ada@example.org", true, Valid},
		{"matched/upper case", json, " Ada@Example.ORG ", true, Valid},
		{"not matched", json, "bob@example.org", false, Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := MustVerify(t, v, Input{Data: tc.data, Email: tc.email})
			if r.RecipientMatched == nil || *r.RecipientMatched != tc.matched || r.Verdict != tc.verdict {
				dump(t, r)
				t.Fatalf("matched %v, verdict %s; want %v, %s", r.RecipientMatched, r.Verdict, tc.matched, tc.verdict)
			}
		})
	}
	t.Run("not asked", func(t *testing.T) {
		r := MustVerify(t, v, Input{Data: json})
		if r.RecipientMatched != nil || !hasOutcome(r, CheckRecipient, Skipped) {
			t.Fatalf("matched %v; want nil and a skipped recipient check", r.RecipientMatched)
		}
	})
}

// TestVerifier_LaurelChecks pins the checks a valid Laurel credential
// passes, so a check silently dropped from the report is noticed.
func TestVerifier_LaurelChecks(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgES256, laurelNow)
	v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
	_, jwt := li.credential("ada@example.org", activeIndex, time.Time{})
	r := MustVerify(t, v, Input{Data: []byte(jwt)})
	for _, want := range []struct {
		id    string
		count int
	}{
		{CheckInput, 1}, {CheckJSON, 1}, {CheckContext, 1}, {CheckType, 1}, {CheckFields, 1}, {CheckSchema, 1},
		{CheckKey, 2}, {CheckProof, 2}, {CheckJWTClaims, 1}, {CheckDates, 1}, {CheckStatus, 1},
	} {
		got := findChecks(r, want.id)
		if len(got) != want.count {
			dump(t, r)
			t.Fatalf("%d %q checks, want %d", len(got), want.id, want.count)
		}
		for _, c := range got {
			if c.Outcome != Pass {
				t.Errorf("%s: %s %s", c.ID, c.Outcome, c.Message)
			}
		}
	}
}
