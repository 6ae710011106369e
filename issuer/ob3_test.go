package issuer_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// mustSchema compiles one schema (or a $defs entry of it) from testdata.
func mustSchema(t *testing.T, file, fragment string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "schemas", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	id := doc.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id + fragment)
	if err != nil {
		t.Fatalf("compile %s%s: %v", file, fragment, err)
	}
	return s
}

// asJSONValue round-trips v through JSON, as a verifier would see it.
func asJSONValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOB3_MatchesSchemas(t *testing.T) {
	urls, err := issuer.NewURLs("https://badges.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	img := badges.ImageRef{SHA256: "ab", Format: badges.ImagePNG}
	p := &issuer.Profile{ID: "aaaaaaaaaaaaaaaaaaaa", Name: "Lyon Gophers", URL: "https://gophers.example.org",
		Email: "hello@gophers.example.org", Description: "Gophers in Lyon.", Image: &img, CreatedAt: time.Now()}
	a := &badges.Achievement{ID: "bbbbbbbbbbbbbbbbbbbb", IssuerID: p.ID, Name: "Session Host", Description: "Hosted a session.",
		Criteria: "Host a *session*.", AchievementType: "ext:Mentorship", Tags: []string{"hosting"}, Level: "leadership",
		Alignments: []badges.Alignment{{TargetName: "Facilitation", TargetURL: "https://framework.example/f", TargetType: "ext:Skill"}},
		Version:    3, Status: badges.StatusActive, Image: badges.ImageRef{SHA256: "cd", Format: badges.ImageSVG, Generated: true}}

	profile := asJSONValue(t, urls.OB3Profile(p, true))
	achievement := asJSONValue(t, urls.OB3Achievement(a, p))
	for _, tc := range []struct {
		name, file, fragment string
		value                any
	}{
		{"profile/published", "published-profile.json", "", profile},
		{"profile/strict", "strict-profile.json", "", profile},
		{"achievement/published", "published-achievementcredential.json", "#/$defs/Achievement", achievement},
		{"achievement/strict", "strict-achievementcredential.json", "#/$defs/Achievement", achievement},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := mustSchema(t, tc.file, tc.fragment).Validate(tc.value); err != nil {
				t.Fatalf("%v", err)
			}
		})
	}
	t.Run("schema rejects a broken profile", func(t *testing.T) {
		broken := asJSONValue(t, map[string]any{"type": []string{"Profile"}, "name": "No id"})
		if err := mustSchema(t, "strict-profile.json", "").Validate(broken); err == nil {
			t.Fatal("a profile without id passed the schema")
		}
	})
}

func TestNewURLs(t *testing.T) {
	for base, want := range map[string]string{
		"https://badges.example.org":       "https://badges.example.org/issuers/x",
		"https://badges.example.org/":      "https://badges.example.org/issuers/x",
		"http://localhost:8080/community/": "http://localhost:8080/community/issuers/x",
	} {
		u, err := issuer.NewURLs(base)
		if err != nil || u.Issuer("x") != want {
			t.Errorf("NewURLs(%q).Issuer = %q, %v; want %q", base, u.Issuer("x"), err, want)
		}
	}
	for _, bad := range []string{"", "badges.example.org", "ftp://x", "https://x?y=1", "https://"} {
		if _, err := issuer.NewURLs(bad); err == nil {
			t.Errorf("NewURLs(%q) accepted", bad)
		}
	}
}
