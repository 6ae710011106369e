package verifier

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// closedPort is an address on this machine where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// nowhereFetcher sends every request to addr, whatever its URL's host:
// with loopback allowed a closed port refuses the connection; without it
// the address itself is refused.
func nowhereFetcher(addr string, allowLoopback bool) *Fetcher {
	return NewFetcher(FetcherOptions{AllowLoopback: allowLoopback, Timeout: 2 * time.Second, Rewrite: func(u *url.URL) {
		u.Scheme, u.Host = "http", addr
	}})
}

// signAs signs doc with priv as the verification method vm, with an
// eddsa-rdfc-2022 proof, and returns it with the proof.
func signAs(t *testing.T, doc map[string]any, priv ed25519.PrivateKey, vm string) map[string]any {
	t.Helper()
	unsigned := unsecured(doc)
	proof, err := MustLoader(t).SignEdDSARDFC2022(context.Background(), unsigned, priv, ob3.Proof{
		Type: ob3.ProofTypeDataIntegrity, Cryptosuite: ob3.CryptosuiteEdDSARDFC, Created: laurelNow.Format(time.RFC3339),
		VerificationMethod: vm, ProofPurpose: ob3.ProofPurposeAssertion})
	if err != nil {
		t.Fatal(err)
	}
	unsigned["proof"] = []any{toMap(t, proof)}
	return unsigned
}

// TestVerify_Unreachable: a check that needs a document that could not be
// fetched is Unreachable and the credential "could not be checked"; a
// document that was fetched but is wrong still fails it.
func TestVerify_Unreachable(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgES256, laurelNow)
	issuerURL := li.urls.Issuer(li.profile.ID)
	diKey, jwtKey := li.urls.Key(li.profile.ID, li.diKey.ID), li.urls.Key(li.profile.ID, li.jwtKey.ID)
	listURL := li.urls.StatusList(li.profile.ID, 0)
	credJSON, credJWT := li.credential("ada@example.org", activeIndex, time.Time{})
	keyHeadline := "Could not be checked — the issuer's key at badges.example.org could not be reached"

	// A credential of a did:web issuer, and one whose key document lives
	// on another host than the controller it names.
	didWeb := li.unsigned("ada@example.org", activeIndex, time.Time{})
	didWeb["issuer"].(map[string]any)["id"] = "did:web:issuer.example.net"
	didWebJSON := []byte(mustJSON(t, signAs(t, didWeb, li.diPriv, "did:web:issuer.example.net#key-1")))
	elsewhere := "https://keys.example.net/k1"
	elsewhereJSON := []byte(mustJSON(t, signAs(t, li.unsigned("ada@example.org", activeIndex, time.Time{}), li.diPriv, elsewhere)))

	for _, tc := range []struct {
		name     string
		in       []byte
		drop     []string // documents the issuer no longer answers locally
		add      map[string]string
		loopback bool
		verdict  Verdict
		check    string
		outcome  Outcome
		headline string
	}{
		{name: "key host down/json", in: credJSON, drop: []string{diKey}, loopback: true,
			verdict: Unchecked, check: CheckKey, outcome: Unreachable, headline: keyHeadline},
		{name: "key host down/jwt", in: []byte(credJWT), drop: []string{jwtKey, diKey}, loopback: true,
			verdict: Unchecked, check: CheckKey, outcome: Unreachable, headline: keyHeadline},
		{name: "key address refused", in: credJSON, drop: []string{diKey},
			verdict: Unchecked, check: CheckKey, outcome: Unreachable, headline: keyHeadline},
		{name: "did:web document down", in: didWebJSON, loopback: true,
			verdict: Unchecked, check: CheckKey, outcome: Unreachable, headline: "Could not be checked — the issuer's key at issuer.example.net could not be reached"},
		{name: "controller document down", in: elsewhereJSON, drop: []string{issuerURL}, loopback: true,
			add:     map[string]string{elsewhere: `{"id":"` + elsewhere + `","type":"Multikey","controller":"` + issuerURL + `","publicKeyMultibase":"` + ob3.EncodeMultikeyEd25519(li.diPriv.Public().(ed25519.PublicKey)) + `"}`},
			verdict: Unchecked, check: CheckKey, outcome: Unreachable, headline: keyHeadline},
		{name: "status list down", in: credJSON, drop: []string{listURL}, loopback: true,
			verdict: Unchecked, check: CheckStatus, outcome: Unreachable, headline: "Could not be checked — the status list at badges.example.org could not be reached"},
		{name: "status list's key down", in: []byte(credJWT), drop: []string{diKey}, loopback: true,
			verdict: Unchecked, check: CheckStatus, outcome: Unreachable, headline: keyHeadline},
		{name: "key fetched but malformed", in: credJSON, add: map[string]string{diKey: "not a key"}, loopback: true,
			verdict: Invalid, check: CheckKey, outcome: Fail, headline: "Not verified: its signature could not be checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs := &laurelIssuer{docs: map[string]localDoc{}}
			for u, d := range li.docs {
				docs.docs[u] = d
			}
			for _, u := range tc.drop {
				delete(docs.docs, u)
			}
			for u, body := range tc.add {
				docs.docs[u] = localDoc{body: []byte(body), mediaType: "application/ld+json"}
			}
			v := MustVerifier(t, Options{Local: docs, Fetcher: nowhereFetcher(closedPort(t), tc.loopback), Now: FixedClock(laurelNow)})
			r := MustVerify(t, v, Input{Data: tc.in})
			if r.Verdict != tc.verdict || !hasOutcome(r, tc.check, tc.outcome) || r.Version != OpenBadges3 {
				dump(t, r)
				t.Fatalf("verdict %s, version %q; want %s with a %s %s check, version 3.0", r.Verdict, r.Version, tc.verdict, tc.outcome, tc.check)
			}
			if p := r.Plain(PlainOptions{Checked: laurelNow}); p.Headline != tc.headline || p.Finding.Trusted() {
				t.Fatalf("plain %+v, want the headline %q and content not trusted", p, tc.headline)
			}
		})
	}
}

