package verifier

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestVerifier_RememberedTokens verifies one VC-JWT again and again: the
// token is read once, but every verification still checks its dates (a
// later clock finds it expired), its signature (a tampered token fails)
// and its status, and no verification changes what is remembered.
func TestVerifier_RememberedTokens(t *testing.T) {
	li := MustLaurelIssuer(t, "RS256", laurelNow)
	now := laurelNow
	v := MustVerifier(t, Options{Local: li, Now: func() time.Time { return now }})
	until := laurelNow.Add(24 * time.Hour)
	_, token := li.credential("ada@example.org", activeIndex, until)
	li.publishStatusList()

	if r := MustVerify(t, v, Input{Data: []byte(token)}); r.Verdict != Valid {
		dump(t, r)
		t.Fatalf("first verification: %s", r.Verdict)
	}
	c, ok := v.tokens.get([]byte(token))
	if !ok {
		t.Fatal("the token was not remembered")
	}
	before := snapshot(t, c)

	now = until.Add(time.Hour)
	if r := MustVerify(t, v, Input{Data: []byte(token)}); r.Verdict != Invalid {
		t.Errorf("verified after it expired: %s", r.Verdict)
	}
	now = laurelNow
	li.publishStatusList(activeIndex)
	if r := MustVerify(t, v, Input{Data: []byte(token)}); r.Verdict != Invalid || !r.Credential.Revoked {
		t.Errorf("verified after it was revoked: %s", r.Verdict)
	}
	li.publishStatusList()
	if r := MustVerify(t, v, Input{Data: []byte(tamperJWT(t, token))}); r.Verdict != Invalid {
		t.Errorf("a tampered token verified: %s", r.Verdict)
	}
	if r := MustVerify(t, v, Input{Data: []byte(token)}); r.Verdict != Valid {
		dump(t, r)
		t.Errorf("verified again: %s", r.Verdict)
	}
	if after := snapshot(t, c); after != before {
		t.Errorf("verifying changed the remembered token:\nbefore %s\nafter  %s", before, after)
	}
	if again, _ := v.tokens.get([]byte(token)); !reflect.DeepEqual(again, c) {
		t.Error("the remembered token was replaced")
	}
}

func snapshot(t *testing.T, c *credential) string {
	t.Helper()
	b, err := json.Marshal([]any{c.doc, c.jwt.Payload, c.jwt.Header, string(c.raw), c.jwt.Signature})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
