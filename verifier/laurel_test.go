package verifier

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
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

// TestVerifier_RememberedDocuments verifies one credential again and again
// while its status list changes: what the verifier remembers of documents
// it has read must never hide a revocation, or a reinstatement.
func TestVerifier_RememberedDocuments(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgES256, laurelNow)
	v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
	json, jwt := li.credential("ada@example.org", activeIndex, time.Time{})
	for i, revoked := range []bool{false, false, true, true, false} {
		if revoked {
			li.publishStatusList(activeIndex)
		} else {
			li.publishStatusList()
		}
		for _, data := range [][]byte{json, []byte(jwt)} {
			r := MustVerify(t, v, Input{Data: data})
			if want := map[bool]Verdict{false: Valid, true: Invalid}[revoked]; r.Verdict != want || r.Credential.Revoked != revoked {
				dump(t, r)
				t.Fatalf("round %d: verdict %s, revoked %v; want %s", i, r.Verdict, r.Credential.Revoked, want)
			}
			if !hasOutcome(r, CheckSchema, Pass) || !hasOutcome(r, CheckProof, Pass) {
				dump(t, r)
				t.Fatalf("round %d: the remembered schema or proof checks are missing", i)
			}
		}
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
// passes, so a check silently dropped from the report is noticed. Given as
// a JWT, its embedded Data Integrity proof is not checked again: the JWT
// signature covers it.
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
		{CheckKey, 1}, {CheckProof, 2}, {CheckJWTClaims, 1}, {CheckDates, 1}, {CheckStatus, 1},
	} {
		got := findChecks(r, want.id)
		if len(got) != want.count {
			dump(t, r)
			t.Fatalf("%d %q checks, want %d", len(got), want.id, want.count)
		}
		for i, c := range got {
			if c.Outcome != Pass && !(c.ID == CheckProof && i == 1 && c.Outcome == Skipped) {
				t.Errorf("%s: %s %s", c.ID, c.Outcome, c.Message)
			}
		}
	}
}

// endorsementBy is an EndorsementCredential from li, as JSON with a Data
// Integrity proof and as a VC-JWT.
func endorsementBy(t *testing.T, li *laurelIssuer, comment string) (map[string]any, string) {
	t.Helper()
	doc := map[string]any{
		"@context":  []string{ob3.ContextCredentialsV2, ob3.ContextOB},
		"id":        "urn:uuid:8e0c1f3a-7a0e-4a43-9a57-7f1d3d0a5b21",
		"type":      []string{"VerifiableCredential", "EndorsementCredential"},
		"name":      "Endorsement of the Session Host badge",
		"issuer":    map[string]any{"id": li.urls.Issuer(li.profile.ID), "type": []string{"Profile"}, "name": li.profile.Name},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "https://badges.example.org/achievements/achievement000000001",
			"type": []string{"EndorsementSubject"}, "endorsementComment": comment},
	}
	signed := li.signDI(doc)
	var m map[string]any
	if err := json.Unmarshal(signed, &m); err != nil {
		t.Fatal(err)
	}
	token, err := ob3.SignJWT(signed, li.jwtPriv, jwa.SignatureAlgorithm(li.jwtKey.Alg), li.urls.Key(li.profile.ID, li.jwtKey.ID), li.now)
	if err != nil {
		t.Fatal(err)
	}
	return m, token
}

