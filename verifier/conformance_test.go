package verifier

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// conformanceClock is when the conformance test runs: the date of the
// validator snapshot, before complete.json's validUntil (2030).
var conformanceClock = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// conformanceHosts stands in for the network the validator's credentials
// name. The key documents are written for these tests (see
// testdata/SOURCES.md): each lists the key the credential's
// verificationMethod names, as its issuer would publish it.
var conformanceHosts = map[string]string{
	"https://example.com/issuers/876543": "hosts/example.com-issuers-876543.json",
	"https://1edtech.edu/issuers/565049": "hosts/1edtech.edu-issuers-565049.json",
	"https://state.gov/issuers/565049":   "hosts/state.gov-issuers-565049.json",
	"https://dc.1edtech.org/wellspring2022/wellspring-portal/org/da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json":                                                    "hosts/dc.1edtech.org-org-did.json",
	"https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c":                                                 "hosts/dc.1edtech.org-revocations.json",
	"https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist": "validator/bit-string-list/testlist",
}

// conformanceCase is one MANIFEST entry: the verdict to reach and the check
// that must fail (or warn) for it, so the right reason is asserted too.
type conformanceCase struct {
	file    string
	verdict Verdict
	failing string // a check id that must fail; "" when none may
	warning string // a check id that must warn, when the verdict is warning
	format  string
}

// conformanceCases covers every file in testdata/validator/MANIFEST.json.
var conformanceCases = []conformanceCase{
	{file: "simple.json", verdict: Valid, format: "json"},
	{file: "simple.1ob", verdict: Valid, format: "json"},
	// VC 1.1 with an Ed25519Signature2020 proof, which is verified.
	{file: "simple_v1.json", verdict: Warning, warning: CheckContext, format: "json"},
	// did:key with a urn:uuid issuer: the key is the issuer's only identity.
	{file: "simple-did-key-method.json", verdict: Valid, format: "json"},
	// The key is served by the test's stand-in for 1edtech.edu.
	{file: "simple-did-web-method.json", verdict: Valid, format: "json"},
	// "Exactly 1 error" maps to exactly one failed check: the undefined
	// proof type fails while the eddsa-rdfc-2022 proof verifies, and any
	// failed check makes the credential invalid. Asserted in detail below.
	{file: "simple-multiple-proofs.json", verdict: Invalid, failing: CheckProof, format: "json"},
	{file: "simple-context-alias.json", verdict: Valid, format: "json"},
	// The legacy eddsa-2022 cryptosuite is verified; VC 1.1 warns.
	{file: "simple-eddsa-2022.json", verdict: Warning, warning: CheckContext, format: "json"},
	{file: "simple-noproof.json", verdict: Invalid, failing: CheckProof, format: "json"},
	{file: "simple-err-type.json", verdict: Invalid, failing: CheckType, format: "json"},
	{file: "simple-err-context.json", verdict: Invalid, failing: CheckContext, format: "json"},
	{file: "simple-err-proof-method.json", verdict: Invalid, failing: CheckKey, format: "json"},
	{file: "simple-err-proof-method-no-scheme.json", verdict: Invalid, failing: CheckKey, format: "json"},
	{file: "simple-err-proof-method-unknown-scheme.json", verdict: Invalid, failing: CheckKey, format: "json"},
	{file: "simple-err-proof-method-unknown-did-method.json", verdict: Invalid, failing: CheckKey, format: "json"},
	{file: "simple-err-expired.json", verdict: Invalid, failing: CheckDates, format: "json"},
	{file: "simple-err-issued.json", verdict: Invalid, failing: CheckDates, format: "json"},
	{file: "simple-err-issuer.json", verdict: Invalid, failing: CheckSchema, format: "json"},
	{file: "simple-err-credential-subject-type.json", verdict: Invalid, failing: CheckFields, format: "json"},
	{file: "simple-err-credential-subject-identifier-type.json", verdict: Invalid, failing: CheckFields, format: "json"},
	{file: "simple-err-credential-subject-achievement-result-description-type.json", verdict: Invalid, failing: CheckFields, format: "json"},
	{file: "simple-err-credential-subject-profile-type.json", verdict: Invalid, failing: CheckFields, format: "json"},
	{file: "simple-err-evidence-type.json", verdict: Invalid, failing: CheckFields, format: "json"},
	{file: "simple-err-issuer-type.json", verdict: Invalid, failing: CheckFields, format: "json"},
	{file: "simple-err-issuer-otheridentifier-type.json", verdict: Invalid, failing: CheckFields, format: "json"},
	// The real revocation list lives on dc.1edtech.org; offline, the stand-in
	// lists the credential as revoked, as the validator's test expects.
	{file: "credential-status-revoked.json", verdict: Invalid, failing: CheckStatus, format: "json"},
	{file: "bit-string-list/credential-status-revoked.json", verdict: Invalid, failing: CheckStatus, format: "json"},
	// A status list credential, not a badge: as a badge it is invalid. Its
	// bit 23 is asserted by the revoked credential above and TestStatusIndex.
	{file: "bit-string-list/testlist", verdict: Invalid, failing: CheckType, format: "json"},
	{file: "simple-jwt.png", verdict: Valid, format: "png"},
	// VC 1.1 vc claim, an older context and an unknown ("any") schema.
	{file: "simple-jwt_v1.png", verdict: Warning, warning: CheckJWTClaims, format: "png"},
	{file: "simple-json.svg", verdict: Valid, format: "svg"},
	{file: "simple-jwt.svg", verdict: Valid, format: "svg"},
	{file: "simple-jwt.extracted.jwt", verdict: Valid, format: "jwt"},
	{file: "simple-jwt_v1.extracted.jwt", verdict: Warning, warning: CheckJWTClaims, format: "jwt"},
	// The validator lists it as valid, but the token names no key at all (no
	// kid, no jwk header): nothing can check its signature, so it fails.
	{file: "simple.jwt", verdict: Invalid, failing: CheckKey, format: "jwt"},
	// The kid is a did:velocity DID, a method nobody outside Velocity resolves.
	{file: "velocity.jwt", verdict: Invalid, failing: CheckKey, format: "jwt"},
	// The validator fails it on 404 schema URLs in its endorsements; schemas
	// are never fetched here, so those are warnings, as are the unreachable
	// revocation list, the refresh service and the endorsements' bogus proofs.
	{file: "complete.json", verdict: Warning, warning: CheckEndorsements, format: "json"},
	// Expired in 2020, and its key (#key-1) is published nowhere.
	{file: "complete_v1.json", verdict: Invalid, failing: CheckDates, format: "json"},
	// Its Ed25519Signature2020 signature does not verify with the key its
	// verificationMethod names, served by the stand-in for state.gov.
	{file: "endorsement-err-schema-status-refresh.json", verdict: Invalid, failing: CheckProof, format: "json"},
	// ecdsa-sd-2023 derived proof, verified with the P-256 key.
	{file: "sd/derivedcredential.json", verdict: Valid, format: "json"},
}

