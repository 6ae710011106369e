package issuer_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

func TestURLs_DIDWebHost(t *testing.T) {
	for _, tc := range []struct{ base, host string }{
		{"https://badges.example.org", "badges.example.org"},
		{"https://badges.example.org/", "badges.example.org"},
		{"http://localhost:8080", "localhost%3A8080"},
		{"https://example.org/community/badges", "example.org:community:badges"},
		{"https://example.org:8443/laurel", "example.org%3A8443:laurel"},
	} {
		u, err := issuer.NewURLs(tc.base)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.DIDWebHost(); got != tc.host {
			t.Errorf("DIDWebHost(%s) = %q, want %q", tc.base, got, tc.host)
		}
	}
}

// chooseDIDWeb switches the fixture's issuer to did:web, as the admin API
// does.
func (f *fixture) chooseDIDWeb(t testing.TB) {
	t.Helper()
	kind := issuer.IdentifierDIDWeb
	p, err := f.deps.Profiles.UpdateProfile(context.Background(), f.issuer.ID, issuer.ProfileUpdate{Identifier: &kind, DIDWebHost: f.urls.DIDWebHost()})
	if err != nil {
		t.Fatal(err)
	}
	f.issuer = p
}

func TestProfile_Identifier(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{})
	ctx := context.Background()
	if f.issuer.IdentifierKind != issuer.IdentifierHTTPS || f.issuer.DID != "" {
		t.Fatalf("a new issuer is %q %q, want https and no DID", f.issuer.IdentifierKind, f.issuer.DID)
	}
	f.chooseDIDWeb(t)
	did := "did:web:badges.example.org:issuers:" + f.issuer.ID
	if f.issuer.DID != did || !f.issuer.UsesDIDWeb() {
		t.Fatalf("DID %q, want %q", f.issuer.DID, did)
	}
	// Back to https: the DID is kept, so its credentials keep verifying,
	// and choosing did:web again brings the same DID back.
	https := issuer.IdentifierHTTPS
	p, err := f.deps.Profiles.UpdateProfile(ctx, f.issuer.ID, issuer.ProfileUpdate{Identifier: &https})
	if err != nil || p.DID != did || p.UsesDIDWeb() {
		t.Fatalf("after a return to https: %+v, %v", p, err)
	}
	bad := "did:key"
	_, err = f.deps.Profiles.UpdateProfile(ctx, f.issuer.ID, issuer.ProfileUpdate{Identifier: &bad})
	if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "identifier" {
		t.Fatalf("identifier did:key: %v, want an invalid identifier", err)
	}
	// Created with did:web at once.
	q, err := f.deps.Profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Web Gophers", Identifier: issuer.IdentifierDIDWeb, DIDWebHost: "example.org"})
	if err != nil || q.DID != "did:web:example.org:issuers:"+q.ID {
		t.Fatalf("created with did:web: %+v, %v", q, err)
	}
}

// TestDIDWeb_Document checks the DID document's shape: the DID, the
// contexts, every key as a verification method listed for assertions.
func TestDIDWeb_Document(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{})
	ctx := context.Background()
	_, _, ok, err := f.svc.Document(ctx, f.urls.DIDDocumentURL(f.issuer.ID))
	if !ok || badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("an https issuer's DID document: ok %v, %v; want not found", ok, err)
	}
	f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})
	f.chooseDIDWeb(t)
	if _, err := f.svc.RotateKeys(ctx, f.issuer.ID); err != nil {
		t.Fatal(err)
	}
	body, mediaType, ok, err := f.svc.Document(ctx, f.urls.DIDDocumentURL(f.issuer.ID))
	if !ok || err != nil || mediaType != "application/did+json" {
		t.Fatalf("DID document: ok %v, %s, %v", ok, mediaType, err)
	}
	var doc issuer.DIDDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	did := f.issuer.DID
	if !slices.Equal(doc.Context, []string{ob3.ContextDID, ob3.ContextMultikey, "https://w3id.org/security/jwk/v1"}) || doc.ID != did ||
		!slices.Equal(doc.AlsoKnownAs, []string{testBase + "/issuers/" + f.issuer.ID}) {
		t.Fatalf("document %s", body)
	}
	want := map[string]string{did + "#di-1": "Multikey", did + "#di-2": "Multikey", did + "#jwt-1": "JsonWebKey", did + "#jwt-2": "JsonWebKey"}
	for _, m := range doc.VerificationMethod {
		if want[m.ID] != m.Type || m.Controller != did || (m.Type == "Multikey") != (m.PublicKeyMultibase != "") || (m.Type == "JsonWebKey") != (m.PublicKeyJwk != nil) {
			t.Errorf("method %+v", m)
		}
		delete(want, m.ID)
		if !slices.Contains(doc.AssertionMethod, m.ID) || !slices.Contains(doc.Authentication, m.ID) {
			t.Errorf("%s is not listed for assertions and authentication", m.ID)
		}
	}
	if len(want) != 0 {
		t.Errorf("methods missing: %v", want)
	}
	var jwk struct{ Kid, Kty string }
	i := slices.IndexFunc(doc.VerificationMethod, func(m issuer.VerificationMethod) bool { return m.ID == did+"#jwt-1" })
	if err := json.Unmarshal(doc.VerificationMethod[i].PublicKeyJwk, &jwk); err != nil || jwk.Kid != did+"#jwt-1" || jwk.Kty != "RSA" {
		t.Errorf("first JWT key %+v, %v", jwk, err)
	}
}

