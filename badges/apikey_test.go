package badges_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestNewAPIKey(t *testing.T) {
	k, token, err := badges.NewAPIKey(" deploy ", []badges.Scope{badges.ScopeRead, badges.ScopeRead}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id, secret, ok := badges.ParseToken(token)
	if !ok || id != k.ID || !k.Matches(secret) || k.Name != "deploy" || len(k.Scopes) != 1 {
		t.Fatalf("key %+v token %q", k, token)
	}
	if strings.Contains(string(k.SecretHash), secret) || k.Matches(secret[:42]+"x") {
		t.Fatal("secret check is wrong")
	}
	if !k.Allows(badges.ScopeRead) || k.Allows(badges.ScopeAdmin) || k.Allows(badges.ScopeIngest) {
		t.Fatal("scope check is wrong")
	}
	k.RevokedAt = time.Now()
	if k.Allows(badges.ScopeRead) {
		t.Fatal("a revoked key is allowed")
	}
	admin, _, _ := badges.NewAPIKey("a", []badges.Scope{badges.ScopeAdmin}, time.Now())
	if !admin.Allows(badges.ScopeIngest) || !admin.Allows(badges.ScopeRead) {
		t.Fatal("admin does not imply the other scopes")
	}
	for _, scopes := range [][]badges.Scope{nil, {"root"}} {
		if _, _, err := badges.NewAPIKey("x", scopes, time.Now()); badges.ErrorField(err) != "scopes" {
			t.Errorf("scopes %v: %v", scopes, err)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	_, token, _ := badges.NewAPIKey("x", []badges.Scope{badges.ScopeRead}, time.Now())
	f.Add(token)
	f.Add("lrl_")
	f.Add("lrl_aaaaaaaaaaaaaaaaaaaa_")
	f.Fuzz(func(t *testing.T, s string) {
		id, secret, ok := badges.ParseToken(s)
		if ok && (!badges.ValidID(id) || len(secret) != 43 || "lrl_"+id+"_"+secret != s) {
			t.Fatalf("ParseToken(%q) = %q, %q", s, id, secret)
		}
	})
}

func TestAdminKeys_Remove(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ids     []string
		remove  string
		want    []string
		refused bool
	}{
		{"OK", []string{"a", "b"}, "a", []string{"b"}, false},
		{"409/last", []string{"a"}, "a", []string{"a"}, true},
		{"409/none counted", nil, "a", nil, true},
		{"uncounted key with others counted", []string{"b"}, "a", []string{"b"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := badges.AdminKeys{IDs: slices.Clone(tc.ids)}
			err := a.Remove(tc.remove)
			if tc.refused != (badges.ErrorCode(err) == badges.ECONFLICT) || (err != nil && !tc.refused) {
				t.Fatalf("Remove(%q) = %v", tc.remove, err)
			}
			if tc.refused && !strings.Contains(badges.ErrorMessage(err), "last active admin key") {
				t.Errorf("message %q does not say why", badges.ErrorMessage(err))
			}
			if !slices.Equal(a.IDs, tc.want) {
				t.Errorf("IDs = %v, want %v", a.IDs, tc.want)
			}
		})
	}
	var a badges.AdminKeys
	a.Add("a")
	a.Add("a")
	if !slices.Equal(a.IDs, []string{"a"}) {
		t.Fatalf("Add twice: %v", a.IDs)
	}
}
