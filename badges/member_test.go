package badges_test

import (
	"strings"
	"testing"

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

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Ada Lovelace":          "ada-lovelace",
		"  Ñandú   Rápido!! ":   "nandu-rapido",
		"Zoë O'Brien-Smith":     "zoe-o-brien-smith",
		"李小龙":                   "member",
		"":                      "member",
		strings.Repeat("x", 99): strings.Repeat("x", 56),
	} {
		got := badges.Slugify(in)
		if got != want || !badges.ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q; want %q (valid slug)", in, got, want)
		}
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Normalize()
			if badges.ErrorField(err) != tc.field || (err == nil) != (tc.field == "") {
				t.Fatalf("err = %v; want field %q", err, tc.field)
			}
		})
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