// TestVerify_FragmentKey: when a verification method URL cannot be fetched
// but its fragment is an Ed25519 Multikey, the signature is checked with
// it: a bad signature is not valid; a good one still leaves the credential
// unchecked, never valid.
func TestVerify_FragmentKey(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgEdDSA, laurelNow)
	pub := li.diPriv.Public().(ed25519.PublicKey)
	vm := "https://keys.example.net/keys#" + ob3.EncodeMultikeyEd25519(pub)
	_, other, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	good := signAs(t, li.unsigned("ada@example.org", activeIndex, time.Time{}), li.diPriv, vm)
	tampered := signAs(t, li.unsigned("ada@example.org", activeIndex, time.Time{}), li.diPriv, vm)
	tampered["name"] = "Session Master"
	otherKey := signAs(t, li.unsigned("ada@example.org", activeIndex, time.Time{}), other, vm)
	for _, tc := range []struct {
		name     string
		doc      map[string]any
		verdict  Verdict
		proof    Outcome
		headline string
	}{
		{"good signature", good, Unchecked, Unreachable, "Could not be checked — " + unconfirmedKey},
		{"tampered", tampered, Invalid, Fail, "Not genuine: the signature does not match its contents"},
		{"signed by another key", otherKey, Invalid, Fail, "Not genuine: the signature does not match its contents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := MustVerifier(t, Options{Local: li, Fetcher: nowhereFetcher(closedPort(t), true), Now: FixedClock(laurelNow)})
			r := MustVerify(t, v, Input{Data: []byte(mustJSON(t, tc.doc))})
			keys := findChecks(r, CheckKey)
			if r.Verdict != tc.verdict || !hasOutcome(r, CheckProof, tc.proof) || len(keys) != 1 || keys[0].Outcome != Unreachable {
				dump(t, r)
				t.Fatalf("verdict %s; want %s, an unreachable key check and a %s proof check", r.Verdict, tc.verdict, tc.proof)
			}
			if tc.verdict == Unchecked && !strings.Contains(keys[0].Message, unconfirmedKey) {
				t.Errorf("key check %q does not say %q", keys[0].Message, unconfirmedKey)
			}
			if p := r.Plain(PlainOptions{}); p.Headline != tc.headline {
				t.Errorf("headline %q, want %q", p.Headline, tc.headline)
			}
		})
	}
}

// TestVerify_UnreachableSecondProof: one verified proof is enough; another
// proof whose key could not be fetched is only a warning.
func TestVerify_UnreachableSecondProof(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgEdDSA, laurelNow)
	doc := li.unsigned("ada@example.org", activeIndex, time.Time{})
	first := signAs(t, doc, li.diPriv, li.urls.Key(li.profile.ID, li.diKey.ID))
	second := signAs(t, doc, li.diPriv, "https://keys.example.net/k2")
	first["proof"] = append(first["proof"].([]any), second["proof"].([]any)...)
	v := MustVerifier(t, Options{Local: li, Fetcher: nowhereFetcher(closedPort(t), true), Now: FixedClock(laurelNow)})
	r := MustVerify(t, v, Input{Data: []byte(mustJSON(t, first))})
	if r.Verdict != Warning || hasOutcome(r, CheckKey, Unreachable) || !hasOutcome(r, CheckKey, Warn) {
		dump(t, r)
		t.Fatalf("verdict %s; want warning, the second proof's key a warning", r.Verdict)
	}
}

// TestVerify_UnreachableInputURL: a credential URL that could not be
// fetched is bad input that says so.
func TestVerify_UnreachableInputURL(t *testing.T) {
	v := MustVerifier(t, Options{Fetcher: nowhereFetcher(closedPort(t), true)})
	_, err := v.Verify(t.Context(), Input{URL: "https://badges.example.org/credentials/1"})
	if err == nil || !strings.Contains(err.Error(), "could not be fetched") {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v; want it to match ErrUnreachable", err)
	}
}

// TestEndorsements_Unchecked: an endorsement whose key could not be
// fetched is a warning on the credential that says so, never "verified".
func TestEndorsements_Unchecked(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgRS256, laurelNow)
	endorsement, _ := endorsementBy(t, li, "A well-run community.")
	docs := &laurelIssuer{docs: map[string]localDoc{}}
	for u, d := range li.docs {
		if u != li.urls.Key(li.profile.ID, li.diKey.ID) {
			docs.docs[u] = d
		}
	}
	v := MustVerifier(t, Options{Local: docs, Fetcher: nowhereFetcher(closedPort(t), true), Now: FixedClock(laurelNow)})
	r := &Report{}
	(&run{Verifier: v}).checkEndorsements(t.Context(), r, map[string]any{"endorsement": []any{endorsement}})
	got := findChecks(r, CheckEndorsements)
	if len(got) != 1 || got[0].Outcome != Warn || !strings.Contains(got[0].Message, "could not be checked") {
		dump(t, r)
		t.Fatal("want one endorsements warning saying the endorsement could not be checked")
	}
}
