package badges_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ada@example.org", "ada@example.org"},
		{"  Ada.Lovelace+cop@Example.ORG ", "ada.lovelace+cop@example.org"},
		{"", ""},
		{"ada", ""},
		{"ada@localhost", ""},
		{"Ada <ada@example.org>", ""},
		{"ada@@example.org", ""},
		{strings.Repeat("a", 250) + "@example.org", ""},
	} {
		got, err := badges.NormalizeEmail(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if err != nil && (badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "email") {
			t.Errorf("NormalizeEmail(%q) error %v is not an EINVALID on email", tc.in, err)
		}
	}
}

func TestMember_UniqueValues(t *testing.T) {
	for _, tc := range []struct {
		name   string
		member badges.Member
		want   []badges.UniqueValue
	}{
		{"without external id", badges.Member{IssuerID: "i1", Email: "ada@example.org", Slug: "ada"}, []badges.UniqueValue{
			{Field: "email", Scope: "i1", Value: "ada@example.org"}, {Field: "slug", Value: "ada"}}},
		{"with external id", badges.Member{IssuerID: "i1", Email: "ada@example.org", Slug: "ada", ExternalID: "u-7"}, []badges.UniqueValue{
			{Field: "email", Scope: "i1", Value: "ada@example.org"}, {Field: "slug", Value: "ada"}, {Field: "externalId", Scope: "i1", Value: "u-7"}}},
	} {
		if got := tc.member.UniqueValues(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: UniqueValues = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestUniqueValue_Conflict(t *testing.T) {
	err := badges.UniqueValue{Field: "slug", Value: "ada"}.Conflict("m42")
	var be *badges.Error
	if !errors.As(err, &be) || be.Code != badges.ECONFLICT || be.Field != "slug" || be.Message != `The slug "ada" is already used by member m42.` {
		t.Fatalf("Conflict = %#v", err)
	}
}

func TestMemberInput_Normalize(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    badges.MemberInput
		field string
	}{
		{"OK", badges.MemberInput{Email: "a@example.org", DisplayName: " A "}, ""},
		{"400/name missing", badges.MemberInput{Email: "a@example.org"}, "displayName"},
		{"400/name two lines", badges.MemberInput{Email: "a@example.org", DisplayName: "A\nB"}, "displayName"},
		{"400/name control", badges.MemberInput{Email: "a@example.org", DisplayName: "A\x00"}, "displayName"},
		{"400/name too long", badges.MemberInput{Email: "a@example.org", DisplayName: strings.Repeat("é", 201)}, "displayName"},
		{"400/slug", badges.MemberInput{Email: "a@example.org", DisplayName: "A", Slug: "-a"}, "slug"},
		{"400/slug upper", badges.MemberInput{Email: "a@example.org", DisplayName: "A", Slug: "Ada"}, "slug"},
		{"OK/did", badges.MemberInput{Email: "a@example.org", DisplayName: "A", DID: " did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK "}, ""},
		{"OK/did url", badges.MemberInput{Email: "a@example.org", DisplayName: "A", DID: "https://ada.example.org/"}, ""},
		{"400/did", badges.MemberInput{Email: "a@example.org", DisplayName: "A", DID: "did:key"}, "did"},
		{"400/did http", badges.MemberInput{Email: "a@example.org", DisplayName: "A", DID: "http://ada.example.org/"}, "did"},
		{"400/did text", badges.MemberInput{Email: "a@example.org", DisplayName: "A", DID: "ada"}, "did"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Normalize()
			if badges.ErrorField(err) != tc.field || (err == nil) != (tc.field == "") {
				t.Fatalf("err = %v; want field %q", err, tc.field)
			}
		})
	}
}

func TestMember_Apply_DID(t *testing.T) {
	m := &badges.Member{ID: "m1", Email: "a@example.org", DisplayName: "A", Slug: "a"}
	did := " did:web:ada.example.org "
	n, err := m.Apply(badges.MemberUpdate{DID: &did})
	if err != nil || n.DID != "did:web:ada.example.org" || m.DID != "" {
		t.Fatalf("Apply = %+v, %v; want the DID trimmed, on a copy", n, err)
	}
	if n, err = n.Apply(badges.MemberUpdate{DisplayName: &did}); err != nil || n.DID != "did:web:ada.example.org" {
		t.Fatalf("an update of another field lost the DID: %+v, %v", n, err)
	}
	none := ""
	if n, err = n.Apply(badges.MemberUpdate{DID: &none}); err != nil || n.DID != "" {
		t.Fatalf("removing the DID: %+v, %v", n, err)
	}
	bad := "did:Key:x"
	if _, err := n.Apply(badges.MemberUpdate{DID: &bad}); badges.ErrorField(err) != badges.FieldDID || !strings.HasPrefix(badges.ErrorMessage(err), "did ") {
		t.Fatalf("a bad DID gave %v; want an error naming did", err)
	}
	n.DID = "did:web:ada.example.org"
	if f := n.Forget(time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)); !f.Forgotten() || f.DID != "" {
		t.Fatalf("a forgotten member keeps the DID %q", f.DID)
	}
}

func FuzzParseMemberCSV(f *testing.F) {
	f.Add("email,displayName\na@example.org,A\n")
	f.Add("displayName,email,slug,publicProfile,externalId\nA,a@example.org,a,yes,x\nB,b@example.org,,no,\n")
	f.Add("email,displayName\n\"unterminated,A\n")
	f.Add("\ufeffEmail,Name\n a@example.org , A \n\n")
	f.Add("email\n")
	f.Fuzz(func(t *testing.T, csv string) {
		rows, err := badges.ParseMemberCSV(strings.NewReader(csv), 50)
		if err != nil {
			if c := badges.ErrorCode(err); c != badges.EINVALID && c != badges.ETOOLARGE {
				t.Fatalf("file error with code %q: %v", c, err)
			}
			return
		}
		if len(rows) > 50 {
			t.Fatalf("%d rows past the limit", len(rows))
		}
		seen := map[string]bool{}
		for _, r := range rows {
			if r.Err != nil {
				continue
			}
			if e, err := badges.NormalizeEmail(r.Input.Email); err != nil || e != r.Input.Email || seen[e] {
				t.Fatalf("accepted row %d has e-mail %q (dup %v, %v)", r.Line, r.Input.Email, seen[e], err)
			}
			seen[r.Input.Email] = true
		}
	})
}
