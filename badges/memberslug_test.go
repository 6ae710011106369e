package badges_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

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

func TestSlugFor(t *testing.T) {
	for _, tc := range []struct {
		name    string
		attempt int
		want    string // a pattern for the random ones
	}{
		{"Ada Lovelace", 1, "^ada-lovelace$"},
		{"Ada Lovelace", 2, "^ada-lovelace-2$"},
		{"Ada Lovelace", 5, "^ada-lovelace-5$"},
		{"Ada Lovelace", 6, "^ada-lovelace-[a-z2-7]{6}$"},
		{"Ada Lovelace", badges.MaxSlugAttempts, "^ada-lovelace-[a-z2-7]{6}$"},
		{"李小龙", 1, "^member$"},
		{"李小龙", 3, "^member-3$"},
		{strings.Repeat("x", 99), 7, "^x{56}-[a-z2-7]{6}$"},
	} {
		got := badges.SlugFor(tc.name, tc.attempt)
		if !regexp.MustCompile(tc.want).MatchString(got) || !badges.ValidSlug(got) {
			t.Errorf("SlugFor(%q, %d) = %q; want %s (a valid slug)", tc.name, tc.attempt, got, tc.want)
		}
	}
	if a, b := badges.RandomSlug("Ada"), badges.RandomSlug("Ada"); a == b {
		t.Errorf("RandomSlug gave %q twice", a)
	}
}

// TestSlugChoice follows the slugs a new member tries while values it
// wants are taken: the policy of creating a member and of importing one.
func TestSlugChoice(t *testing.T) {
	taken := func(slug string) badges.UniqueValue { return badges.UniqueValue{Field: badges.FieldSlug, Value: slug} }
	for _, tc := range []struct {
		name  string
		in    badges.MemberInput
		taken []badges.UniqueValue // in turn; "$" in a value is the slug being tried
		want  []string             // the slug tried first, then after each retry; patterns
		ok    bool                 // whether the last value taken was retried
	}{
		{"derived", badges.MemberInput{DisplayName: "Ada Lovelace"}, nil, []string{"^ada-lovelace$"}, true},
		{"derived/numbered then random", badges.MemberInput{DisplayName: "Ada Lovelace"},
			[]badges.UniqueValue{taken("$"), taken("$"), taken("$"), taken("$"), taken("$")},
			[]string{"^ada-lovelace$", "^ada-lovelace-2$", "^ada-lovelace-3$", "^ada-lovelace-4$", "^ada-lovelace-5$", "^ada-lovelace-[a-z2-7]{6}$"}, true},
		{"derived/gives up after the last", badges.MemberInput{DisplayName: "Ada"},
			[]badges.UniqueValue{taken("$"), taken("$"), taken("$"), taken("$"), taken("$"), taken("$"), taken("$"), taken("$"), taken("$"), taken("$")},
			[]string{"^ada$", "^ada-2$", "^ada-3$", "^ada-4$", "^ada-5$", "^ada-[a-z2-7]{6}$", "^ada-[a-z2-7]{6}$", "^ada-[a-z2-7]{6}$", "^ada-[a-z2-7]{6}$", "^ada-[a-z2-7]{6}$"}, false},
		{"derived/e-mail taken", badges.MemberInput{DisplayName: "Ada"},
			[]badges.UniqueValue{{Field: badges.FieldEmail, Value: "ada@example.org"}}, []string{"^ada$"}, false},
		{"derived/external id taken", badges.MemberInput{DisplayName: "Ada"},
			[]badges.UniqueValue{{Field: badges.FieldExternalID, Value: "ada"}}, []string{"^ada$"}, false},
		{"derived/another slug taken", badges.MemberInput{DisplayName: "Ada"},
			[]badges.UniqueValue{taken("ada-2")}, []string{"^ada$"}, false},
		{"given", badges.MemberInput{DisplayName: "Ada Lovelace", Slug: "countess"},
			[]badges.UniqueValue{taken("$")}, []string{"^countess$"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := badges.NewSlugChoice(tc.in)
			ok := true
			tried := []string{c.Slug()}
			for _, u := range tc.taken {
				if u.Value == "$" {
					u.Value = c.Slug()
				}
				if ok = c.Retry(u); ok {
					tried = append(tried, c.Slug())
				}
			}
			if ok != tc.ok || len(tried) != len(tc.want) {
				t.Fatalf("tried %q, last retried %v; want %d slugs, %v", tried, ok, len(tc.want), tc.ok)
			}
			for i, s := range tried {
				if !regexp.MustCompile(tc.want[i]).MatchString(s) || !badges.ValidSlug(s) {
					t.Errorf("slug %d = %q; want %s", i, s, tc.want[i])
				}
			}
			if c.Derived() != (tc.in.Slug == "") {
				t.Errorf("Derived() = %v with slug %q given", c.Derived(), tc.in.Slug)
			}
		})
	}
}
