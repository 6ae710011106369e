package verifier

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The public validator's Open Badges 2.0 examples and the specification's,
// with the documents they name served from testdata/ob2 (see SOURCES.md).

// ob2ValidatorClock is after every validator example was issued; none of
// their own expiry dates has been reached by it, except the expired ones.
var ob2ValidatorClock = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// ob2SpecClock is while the specification's example assertion is valid.
var ob2SpecClock = time.Date(2017, 1, 15, 0, 0, 0, 0, time.UTC)

// ob2ValidatorDocs serves the validator's assets where its examples name
// them, on example.org by http and https, as the validator's tests do.
func ob2ValidatorDocs(tb testing.TB) map[string][]byte {
	tb.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "ob2", "assets"))
	if err != nil {
		tb.Fatal(err)
	}
	docs := map[string][]byte{}
	for _, e := range entries {
		b := MustRead(tb, "ob2/assets/"+e.Name())
		docs["https://example.org/"+e.Name()], docs["http://example.org/"+e.Name()] = b, b
	}
	return docs
}

// ob2SpecDocs serves the specification's example documents at their ids.
func ob2SpecDocs(tb testing.TB) map[string][]byte {
	tb.Helper()
	return map[string][]byte{
		"https://example.org/robotics-badge.json": MustRead(tb, "ob2/spec/badgeclass.json"),
		"https://example.org/organization.json":   MustRead(tb, "ob2/spec/issuer-profile.json"),
		"https://example.org/publicKey.json":      MustRead(tb, "ob2/spec/cryptographic-key.json"),
		"https://example.org/revocationList.json": MustRead(tb, "ob2/spec/revocation-list.json"),
	}
}

// hostAtID serves an assertion file at the id it gives.
func hostAtID(tb testing.TB, docs map[string][]byte, file string) {
	tb.Helper()
	b := MustRead(tb, file)
	var doc struct{ ID string }
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	docs[doc.ID] = b
}

// TestVerifyOB2_Examples verifies the validator's and the specification's
// Open Badges 2.0 examples. Where the validator says valid, Laurel says
// valid or, when a fetched document gives an id other than its URL on the
// same host, warning: the validator's tests leave warnings out.
func TestVerifyOB2_Examples(t *testing.T) {
	for _, tc := range []struct {
		name, input, hosted string // hosted: served at the assertion's id; "" means the input itself
		spec                bool   // the specification's documents, not the validator's
		want                Verdict
		decisive            string // a check with the verdict's outcome, when not valid
	}{
		{"basic-assertion", "ob2/basic-assertion.json", "", false, Valid, ""},
		{"simple-badge.png", "ob2/simple-badge.png", "ob2/simple-badge.extracted.json", false, Valid, ""},
		{"no public key", "ob2/basic-assertion-no-public-key.json", "", false, Valid, ""},
		{"allowed origins", "ob2/basic-assertion-with-allowed-origins.json", "", false, Warning, ""},
		{"valid startsWith", "ob2/basic-assertion-with-allowed-origins-valid-starts-with.json", "", false, Warning, ""},
		{"valid startsWith list", "ob2/basic-assertion-with-allowed-origins-valid-multiple-starts-with.json", "", false, Warning, ""},
		{"issuer not http", "ob2/warning-issuer-non-http.json", "", false, Warning, ""},
		{"invalid startsWith", "ob2/basic-assertion-with-allowed-origins-invalid-starts-with.json", "", false, Invalid, CheckProof},
		{"invalid startsWith list", "ob2/basic-assertion-with-allowed-origins-invalid-multiple-starts-with.json", "", false, Invalid, CheckProof},
		{"expired", "ob2/basic-assertion-expired.json", "", false, Invalid, CheckDates},
		{"expired before issued", "ob2/basic-assertion-expired-before-issued.json", "", false, Invalid, CheckDates},
		{"issued in the future", "ob2/basic-assertion-in-future.json", "", false, Invalid, CheckDates},
		{"invalid context", "ob2/basic-assertion-invalid-context.json", "", false, Invalid, CheckContext},
		{"invalid type", "ob2/basic-assertion-invalid-type.json", "", false, Invalid, CheckType},
		{"simple.jwt", "ob2/simple.jwt", "-", false, Valid, ""},
		{"not revoked", "ob2/simple-not-revoked.jwt", "-", false, Valid, ""},
		{"revoked in list", "ob2/simple-revoked.jwt", "-", false, Invalid, CheckStatus},
		{"spec hosted", "ob2/spec/assertion.json", "", true, Valid, ""},
		{"spec revoked hosted", "ob2/spec/assertion.json", "ob2/spec/revoked-hosted-assertion.json", true, Invalid, CheckStatus},
		{"spec signed, key does not exist", "ob2/spec/signed-badge.jws", "-", true, Invalid, CheckKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, clock := ob2ValidatorDocs(t), ob2ValidatorClock
			if tc.spec {
				docs, clock = ob2SpecDocs(t), ob2SpecClock
			}
			switch tc.hosted {
			case "":
				hostAtID(t, docs, tc.input)
			case "-":
			default:
				if tc.spec {
					docs["https://example.org/beths-robotics-badge.json"] = MustRead(t, tc.hosted)
				} else {
					hostAtID(t, docs, tc.hosted)
				}
			}
			v := MustVerifier(t, Options{Fetcher: mustDocServer(t, docs), Now: FixedClock(clock)})
			r := MustVerify(t, v, Input{Data: MustRead(t, tc.input)})
			if r.Version != OpenBadges2 || r.Verdict != tc.want {
				dump(t, r)
				t.Fatalf("version %q, verdict %s; want 2.0, %s", r.Version, r.Verdict, tc.want)
			}
			if tc.decisive != "" && !hasOutcome(r, tc.decisive, Fail) {
				dump(t, r)
				t.Fatalf("want the %s check to fail", tc.decisive)
			}
		})
	}
}

