package issuer_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// TestService_SignSafeMode: a credential carrying a term its contexts do
// not define is not signed, since JSON-LD would leave that term out of
// what the signature covers; the error names the term and where it is.
func TestService_SignSafeMode(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	credential := func(t *testing.T) map[string]any {
		t.Helper()
		now := time.Now()
		aw := &badges.Award{ID: badges.NewID(), IssuerID: f.issuer.ID, AchievementID: f.ach.ID, AchievementVersion: f.ach.Version,
			MemberID: "member", AwardedAt: now, ValidUntil: f.ach.ValidUntil(now)}
		b, err := json.Marshal(f.urls.OB3Credential(aw, f.ach, f.issuer, "ada@example.org", 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	t.Run("OK/as built", func(t *testing.T) {
		if _, err := f.svc.SignDocument(ctx, f.issuer.ID, credential(t)); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name, term, pointer string
		add                 func(map[string]any)
	}{
		{"top level", "laurelLevel", "/laurelLevel", func(d map[string]any) { d["laurelLevel"] = "gold" }},
		{"in the achievement", "laurelScore", "/credentialSubject/achievement/laurelScore", func(d map[string]any) {
			d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["laurelScore"] = 5
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := credential(t)
			tc.add(d)
			signed, err := f.svc.SignDocument(ctx, f.issuer.ID, d)
			var sm *ob3.SafeModeError
			if !errors.Is(err, ob3.ErrUndefinedTerm) || !errors.As(err, &sm) || sm.Term != tc.term || sm.Pointer != tc.pointer || signed != nil {
				t.Fatalf("sign: %v (%d bytes); want the undefined term %q at %s", err, len(signed), tc.term, tc.pointer)
			}
		})
	}
}
