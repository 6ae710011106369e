package verifier

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// legacyCheck is one check a report must hold, by id, outcome and words.
type legacyCheck struct {
	id      string
	outcome Outcome
	say     string
}

// TestVerify_Ed25519Signature2020 pins, check by check, what the verifier
// makes of legacy Ed25519Signature2020 proofs: which key and proof checks
// pass or fail and why, and that nothing else fails.
func TestVerify_Ed25519Signature2020(t *testing.T) {
	_, f := MustHostServer(t, conformanceHosts)
	v := MustVerifier(t, Options{Fetcher: f, Now: FixedClock(conformanceClock)})
	simple := func(change func(doc, proof map[string]any)) []byte {
		var doc map[string]any
		if err := json.Unmarshal(MustRead(t, "validator/simple_v1.json"), &doc); err != nil {
			t.Fatal(err)
		}
		change(doc, doc["proof"].([]any)[0].(map[string]any))
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const key = "key https://example.com/issuers/876543#z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv from the controller document https://example.com/issuers/876543"
	for _, tc := range []struct {
		name    string
		data    []byte
		verdict Verdict
		want    []legacyCheck // in report order; the failed checks are exactly those listed as failing
	}{
		{"OK/simple_v1.json", MustRead(t, "validator/simple_v1.json"), Warning, []legacyCheck{
			{CheckContext, Warn, "VC 1.1"},
			{CheckKey, Pass, key},
			{CheckProof, Pass, "Proof 1 of 1 (Ed25519Signature2020): verified (a legacy proof format)."}}},
		{"name changed", simple(func(doc, _ map[string]any) { doc["name"] = "Teamwork Badges" }), Invalid, []legacyCheck{
			{CheckKey, Pass, key},
			{CheckProof, Fail, "Proof 1 of 1 (Ed25519Signature2020): the signature does not verify."}}},
		{"proof options changed", simple(func(_, proof map[string]any) { proof["created"] = "2022-11-17T18:54:22Z" }), Invalid, []legacyCheck{
			{CheckKey, Pass, key},
			{CheckProof, Fail, "the signature does not verify"}}},
		{"signature too short", simple(func(_, proof map[string]any) { proof["proofValue"] = "z5gJZKchSJEYPGeq6bsqiLKuxT6mX" }), Invalid, []legacyCheck{
			{CheckKey, Pass, key},
			{CheckProof, Fail, "the proofValue is not a 64-byte signature"}}},
		{"not base58btc", simple(func(_, proof map[string]any) { proof["proofValue"] = "u" + strings.Repeat("A", 86) }), Invalid, []legacyCheck{
			{CheckKey, Pass, key},
			{CheckProof, Fail, "the proofValue is not a base58btc signature"}}},
		{"key listed nowhere", simple(func(_, proof map[string]any) {
			proof["verificationMethod"] = "https://example.com/issuers/876543#key-9"
		}), Invalid, []legacyCheck{
			{CheckKey, Fail, "does not list the key https://example.com/issuers/876543#key-9"},
			{CheckProof, Fail, "Proof 1 of 1 (Ed25519Signature2020): not verified, since its key cannot be used."}}},
		{"endorsement-err-schema-status-refresh.json", MustRead(t, "validator/endorsement-err-schema-status-refresh.json"), Invalid, []legacyCheck{
			{CheckKey, Pass, "from the controller document https://state.gov/issuers/565049"},
			{CheckProof, Fail, "Proof 1 of 1 (Ed25519Signature2020): the signature does not verify."}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := MustVerify(t, v, Input{Data: tc.data})
			if err := matchChecks(r, tc.want); err != nil || r.Verdict != tc.verdict {
				dump(t, r)
				t.Fatalf("verdict %s, want %s: %v", r.Verdict, tc.verdict, err)
			}
		})
	}
}

// matchChecks finds want in r's checks, in order, and makes sure no check
// fails that want does not list as failing.
func matchChecks(r *Report, want []legacyCheck) error {
	next := 0
	for _, c := range r.Checks {
		if next < len(want) && c.ID == want[next].id && c.Outcome == want[next].outcome && strings.Contains(c.Message, want[next].say) {
			next++
			continue
		}
		if c.Outcome == Fail {
			return fmt.Errorf("unexpected failed check %s: %s", c.ID, c.Message)
		}
		if c.ID == CheckKey || c.ID == CheckProof {
			return fmt.Errorf("unexpected %s check (%s): %s", c.ID, c.Outcome, c.Message)
		}
	}
	if next < len(want) {
		return fmt.Errorf("no %s %s check saying %q", want[next].id, want[next].outcome, want[next].say)
	}
	return nil
}