// TestDIDWeb_Credentials issues before and after the switch to did:web, in
// each VC-JWT algorithm, and verifies both with the project's verifier over
// Laurel's own documents: the older credential keeps its https identity and
// still verifies; the new one names the DID in its issuer, proof, kid, iss
// and status list; revoking either shows in the list both share.
func TestDIDWeb_Credentials(t *testing.T) {
	for _, alg := range issuer.JWTAlgs {
		t.Run(alg, func(t *testing.T) {
			f := newFixture(t, badges.AchievementInput{})
			ctx := context.Background()
			if _, err := f.deps.Profiles.UpdateProfile(ctx, f.issuer.ID, issuer.ProfileUpdate{JWTAlg: &alg}); err != nil {
				t.Fatal(err)
			}
			old := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})
			f.chooseDIDWeb(t)
			didCred := f.mustAward(t, badges.AwardInput{Email: "grace@example.org", Name: "Grace"})
			assertIdentity(t, old, testBase+"/issuers/"+f.issuer.ID, testBase+"/issuers/"+f.issuer.ID+"/keys/", testBase+"/status/")
			assertIdentity(t, didCred, f.issuer.DID, f.issuer.DID+"#", testBase+"/issuers/"+f.issuer.ID+"/status-lists/")
			v := f.verifier(t)
			for _, c := range []*issuer.Credential{old, didCred} {
				assertVerdict(t, v, c, verifier.Valid)
			}
			if _, err := f.svc.Revoke(ctx, old.ID, badges.RevokeInput{Reason: "Awarded by mistake."}); err != nil {
				t.Fatal(err)
			}
			assertVerdict(t, v, old, verifier.Invalid)
			assertVerdict(t, v, didCred, verifier.Valid)
			if _, err := f.svc.Revoke(ctx, didCred.ID, badges.RevokeInput{Reason: "Awarded by mistake."}); err != nil {
				t.Fatal(err)
			}
			assertVerdict(t, v, didCred, verifier.Invalid)
		})
	}
}

// TestDIDWeb_HTTPBase answers the https form of an http base's DID
// document: did:web resolves over https only, and a private or test
// install on http must still verify its own credentials.
func TestDIDWeb_HTTPBase(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{})
	urls, err := issuer.NewURLs("http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	f.deps.URLs = urls
	f.urls = urls
	f.svc = issuer.NewService(f.deps)
	f.chooseDIDWeb(t)
	c := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})
	if f.issuer.DID != "did:web:localhost%3A8080:issuers:"+f.issuer.ID {
		t.Fatalf("DID %s", f.issuer.DID)
	}
	for _, u := range []string{"https://localhost:8080/issuers/" + f.issuer.ID + "/did.json", "http://localhost:8080/issuers/" + f.issuer.ID + "/did.json"} {
		if _, _, ok, err := f.svc.Document(context.Background(), u); !ok || err != nil {
			t.Errorf("%s: ok %v, %v", u, ok, err)
		}
	}
	// Only the DID document has an https twin.
	if _, _, ok, _ := f.svc.Document(context.Background(), "https://localhost:8080/issuers/"+f.issuer.ID); ok {
		t.Error("the https twin of the profile URL is answered")
	}
	assertVerdict(t, f.verifier(t), c, verifier.Valid)
}

// verifier is the project's verifier over Laurel's own documents, with no
// network.
func (f *fixture) verifier(t testing.TB) *verifier.Verifier {
	t.Helper()
	v, err := verifier.New(verifier.Options{Loader: mustLoader(t), Local: f.svc})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// assertVerdict verifies both forms of a credential.
func assertVerdict(t *testing.T, v *verifier.Verifier, c *issuer.Credential, want verifier.Verdict) {
	t.Helper()
	for _, data := range [][]byte{c.JSON, []byte(c.JWT)} {
		r, err := v.Verify(context.Background(), verifier.Input{Data: data})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != want {
			b, _ := json.MarshalIndent(r.Checks, "", "  ")
			t.Fatalf("%s %s: verdict %s, want %s\n%s", c.ID, r.Format, r.Verdict, want, b)
		}
	}
}

// assertIdentity checks how a credential names its issuer, keys and list.
func assertIdentity(t *testing.T, c *issuer.Credential, issuerID, keyPrefix, listPrefix string) {
	t.Helper()
	var doc struct {
		Issuer            struct{ ID string }
		CredentialSubject struct {
			Achievement struct{ Creator struct{ ID string } }
		}
		CredentialStatus struct{ StatusListCredential string }
		Proof            []struct{ VerificationMethod string }
	}
	if err := json.Unmarshal(c.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Issuer.ID != issuerID || doc.CredentialSubject.Achievement.Creator.ID != issuerID || len(doc.Proof) != 1 ||
		!strings.HasPrefix(doc.Proof[0].VerificationMethod, keyPrefix+"di-") || !strings.HasPrefix(doc.CredentialStatus.StatusListCredential, listPrefix) {
		t.Errorf("credential %s", c.JSON)
	}
	tok, err := ob3.ParseJWT(c.JWT)
	if err != nil {
		t.Fatal(err)
	}
	if iss, _ := tok.Payload["iss"].(string); iss != issuerID || !strings.HasPrefix(tok.Header.Kid, keyPrefix+"jwt-") {
		t.Errorf("JWT iss %q kid %q, want %s and %sjwt-N", iss, tok.Header.Kid, issuerID, keyPrefix)
	}
}