// TestConformance verifies every resource of the public validator's test
// suite and expects the validator's verdicts (or, where stated, the best
// verdict that can be reached offline).
func TestConformance(t *testing.T) {
	_, f := MustHostServer(t, conformanceHosts)
	v := MustVerifier(t, Options{Fetcher: f, Now: FixedClock(conformanceClock)})
	assertCoversManifest(t, conformanceCases)
	for _, tc := range conformanceCases {
		t.Run(tc.file, func(t *testing.T) {
			r := MustVerify(t, v, Input{Data: MustRead(t, "validator/"+tc.file)})
			if r.Verdict != tc.verdict || r.Format != tc.format {
				dump(t, r)
				t.Fatalf("verdict %s (format %s), want %s (format %s)", r.Verdict, r.Format, tc.verdict, tc.format)
			}
			assertReason(t, r, tc)
		})
	}
}

// assertReason checks that the verdict comes from the expected check.
func assertReason(t *testing.T, r *Report, tc conformanceCase) {
	t.Helper()
	if tc.failing != "" && !hasOutcome(r, tc.failing, Fail) {
		dump(t, r)
		t.Errorf("no failed %q check", tc.failing)
	}
	if tc.warning != "" && !hasOutcome(r, tc.warning, Warn) {
		dump(t, r)
		t.Errorf("no %q warning", tc.warning)
	}
}

func hasOutcome(r *Report, id string, o Outcome) bool {
	for _, c := range findChecks(r, id) {
		if c.Outcome == o {
			return true
		}
	}
	return false
}

// assertCoversManifest fails when the table and MANIFEST.json list
// different files, so that no resource goes unjudged.
func assertCoversManifest(t *testing.T, cases []conformanceCase) {
	t.Helper()
	var manifest struct {
		Files map[string]json.RawMessage `json:"files"`
	}
	if err := json.Unmarshal(MustRead(t, "validator/MANIFEST.json"), &manifest); err != nil {
		t.Fatal(err)
	}
	var inTable []string
	for _, c := range cases {
		inTable = append(inTable, c.file)
		if _, ok := manifest.Files[c.file]; !ok {
			t.Errorf("%s is in the table but not in MANIFEST.json", c.file)
		}
	}
	for f := range manifest.Files {
		if !slices.Contains(inTable, f) {
			t.Errorf("MANIFEST.json lists %s, which the table does not judge", f)
		}
	}
}

// TestConformance_MultipleProofs pins how "exactly one error" is reported:
// one failed check, naming the unknown proof type, beside a verified proof.
func TestConformance_MultipleProofs(t *testing.T) {
	_, f := MustHostServer(t, conformanceHosts)
	v := MustVerifier(t, Options{Fetcher: f, Now: FixedClock(conformanceClock)})
	r := MustVerify(t, v, Input{Data: MustRead(t, "validator/simple-multiple-proofs.json")})
	failed := failures(r)
	if len(failed) != 1 || failed[0].ID != CheckProof || !strings.Contains(failed[0].Message, "SomeProofType") {
		dump(t, r)
		t.Fatalf("want exactly one failed proof check about SomeProofType, got %v", failed)
	}
	if !hasOutcome(r, CheckProof, Pass) {
		t.Error("the eddsa-rdfc-2022 proof was not reported as verified")
	}
}

// TestConformance_Offline runs the suite with no network: every credential
// whose key lives on another host fails its key check, and none is valid
// except those verifiable from their own bytes.
func TestConformance_Offline(t *testing.T) {
	v := MustVerifier(t, Options{Now: FixedClock(conformanceClock)})
	for _, tc := range []struct {
		file    string
		verdict Verdict
	}{
		{"simple.json", Invalid},
		{"simple-did-key-method.json", Valid},
		{"simple-jwt.svg", Valid},
		{"sd/derivedcredential.json", Invalid},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r := MustVerify(t, v, Input{Data: MustRead(t, "validator/"+tc.file)})
			if r.Verdict != tc.verdict {
				dump(t, r)
				t.Fatalf("verdict %s, want %s", r.Verdict, tc.verdict)
			}
		})
	}
}
