package verifier

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

func TestStatusIndex(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want int
		ok   bool
	}{
		{"string", "23", 23, true},
		{"number", float64(23), 23, true},
		{"json.Number", json.Number("7"), 7, true},
		{"zero", "0", 0, true},
		{"negative", "-1", 0, false},
		{"leading zero", "023", 0, false},
		{"fraction", 2.5, 0, false},
		{"huge", 1e12, 0, false},
		{"not a number", "x", 0, false},
		{"missing", nil, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := statusIndex(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("statusIndex = %d, %v; want %d, ok %v", got, err, tc.want, tc.ok)
			}
		})
	}
}

// TestStatusList_Testlist reads the validator's status list: 131,072 bits,
// only bit 23 set.
func TestStatusList_Testlist(t *testing.T) {
	var list map[string]any
	if err := json.Unmarshal(MustRead(t, "validator/bit-string-list/testlist"), &list); err != nil {
		t.Fatal(err)
	}
	bits, err := ob3.DecodeBitstring(str(obj(list, "credentialSubject"), "encodedList"))
	if err != nil {
		t.Fatal(err)
	}
	if bits.Len() != 131072 {
		t.Fatalf("%d bits", bits.Len())
	}
	for i := range bits.Len() {
		if set, _ := bits.Get(i); set != (i == 23) {
			t.Fatalf("bit %d is %v", i, set)
		}
	}
}

// TestStatus_Outcomes: a list that cannot be read warns; a revoked entry
// fails; a malformed entry fails.
func TestStatus_Outcomes(t *testing.T) {
	li := MustLaurelIssuer(t, "RS256", laurelNow)
	li.publishStatusList(revokedIndex)
	listURL := li.urls.StatusList(li.profile.ID, 0)
	entry := func(index any, list string) map[string]any {
		return map[string]any{"type": statusBitstring, "statusPurpose": "revocation", "statusListIndex": index, "statusListCredential": list}
	}
	for _, tc := range []struct {
		name    string
		status  any
		outcome Outcome
		say     string
	}{
		{"OK/clear", entry("5", listURL), Pass, "is clear"},
		{"revoked", entry(float64(revokedIndex), listURL), Fail, "has been revoked"},
		{"outside the list", entry("200000", listURL), Fail, "outside"},
		{"malformed index", entry("five", listURL), Fail, "malformed"},
		{"list not reachable", entry("5", "https://elsewhere.example/list"), Warn, "Could not fetch"},
		{"revocation list not reachable", map[string]any{"type": statusRevocationList, "id": "https://elsewhere.example/rl"}, Warn, "Could not fetch"},
		{"unknown type", map[string]any{"type": "SomeStatus"}, Warn, "not checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
			r := &Report{}
			(&run{Verifier: v}).checkStatus(t.Context(), r, map[string]any{"issuer": li.urls.Issuer(li.profile.ID), "credentialStatus": tc.status})
			got := findChecks(r, CheckStatus)
			if len(got) != 1 || got[0].Outcome != tc.outcome || !strings.Contains(got[0].Message, tc.say) {
				dump(t, r)
				t.Fatalf("want one %s status check saying %q", tc.outcome, tc.say)
			}
		})
	}
}

// TestStatus_UntrustedList warns when the list is signed by someone else.
func TestStatus_UntrustedList(t *testing.T) {
	li := MustLaurelIssuer(t, "RS256", laurelNow)
	v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
	r := &Report{}
	doc := map[string]any{"issuer": "https://other.example/issuer", "credentialStatus": map[string]any{
		"type": statusBitstring, "statusPurpose": "revocation", "statusListIndex": "1",
		"statusListCredential": li.urls.StatusList(li.profile.ID, 0)}}
	(&run{Verifier: v}).checkStatus(t.Context(), r, doc)
	if !hasOutcome(r, CheckStatus, Warn) || !hasOutcome(r, CheckStatus, Pass) {
		dump(t, r)
		t.Fatal("want a warning about the list's issuer beside the clear entry")
	}
}

func TestDates(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		doc     map[string]any
		outcome Outcome
		say     string
	}{
		{"OK/open ended", map[string]any{"validFrom": "2026-01-01T00:00:00Z"}, Pass, "no end date"},
		{"OK/bounded", map[string]any{"validFrom": "2026-01-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z"}, Pass, "until"},
		{"OK/VC 1.1 names", map[string]any{"issuanceDate": "2026-01-01T00:00:00Z", "expirationDate": "2027-01-01T00:00:00Z"}, Pass, "until"},
		{"OK/no zone", map[string]any{"validFrom": "2026-01-01T00:00:00"}, Pass, "no end date"},
		{"not yet valid", map[string]any{"validFrom": "2026-07-01T00:00:00Z"}, Fail, "Not yet valid"},
		{"expired", map[string]any{"validFrom": "2025-01-01T00:00:00Z", "validUntil": "2026-05-31T00:00:00Z"}, Fail, "Expired"},
		{"VC 1.1 expired", map[string]any{"issuanceDate": "2025-01-01T00:00:00Z", "expirationDate": "2026-05-31T00:00:00Z"}, Fail, "expirationDate"},
		{"bad date", map[string]any{"validFrom": "yesterday"}, Fail, "not a date-time"},
		{"no date", map[string]any{}, Fail, "no validFrom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := MustVerifier(t, Options{Now: FixedClock(now)})
			r := &Report{}
			v.checkDates(r, tc.doc)
			if len(r.Checks) != 1 || r.Checks[0].Outcome != tc.outcome || !strings.Contains(r.Checks[0].Message, tc.say) {
				dump(t, r)
				t.Fatalf("want one %s dates check saying %q", tc.outcome, tc.say)
			}
		})
	}
}

