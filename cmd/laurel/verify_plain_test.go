package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/verifier"
)

// TestPrintReport_PlainWords: after its verdict, "laurel verify" gives the
// verify page's answer in plain words and the check that decided it.
func TestPrintReport_PlainWords(t *testing.T) {
	no := false
	r := &verifier.Report{Verdict: verifier.Invalid, Format: "jwt", RecipientMatched: &no,
		Credential: verifier.Summary{IssuerName: "Lyon Gophers", ValidFrom: "2026-05-03T10:00:00Z"},
		Checks: []verifier.Check{{ID: verifier.CheckProof, Outcome: verifier.Pass, Message: "Verified."},
			{ID: verifier.CheckRecipient, Outcome: verifier.Fail, Message: "The credential was not issued to this e-mail address."}}}
	var out bytes.Buffer
	printReport(&out, r, time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
	lines := strings.Split(out.String(), "\n")
	want := []string{"NOT VALID (jwt)", "Genuine, but not issued to this address.",
		"The recipient check failed. The credential was not issued to this e-mail address."}
	if len(lines) < 3 || lines[0] != want[0] || lines[1] != want[1] || lines[2] != want[2] {
		t.Fatalf("output:\n%s\nwant it to start with:\n%s", out.String(), strings.Join(want, "\n"))
	}
}
