package verifier

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// TestVerify_TooLargeToCanonicalize: a credential with 20,000 alignments,
// each a blank node, is refused by the size limit before any JSON-LD work,
// and the report names the limit.
func TestVerify_TooLargeToCanonicalize(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgEdDSA, laurelNow)
	doc := li.unsigned("ada@example.org", activeIndex, time.Time{})
	alignments := make([]any, 20000)
	for i := range alignments {
		alignments[i] = map[string]any{"type": []any{"Alignment"}, "targetName": fmt.Sprint("Skill ", i),
			"targetUrl": fmt.Sprintf("https://skills.example.org/%d", i)}
	}
	doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["alignment"] = alignments
	doc["proof"] = []any{map[string]any{"type": ob3.ProofTypeDataIntegrity, "cryptosuite": ob3.CryptosuiteEdDSARDFC,
		"created": "2026-10-31T12:00:00Z", "proofPurpose": ob3.ProofPurposeAssertion,
		"verificationMethod": li.urls.Key(li.profile.ID, li.diKey.ID), "proofValue": "z" + strings.Repeat("2", 86)}}
	v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
	r := MustVerify(t, v, Input{Data: []byte(mustJSON(t, doc))})
	want := fmt.Sprintf("document too large: it has more than %d JSON values", ob3.MaxCanonicalValues)
	for _, c := range findChecks(r, CheckProof) {
		if c.Outcome == Fail && strings.Contains(c.Message, want) {
			return
		}
	}
	dump(t, r)
	t.Fatalf("no failed proof check saying %q", want)
}

// TestVerify_Stopped: once the verification's context ends, the embedded
// proof is left unverified, said so, and the credential is not valid.
func TestVerify_Stopped(t *testing.T) {
	li := MustLaurelIssuer(t, issuer.AlgEdDSA, laurelNow)
	cred, _ := li.credential("ada@example.org", activeIndex, time.Time{})
	v := MustVerifier(t, Options{Local: li, Now: FixedClock(laurelNow)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := v.Verify(ctx, Input{Data: cred})
	if err != nil {
		t.Fatal(err)
	}
	proofs := findChecks(r, CheckProof)
	if r.Verdict != Invalid || len(proofs) != 2 || proofs[0].Outcome != Warn || !strings.Contains(proofs[0].Message, "verification was stopped before it finished") ||
		proofs[1].Outcome != Fail {
		dump(t, r)
		t.Fatal("want the proof left unverified as stopped, and the credential invalid")
	}
}
