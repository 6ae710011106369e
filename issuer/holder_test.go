package issuer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
	"go.mongodb.org/mongo-driver/bson"
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

// holders is a presentation checker that proves the holders it is given,
// in turn, whatever the presentation.
type holders []string

func (h *holders) CheckPresentation(context.Context, []byte, string, string) (string, error) {
	next := (*h)[0]
	*h = (*h)[1:]
	return next, nil
}

// TestExchanges_HolderACopyCannotName refuses a presentation whose holder
// the verifier accepted but a copy cannot name (an http URL here) and
// leaves the exchange open for a good one.
func TestExchanges_HolderACopyCannotName(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	c := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})
	proved := holders{"http://keys.example.org/ada", holderDID}
	x := issuer.NewExchanges(issuer.ExchangeDeps{Store: wire.NewStores(f.db).Exchanges, Issuing: f.svc, Checker: &proved, URLs: f.urls})
	wallet := f.svc.WalletURL(c.ID)
	e, err := x.Start(ctx, c.ID, wallet[strings.LastIndexByte(wallet, '/')+1:])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Present(ctx, e.ID, []byte(`{"first":1}`)); badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "holder" {
		t.Fatalf("a holder no copy can name: %v", err)
	}
	hc, err := x.Present(ctx, e.ID, []byte(`{"second":2}`))
	if err != nil || hc.Holder != holderDID {
		t.Fatalf("the next presentation: %+v, %v", hc, err)
	}
}

// TestService_HolderCopyBounds stops copying a credential to more than
// MaxHolderCopies wallets, and forgets every copy of a member's, even one
// their list lacks (its listing cut short).
func TestService_HolderCopyBounds(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	c := f.mustAward(t, badges.AwardInput{Email: "ada@example.org", Name: "Ada"})
	for i := range issuer.MaxHolderCopies {
		if _, err := f.svc.IssueToHolder(ctx, c.ID, fmt.Sprintf("did:example:wallet%d", i)); err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
	}
	if _, err := f.svc.IssueToHolder(ctx, c.ID, "did:example:one-too-many"); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("a copy beyond the bound: %v", err)
	}
	if _, err := f.svc.IssueToHolder(ctx, c.ID, "did:example:wallet0"); err != nil {
		t.Fatalf("a copy asked for again past the bound: %v", err)
	}
	unlisted := "unlisted0000000000aa"
	if _, err := f.db.Collection(database.HolderCopies).InsertOne(ctx, bson.D{{Key: "_id", Value: unlisted},
		{Key: "credential", Value: c.ID}, {Key: "member", Value: c.MemberID}, {Key: "holder", Value: "did:example:unlisted"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.deps.HolderCopies.ForgetMemberHolderCopies(ctx, c.MemberID); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.Collection(database.HolderCopies).CountDocuments(ctx, bson.D{{Key: "member", Value: c.MemberID}}); err != nil || n != 0 {
		t.Fatalf("%d copies left after forgetting, %v", n, err)
	}
}
