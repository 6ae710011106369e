package mongodb_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

const adaDID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

// TestMemberService_DID: a member's wallet DID is kept from creation,
// changed and removed by an update, found by the member index's readers,
// set by an import row that names one and left by one that does not, and
// cleared when the member is forgotten.
func TestMemberService_DID(t *testing.T) {
	ctx := t.Context()
	s := mongodb.NewMemberService(mongotest.NewDB(t))
	if _, err := s.RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	ada := mustCreateMember(t, s, issuerA, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada", DID: adaDID})
	if got, err := s.Member(ctx, ada.ID); err != nil || got.DID != adaDID {
		t.Fatalf("Member = %+v, %v; want the DID", got, err)
	}
	byID, err := s.MembersByID(ctx, issuerA, []string{ada.ID})
	if err != nil || byID[ada.ID] == nil || byID[ada.ID].DID != adaDID {
		t.Fatalf("MembersByID = %v, %v; want the DID", byID, err)
	}
	web := "https://ada.example.org/"
	if u, err := s.UpdateMember(ctx, ada.ID, badges.MemberUpdate{DID: &web}); err != nil || u.DID != web {
		t.Fatalf("UpdateMember = %+v, %v", u, err)
	}
	bad := "did:"
	if _, err := s.UpdateMember(ctx, ada.ID, badges.MemberUpdate{DID: &bad}); badges.ErrorField(err) != badges.FieldDID {
		t.Fatalf("a bad DID: %v; want an error on did", err)
	}
	rows, err := badges.ParseMemberCSV(strings.NewReader("email,displayName,did\n"+
		"ada@example.org,Ada,\n"+
		"bea@example.org,Bea,"+adaDID+"\n"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, issuerA, rows, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Member(ctx, ada.ID); got.DID != web {
		t.Errorf("an import row without a DID changed it to %q", got.DID)
	}
	p, err := s.Members(ctx, badges.MemberFilter{IssuerID: issuerA, Email: "bea@example.org"})
	if err != nil || len(p.Items) != 1 || p.Items[0].DID != adaDID {
		t.Fatalf("imported member: %v, %v; want the DID", p, err)
	}
	none := ""
	if u, err := s.UpdateMember(ctx, p.Items[0].ID, badges.MemberUpdate{DID: &none}); err != nil || u.DID != "" {
		t.Fatalf("removing the DID: %+v, %v", u, err)
	}
	f, err := s.ForgetMember(ctx, ada.ID)
	if err != nil || f.DID != "" {
		t.Fatalf("ForgetMember = %+v, %v; want no DID", f, err)
	}
	if got, _ := s.Member(ctx, ada.ID); got.DID != "" {
		t.Errorf("a forgotten member is stored with the DID %q", got.DID)
	}
}
