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
