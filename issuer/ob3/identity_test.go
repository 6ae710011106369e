package ob3

import (
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// kosherHash is sha256("a@example.comKosher"), worked out independently of
// the code under test and of the specification text.
const kosherHash = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"

// specKosherExample digs the worked example out of the IdentityHash
// description in the specification's achievement credential schema.
func specKosherExample(t *testing.T) string {
	t.Helper()
	var schema any
	if err := json.Unmarshal(readTestdata(t, "identity", "achievementcredential.json"), &schema); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`'(sha256\$[0-9a-fA-F]{64})' represents the result of calculating a SHA-256 hash on the string 'a@example\.comKosher'`)
	var found []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "$comment" {
					if m := re.FindStringSubmatch(s); m != nil {
						found = append(found, m[1])
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(schema)
	if len(found) == 0 {
		t.Fatal("the schema no longer carries the Kosher example")
	}
	for _, f := range found[1:] {
		if f != found[0] {
			t.Fatalf("the schema disagrees with itself: %s vs %s", f, found[0])
		}
	}
	return found[0]
}

// implGuideRecipient reads the hashed identifier of the implementation guide's example.
func implGuideRecipient(t *testing.T) (hash, salt string) {
	t.Helper()
	var c struct {
		CredentialSubject struct {
			Identifier struct {
				IdentityHash string `json:"identityHash"`
				Salt         string `json:"salt"`
				Hashed       bool   `json:"hashed"`
			} `json:"identifier"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(readTestdata(t, "identity", "impl-guide-hashed-email-recipient.json"), &c); err != nil {
		t.Fatal(err)
	}
	id := c.CredentialSubject.Identifier
	if !id.Hashed {
		t.Fatal("example identifier is not marked hashed")
	}
	return id.IdentityHash, id.Salt
}

func TestIdentityHash(t *testing.T) {
	guideHash, guideSalt := implGuideRecipient(t)
	tests := []struct {
		name, identity, salt, want string
	}{
		{"worked out here", "a@example.com", "Kosher", kosherHash},
		{"specification schema", "a@example.com", "Kosher", specKosherExample(t)},
		{"implementation guide", "jjefferson18@example.com", guideSalt, guideHash},
		{"no salt", "a@example.com", "", "sha256$08168cd80dfd534ab0f10af10f1303fe00af2d43ab5c1432360d137f8197e17a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IdentityHash(tc.identity, tc.salt); got != tc.want {
				t.Errorf("IdentityHash(%q, %q) = %s, want %s", tc.identity, tc.salt, got, tc.want)
			}
			if !MatchIdentityHash(tc.want, tc.identity, tc.salt) {
				t.Error("MatchIdentityHash rejects the example")
			}
		})
	}
}

func TestMatchIdentityHash(t *testing.T) {
	tests := []struct {
		name                 string
		hash, identity, salt string
		want                 bool
	}{
		{"sha256", kosherHash, "a@example.com", "Kosher", true},
		{"upper-case hex", "sha256$" + strings.ToUpper(kosherHash[len("sha256$"):]), "a@example.com", "Kosher", true},
		{"upper-case algorithm", "SHA256$" + kosherHash[len("sha256$"):], "a@example.com", "Kosher", true},
		{"md5", "md5$ddd142639a792e74751ee7e129237efa", "a@example.com", "Kosher", true},
		{"md5 upper-case hex", "md5$DDD142639A792E74751EE7E129237EFA", "a@example.com", "Kosher", true},
		{"wrong salt", kosherHash, "a@example.com", "kosher", false},
		{"wrong identity", kosherHash, "b@example.com", "Kosher", false},
		{"identity case matters", kosherHash, "A@example.com", "Kosher", false},
		{"md5 digest labelled sha256", "sha256$ddd142639a792e74751ee7e129237efa", "a@example.com", "Kosher", false},
		{"truncated", kosherHash[:len(kosherHash)-2], "a@example.com", "Kosher", false},
		{"not hex", "sha256$" + strings.Repeat("z", 64), "a@example.com", "Kosher", false},
		{"unknown algorithm", "sha1$" + kosherHash[len("sha256$"):], "a@example.com", "Kosher", false},
		{"no separator", kosherHash[len("sha256$"):], "a@example.com", "Kosher", false},
		{"plain identity", "a@example.com", "a@example.com", "", false},
		{"empty", "", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := MatchIdentityHash(tc.hash, tc.identity, tc.salt); got != tc.want {
				t.Errorf("MatchIdentityHash(%q, %q, %q) = %v, want %v", tc.hash, tc.identity, tc.salt, got, tc.want)
			}
		})
	}
}

func TestNewSalt(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := NewSalt()
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 16 {
			t.Fatalf("NewSalt() = %q, want 16 hex-encoded bytes", s)
		}
		if seen[s] {
			t.Fatalf("NewSalt repeated %q", s)
		}
		seen[s] = true
	}
}