func TestEndorsements(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgRS256, laurelNow)
	v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
	good, goodJWT := endorsementBy(t, li, "A well-run community.")
	bad, _ := endorsementBy(t, li, "A well-run community.")
	bad["credentialSubject"].(map[string]any)["endorsementComment"] = "Changed after signing."
	for _, tc := range []struct {
		name    string
		doc     map[string]any
		outcome Outcome
		say     string
	}{
		{"OK/object and JWT", map[string]any{"endorsement": []any{good}, "endorsementJwt": []any{goodJWT}}, Pass, "2 embedded endorsement(s) verified"},
		{"OK/on the achievement", map[string]any{"credentialSubject": map[string]any{"achievement": map[string]any{"endorsement": good}}}, Pass, "1 embedded"},
		{"tampered", map[string]any{"endorsement": []any{good, bad}}, Warn, "1 did not verify"},
		{"not a JWS", map[string]any{"endorsementJwt": []any{"not a token"}}, Warn, "cannot be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Report{}
			(&run{Verifier: v}).checkEndorsements(t.Context(), r, tc.doc)
			got := findChecks(r, CheckEndorsements)
			if len(got) != 1 || got[0].Outcome != tc.outcome || !strings.Contains(got[0].Message, tc.say) {
				dump(t, r)
				t.Fatalf("want one %s endorsements check saying %q", tc.outcome, tc.say)
			}
		})
	}
	t.Run("none", func(t *testing.T) {
		r := &Report{}
		(&run{Verifier: v}).checkEndorsements(t.Context(), r, map[string]any{})
		if len(r.Checks) != 0 {
			t.Fatalf("checks %v for a credential without endorsements", r.Checks)
		}
	})
}

// BenchmarkVerifyJWT verifies a Laurel credential as a VC-JWT (RS256), keys
// and status list answered locally. The token carries the Data Integrity
// proof too, which is verified as well, as it would be in production.
func BenchmarkVerifyJWT(b *testing.B) {
	li := MustLaurelIssuer(b, issuer.AlgRS256, laurelNow)
	v := MustVerifier(b, Options{Local: li, Now: FixedClock(laurelNow)})
	_, jwt := li.credential("ada@example.org", activeIndex, time.Time{})
	benchVerify(b, v, []byte(jwt))
}

// BenchmarkVerifyJWTFirstSight verifies credentials this verifier has not
// seen before, so nothing read from them is remembered: the cost of a
// first verification, where BenchmarkVerifyJWT is that of a repeated one.
func BenchmarkVerifyJWTFirstSight(b *testing.B) {
	li := MustLaurelIssuer(b, issuer.AlgRS256, laurelNow)
	tokens := make([][]byte, 128)
	for i := range tokens {
		_, jwt := li.credential("ada@example.org", i, time.Time{})
		tokens[i] = []byte(jwt)
	}
	ctx := context.Background()
	var v *Verifier
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%len(tokens) == 0 {
			b.StopTimer()
			v = MustVerifier(b, Options{Local: li, Now: FixedClock(laurelNow)})
			b.StartTimer()
		}
		r, err := v.Verify(ctx, Input{Data: tokens[i%len(tokens)]})
		if err != nil || r.Verdict != Valid {
			b.Fatalf("Verify: %v, %v", r, err)
		}
	}
}

// BenchmarkVerifyDataIntegrity verifies the same credential as JSON with its
// eddsa-rdfc-2022 proof.
func BenchmarkVerifyDataIntegrity(b *testing.B) {
	li := MustLaurelIssuer(b, issuer.AlgRS256, laurelNow)
	v := MustVerifier(b, Options{Local: li, Now: FixedClock(laurelNow)})
	json, _ := li.credential("ada@example.org", activeIndex, time.Time{})
	benchVerify(b, v, json)
}

func benchVerify(b *testing.B, v *Verifier, data []byte) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := v.Verify(ctx, Input{Data: data})
		if err != nil || r.Verdict != Valid {
			b.Fatalf("Verify: %v, %v", r, err)
		}
	}
}

// BenchmarkRawRS256 is the floor: the RS256 signature check alone, on the
// same token.
func BenchmarkRawRS256(b *testing.B) {
	li := MustLaurelIssuer(b, issuer.AlgRS256, laurelNow)
	_, jwt := li.credential("ada@example.org", activeIndex, time.Time{})
	pub := li.jwtKey.Public.(*rsa.PublicKey)
	cut := strings.LastIndexByte(jwt, '.')
	sig, err := base64.RawURLEncoding.DecodeString(jwt[cut+1:])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.Sum256([]byte(jwt[:cut]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}
