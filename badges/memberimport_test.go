package badges_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestParseMemberCSV(t *testing.T) {
	rows, err := badges.ParseMemberCSV(strings.NewReader("email,name,slug,public_profile\n"+
		"ada@example.org,Ada,ada,y\n"+
		"ADA@example.org,Ada again,,\n"+
		"bob@example.org,Bob,ada,no\n"+
		"cy@example.org,Cy,,maybe\n"), 10)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		public     bool
		field, msg string
	}{
		{public: true},
		{field: "email", msg: `The email "ada@example.org" already appears on line 2.`},
		{field: "slug", msg: `The slug "ada" already appears on line 2.`},
		{field: "publicProfile", msg: `The field "publicProfile" must be true or false, not "maybe".`},
	} {
		r := rows[i]
		if r.Line != i+2 || r.Input.PublicProfile != want.public || badges.ErrorField(r.Err) != want.field ||
			(want.msg != "" && badges.ErrorMessage(r.Err) != want.msg) {
			t.Errorf("row %d: %+v; want public %v, error on %q: %s", i, r, want.public, want.field, want.msg)
		}
	}
}

func TestParseMemberCSV_DID(t *testing.T) {
	rows, err := badges.ParseMemberCSV(strings.NewReader("email,name,did\n"+
		"ada@example.org,Ada,did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\n"+
		"bob@example.org,Bob,\n"+
		"cy@example.org,Cy,cy\n"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Err != nil || rows[0].Input.DID != "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" {
		t.Errorf("row 2: %+v; want the DID", rows[0])
	}
	if rows[1].Err != nil || rows[1].Input.DID != "" {
		t.Errorf("row 3: %+v; want no DID", rows[1])
	}
	if badges.ErrorField(rows[2].Err) != badges.FieldDID {
		t.Errorf("row 4: %+v; want an error on did", rows[2])
	}
}