// TestVerifyOB2_Report checks what a verified hosted assertion reports:
// its summary, its recipient, and its plain answer.
func TestVerifyOB2_Report(t *testing.T) {
	docs := ob2SpecDocs(t)
	hostAtID(t, docs, "ob2/spec/assertion.json")
	v := MustVerifier(t, Options{Fetcher: mustDocServer(t, docs), Now: FixedClock(ob2SpecClock)})
	r := MustVerify(t, v, Input{URL: "https://example.org/beths-robotics-badge.json"})
	if r.Verdict != Valid || r.Format != "url" || r.RecipientMatched != nil {
		dump(t, r)
		t.Fatal("want a valid report of format url, with no recipient compared")
	}
	s := r.Credential
	want := Summary{ID: "https://example.org/beths-robotics-badge.json", Name: "Awesome Robotics Badge",
		Description: "For doing awesome things with robots that people think is pretty great.", ImageURL: "https://example.org/beths-robot-badge.png",
		AchievementName: "Awesome Robotics Badge", AchievementDescription: "For doing awesome things with robots that people think is pretty great.",
		Criteria: "https://example.org/robotics-badge.html", IssuerID: "https://example.org/organization.json", IssuerName: "An Example Badge Issuer",
		IssuerURL: "https://example.org", RecipientID: "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5", RecipientHashed: true,
		ValidFrom: "2016-12-31T23:59:59Z", ValidUntil: "2017-06-30T23:59:59Z", AwardedDate: "2016-12-31T23:59:59Z"}
	if s != want {
		t.Fatalf("summary\n got %+v\nwant %+v", s, want)
	}
	if p := r.Plain(PlainOptions{}); p.Finding != FindingGenuine || !strings.Contains(p.Headline, "An Example Badge Issuer") {
		t.Fatalf("plain answer %+v", p)
	}
}

// TestVerifyOB2_Recipient compares an e-mail address with the validator's
// hashed recipient (sha256 of nobody@example.org and the salt "deadsea").
func TestVerifyOB2_Recipient(t *testing.T) {
	docs := ob2ValidatorDocs(t)
	hostAtID(t, docs, "ob2/basic-assertion.json")
	v := MustVerifier(t, Options{Fetcher: mustDocServer(t, docs), Now: FixedClock(ob2ValidatorClock)})
	for _, tc := range []struct {
		email   string
		matched bool
		verdict Verdict
	}{
		{"nobody@example.org", true, Valid},
		{" NoBody@Example.org ", true, Valid},
		{"somebody@example.org", false, Invalid},
	} {
		r := MustVerify(t, v, Input{Data: MustRead(t, "ob2/basic-assertion.json"), Email: tc.email})
		if r.RecipientMatched == nil || *r.RecipientMatched != tc.matched || r.Verdict != tc.verdict {
			dump(t, r)
			t.Fatalf("%q: want matched %v, verdict %s", tc.email, tc.matched, tc.verdict)
		}
	}
}

// TestVerifyOB2_Unreachable leaves a verdict unchecked when a document the
// verification needs cannot be fetched, and never invalid for that alone.
func TestVerifyOB2_Unreachable(t *testing.T) {
	for _, tc := range []struct {
		name, missing string // the URL left unserved
		check         string // the check that could not be made
	}{
		{"issuer", "https://example.org/organization.json", CheckFields},
		{"badge class", "https://example.org/robotics-badge.json", CheckFields},
		{"hosted copy", "https://example.org/beths-robotics-badge.json", CheckProof},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs := ob2ValidatorDocs(t)
			hostAtID(t, docs, "ob2/basic-assertion.json")
			delete(docs, tc.missing)
			v := MustVerifier(t, Options{Fetcher: mustDocServer(t, docs), Now: FixedClock(ob2ValidatorClock)})
			r := MustVerify(t, v, Input{Data: MustRead(t, "ob2/basic-assertion.json")})
			if r.Verdict != Unchecked || !hasOutcome(r, tc.check, Unreachable) {
				dump(t, r)
				t.Fatalf("want unchecked, the %s check unreachable", tc.check)
			}
		})
	}
	t.Run("no network", func(t *testing.T) {
		v := MustVerifier(t, Options{Now: FixedClock(ob2ValidatorClock)})
		r, err := v.Verify(context.Background(), Input{Data: MustRead(t, "ob2/simple.jwt")})
		if err != nil || r.Verdict != Unchecked || r.Version != OpenBadges2 {
			dump(t, r)
			t.Fatalf("err %v; want an unchecked 2.0 report", err)
		}
	})
}