// TestVerify_Suspended: a credential whose bit is set in its suspension
// list is reported suspended and not valid, and not as revoked.
func TestVerify_Suspended(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgEdDSA, laurelNow)
	const index = 77
	for _, tc := range []struct {
		name      string
		set       []int
		verdict   Verdict
		outcome   Outcome
		say       string
		suspended bool
	}{
		{"OK/bit clear", nil, Valid, Pass, "Not suspended: entry 77", false},
		{"bit set", []int{index}, Invalid, Fail, "The credential has been suspended: entry 77", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			listURL := li.publishList(1, "suspension", tc.set...)
			doc := li.unsigned("ada@example.org", index, time.Time{})
			doc["credentialStatus"] = map[string]any{"id": listURL + "#77", "type": statusBitstring, "statusPurpose": "suspension",
				"statusListIndex": "77", "statusListCredential": listURL}
			v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
			r := MustVerify(t, v, Input{Data: li.signDI(doc)})
			got := findChecks(r, CheckStatus)
			if r.Verdict != tc.verdict || len(got) != 1 || got[0].Outcome != tc.outcome || !strings.Contains(got[0].Message, tc.say) || r.Credential.Revoked {
				dump(t, r)
				t.Fatalf("verdict %s; want %s with one %s status check saying %q, not revoked", r.Verdict, tc.verdict, tc.outcome, tc.say)
			}
		})
	}
}

// TestVerify_StatusListProofFails: a status list whose own proof does not
// verify cannot clear a credential: the status check fails, whatever its
// bits say, and no other warning stands in for it.
func TestVerify_StatusListProofFails(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgEdDSA, laurelNow)
	li.publishStatusList(revokedIndex)
	listURL := li.urls.StatusList(li.profile.ID, 0)
	signed := li.docs[listURL]
	// The revoked bit cleared in transit: the list no longer matches its
	// proof.
	var list map[string]any
	if err := json.Unmarshal(signed.body, &list); err != nil {
		t.Fatal(err)
	}
	cleared, err := ob3.NewBitstring(ob3.StatusListSize).Encode()
	if err != nil {
		t.Fatal(err)
	}
	list["credentialSubject"].(map[string]any)["encodedList"] = cleared
	li.put(listURL, list, signed.mediaType)

	v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
	cred, _ := li.credential("ada@example.org", revokedIndex, time.Time{})
	r := MustVerify(t, v, Input{Data: cred})
	got := findChecks(r, CheckStatus)
	if r.Verdict != Invalid || len(got) != 1 || got[0].Outcome != Fail ||
		!strings.Contains(got[0].Message, "cannot be trusted, since its proof does not verify") || !strings.Contains(got[0].Message, "signature does not verify") {
		dump(t, r)
		t.Fatal("want one failed status check saying the list's proof does not verify")
	}
	if f := failures(r); len(f) != 1 {
		dump(t, r)
		t.Fatalf("%d failed checks; only the status check may fail", len(f))
	}
}

// stoppingDocuments serves an issuer's documents and stops the verification
// (cancels its context) when the given URL is asked for, as a timeout would
// part-way through a check.
type stoppingDocuments struct {
	*laurelIssuer
	at   string
	stop context.CancelFunc
}

func (d stoppingDocuments) Document(ctx context.Context, url string) ([]byte, string, bool, error) {
	if url == d.at {
		d.stop()
	}
	return d.laurelIssuer.Document(ctx, url)
}

// TestStatus_StoppedDuringListProof: a verification stopped while the
// status list's own proof is checked leaves the status unknown, a warning,
// and does not fail the list's proof.
func TestStatus_StoppedDuringListProof(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgEdDSA, laurelNow)
	listURL := li.urls.StatusList(li.profile.ID, 0)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	docs := stoppingDocuments{laurelIssuer: li, at: li.urls.Key(li.profile.ID, li.diKey.ID), stop: cancel}
	v := MustVerifier(t, Options{Local: docs, Now: FixedClock(laurelNow)})
	r := &Report{}
	(&run{Verifier: v}).checkStatus(ctx, r, map[string]any{"issuer": li.urls.Issuer(li.profile.ID), "credentialStatus": map[string]any{
		"type": statusBitstring, "statusPurpose": "revocation", "statusListIndex": "5", "statusListCredential": listURL}})
	got := findChecks(r, CheckStatus)
	if len(got) != 1 || got[0].Outcome != Warn || !strings.Contains(got[0].Message, "was not checked, since the verification was stopped") {
		dump(t, r)
		t.Fatal("want one status warning saying the list's proof was not checked")
	}
	if v.lists.len() != 0 {
		t.Fatal("an unchecked list's answer was kept")
	}
}
