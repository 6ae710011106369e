package issuer_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

const holderDID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

// TestService_IssueToHolder issues a credential again to a wallet's
// holder: a fresh, verifiable copy with the holder as subject and the
// original's status entry, the same copy when asked again (even at once),
// kept in the member's list; never for a revoked credential.
func TestService_IssueToHolder(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	c := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})

	copies := make([]*issuer.HolderCopy, 4)
	var wg sync.WaitGroup
	for i := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc, err := f.svc.IssueToHolder(ctx, c.ID, holderDID)
			if err != nil {
				t.Errorf("IssueToHolder: %v", err)
				return
			}
			copies[i] = hc
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	hc := copies[0]
	for _, other := range copies[1:] {
		if other.ID != hc.ID || other.JWT != hc.JWT {
			t.Fatalf("two requests for one holder made two copies: %s and %s", hc.ID, other.ID)
		}
	}
	if !badges.ValidID(hc.ID) || hc.CredentialID != c.ID || hc.MemberID != c.MemberID || hc.Holder != holderDID {
		t.Fatalf("copy %+v", hc)
	}

	var orig, doc map[string]any
	if err := json.Unmarshal(c.JSON, &orig); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(hc.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	subject := doc["credentialSubject"].(map[string]any)
	if doc["id"] != testBase+"/credentials/"+c.ID+"/copies/"+hc.ID || subject["id"] != holderDID {
		t.Fatalf("copy id %v, subject %v", doc["id"], subject["id"])
	}
	if subject["identifier"] == nil {
		t.Fatal("the copy lost the hashed e-mail identifier")
	}
	if s, o := mustJSON(t, doc["credentialStatus"]), mustJSON(t, orig["credentialStatus"]); s != o {
		t.Fatalf("status entry %s, want the original's %s", s, o)
	}
	if doc["validFrom"] != orig["validFrom"] || doc["awardedDate"] != orig["awardedDate"] {
		t.Fatalf("dates %v/%v, want the original's %v/%v", doc["validFrom"], doc["awardedDate"], orig["validFrom"], orig["awardedDate"])
	}
	diErr, jwtErr := f.verify(t, &issuer.Credential{JSON: hc.JSON, JWT: hc.JWT})
	if diErr != nil || jwtErr != nil {
		t.Fatalf("the copy does not verify: data integrity %v, JWT %v", diErr, jwtErr)
	}
	parsed, err := ob3.ParseJWT(hc.JWT)
	if err != nil {
		t.Fatal(err)
	}
	if sub, _ := parsed.Payload["sub"].(string); sub != holderDID {
		t.Fatalf("JWT sub = %q, want the holder", sub)
	}

	listed, err := f.deps.HolderCopies.MemberHolderCopies(ctx, c.MemberID)
	if err != nil || len(listed) != 1 || listed[0].ID != hc.ID || listed[0].Holder != holderDID {
		t.Fatalf("member's copies = %+v, %v", listed, err)
	}
	other, err := f.svc.IssueToHolder(ctx, c.ID, "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH")
	if err != nil || other.ID == hc.ID {
		t.Fatalf("a second holder: %+v, %v", other, err)
	}
	if listed, _ := f.deps.HolderCopies.MemberHolderCopies(ctx, c.MemberID); len(listed) != 2 || listed[0].ID != other.ID {
		t.Fatalf("member's copies after a second holder = %+v", listed)
	}

	for holder, field := range map[string]string{"": "holder", "did:key": "holder", "did:Key:abc": "holder", "mailto:a@b.c": "holder",
		"did:key:abc#frag": "holder", "https://": "holder", "did:web:" + strings.Repeat("a", 600): "holder"} {
		if _, err := f.svc.IssueToHolder(ctx, c.ID, holder); badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != field {
			t.Errorf("holder %.40q: %v; want invalid %s", holder, err, field)
		}
	}
	if _, err := f.svc.IssueToHolder(ctx, "aaaaaaaaaaaaaaaaaaaa", holderDID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("unknown credential: %v", err)
	}
	if _, err := f.svc.Revoke(ctx, c.ID, badges.RevokeInput{Reason: "Awarded by mistake"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.IssueToHolder(ctx, c.ID, "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("revoked credential: %v", err)
	}
	if err := f.deps.HolderCopies.ForgetMemberHolderCopies(ctx, c.MemberID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.deps.HolderCopies.HolderCopy(ctx, hc.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("a forgotten member's copy: %v", err)
	}
	if listed, _ := f.deps.HolderCopies.MemberHolderCopies(ctx, c.MemberID); len(listed) != 0 {
		t.Fatalf("a forgotten member's list: %+v", listed)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestService_IssueToHolderAcrossIdentifiers copies credentials issued
// before and after their issuer chose did:web: each copy keeps its
// original's issuer id, names keys the same way and verifies.
func TestService_IssueToHolderAcrossIdentifiers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	before := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})
	f.chooseDIDWeb(t)
	after := f.mustAward(t, badges.AwardInput{Email: "grace@example.org", Name: "Grace"})
	v := f.verifier(t)
	for _, c := range []*issuer.Credential{before, after} {
		hc, err := f.svc.IssueToHolder(ctx, c.ID, holderDID)
		if err != nil {
			t.Fatal(err)
		}
		var orig, doc map[string]any
		if err := json.Unmarshal(c.JSON, &orig); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(hc.JSON, &doc); err != nil {
			t.Fatal(err)
		}
		if mustJSON(t, doc["issuer"]) != mustJSON(t, orig["issuer"]) {
			t.Fatalf("copy's issuer %v, want the original's %v", doc["issuer"], orig["issuer"])
		}
		assertVerdict(t, v, &issuer.Credential{JSON: hc.JSON, JWT: hc.JWT}, verifier.Valid)
	}
}
