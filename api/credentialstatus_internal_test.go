package api

import (
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// TestCredentialView_StatusUnchecked: a badge page whose credential could
// not be checked says so, and offers no sharing, rather than calling it
// invalid for no reason.
func TestCredentialView_StatusUnchecked(t *testing.T) {
	rep := &verifier.Report{Verdict: verifier.Unchecked, Checks: []verifier.Check{
		{ID: verifier.CheckProof, Outcome: verifier.Pass, Message: "Verified."},
		{ID: verifier.CheckStatus, Outcome: verifier.Unreachable, Message: "Could not fetch the status list https://example.org/status/1."}}}
	v := &credentialView{shownCredential: &shownCredential{Credential: &issuer.Credential{}}, report: rep, at: time.Now()}
	st := v.status()
	if st.Label != "Not checked" || st.Headline != "Could not be checked" || st.live() ||
		!strings.Contains(st.Text, "could not be checked just now: Could not fetch the status list https://example.org/status/1. Try again later.") {
		t.Fatalf("status %+v", st)
	}
}
