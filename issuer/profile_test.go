package issuer_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

func TestProfileInput_Validate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    issuer.ProfileInput
		field string // "" when valid
		say   string
	}{
		{"OK", issuer.ProfileInput{Name: "  Lyon Gophers  ", URL: "https://gophers.example.org"}, "", ""},
		{"OK/multi-line description", issuer.ProfileInput{Name: "Lyon Gophers", Description: "One.\nTwo."}, "", ""},
		{"no name", issuer.ProfileInput{Name: " "}, "name", "name is required."},
		{"name on two lines", issuer.ProfileInput{Name: "Lyon\nGophers"}, "name", "name must be a single line."},
		{"name with a control", issuer.ProfileInput{Name: "Lyon\x1b[2JGophers"}, "name", "name contains control characters."},
		{"long name", issuer.ProfileInput{Name: strings.Repeat("g", 201)}, "name", "name is longer than 200 characters."},
		{"bad url", issuer.ProfileInput{Name: "Lyon Gophers", URL: "ftp://x"}, "url", `url "ftp://x" must be an http or https URL.`},
		{"bad jwtAlg", issuer.ProfileInput{Name: "Lyon Gophers", JWTAlg: "HS256"}, "jwtAlg", `jwtAlg must be one of RS256, ES256, EdDSA, not "HS256".`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			err := in.Validate()
			if tc.field == "" {
				if err != nil || in.Name != strings.TrimSpace(tc.in.Name) || in.JWTAlg != issuer.AlgRS256 {
					t.Fatalf("Validate = %v, %+v; want it valid, trimmed, RS256", err, in)
				}
				return
			}
			if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != tc.field || badges.ErrorMessage(err) != tc.say {
				t.Fatalf("Validate = %v; want %s: %q", err, tc.field, tc.say)
			}
		})
	}
}
