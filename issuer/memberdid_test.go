package issuer_test

import (
	"cmp"
	"context"
	"encoding/json"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// TestService_AwardToMemberDID: a member who named their wallet up front
// gets credentials whose subject is that DID, beside the hashed e-mail,
// whose VC-JWT sub is the DID, and which verify and pass the schemas and
// the verifier's rules; awarded one by one and in bulk alike. A member
// without one gets what everyone got before, and a credential issued
// before the DID was set keeps its subject.
func TestService_AwardToMemberDID(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	v, err := verifier.New(verifier.Options{Loader: mustLoader(t), Local: f.svc})
	if err != nil {
		t.Fatal(err)
	}
	ada, err := f.members.CreateMember(ctx, f.issuer.ID, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada", DID: holderDID})
	if err != nil {
		t.Fatal(err)
	}
	bea, err := f.members.CreateMember(ctx, f.issuer.ID, badges.MemberInput{Email: "bea@example.org", DisplayName: "Bea"})
	if err != nil {
		t.Fatal(err)
	}
	one := f.mustAward(t, badges.AwardInput{MemberID: ada.ID})
	assertSubject(t, f, v, one, holderDID, "ada@example.org")
	before := f.mustAward(t, badges.AwardInput{MemberID: bea.ID})
	assertSubject(t, f, v, before, "", "bea@example.org")

	web := "https://bea.example.org/"
	if _, err := f.members.UpdateMember(ctx, bea.ID, badges.MemberUpdate{DID: &web}); err != nil {
		t.Fatal(err)
	}
	other, err := f.achs.CreateAchievement(ctx, f.issuer.ID, badges.AchievementInput{Name: "Mentor", Description: "Mentored a peer.",
		Criteria: "Mentor a peer.", Status: badges.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.AwardMany(ctx, f.issuer.ID, "", []badges.AwardInput{{AchievementID: other.ID, MemberID: ada.ID},
		{AchievementID: other.ID, Email: "bea@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ did, email string }{{holderDID, "ada@example.org"}, {web, "bea@example.org"}} {
		if res[i].Err != nil {
			t.Fatalf("bulk row %d: %v", i, res[i].Err)
		}
		assertSubject(t, f, v, res[i].Credential, want.did, want.email)
	}
	again, err := f.svc.Credential(ctx, before.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertSubject(t, f, v, again, "", "bea@example.org")
}

// assertSubject checks c's credentialSubject.id and JWT sub against did
// ("" for none), that it keeps the hashed e-mail of email, and that it
// verifies, every check passing.
func assertSubject(t *testing.T, f *fixture, v *verifier.Verifier, c *issuer.Credential, did, email string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(c.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	subject := doc["credentialSubject"].(map[string]any)
	if id, _ := subject["id"].(string); id != did || subject["identifier"] == nil {
		t.Fatalf("credentialSubject id %q, identifier %v; want id %q and the hashed e-mail", id, subject["identifier"], did)
	}
	parsed, err := ob3.ParseJWT(c.JWT)
	if err != nil {
		t.Fatal(err)
	}
	if sub, _ := parsed.Payload["sub"].(string); sub != did {
		t.Fatalf("JWT sub %q; want %q", sub, did)
	}
	if diErr, jwtErr := f.verify(t, c); diErr != nil || jwtErr != nil {
		t.Fatalf("data integrity: %v; jwt: %v", diErr, jwtErr)
	}
	value := asJSONValue(t, doc)
	for _, file := range []string{"published-achievementcredential.json", "strict-achievementcredential.json"} {
		if err := mustSchema(t, file, "").Validate(value); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	for _, data := range [][]byte{c.JSON, []byte(c.JWT)} {
		r, err := v.Verify(context.Background(), verifier.Input{Data: data, Email: email})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != verifier.Valid || r.Credential.RecipientID != cmp.Or(did, r.Credential.RecipientID) {
			t.Fatalf("verdict %s, recipient %q for %.20s: %+v", r.Verdict, r.Credential.RecipientID, data, r.Checks)
		}
	}
}
