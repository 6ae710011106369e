package verifier

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// offlineFixture is a folder of what a Laurel issuer publishes for one
// credential (see testdata/SOURCES.md).
const offlineFixture = "testdata/offline"

// offlineCredentialURL is the fixture credential's id, listed in its
// manifest.
const offlineCredentialURL = "https://badges.example.org/credentials/award4242"

// copyOffline copies the fixture to a new folder with the manifest
// rewritten by edit.
func copyOffline(t *testing.T, edit func(m map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(offlineFixture, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(offlineFixture, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(MustRead(t, "offline/"+ManifestFile), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(mustJSON(t, m)), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func offlineVerifier(t *testing.T, dir string) *Verifier {
	t.Helper()
	off, err := OpenOffline(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	return MustVerifier(t, Options{Fetcher: NewFetcher(FetcherOptions{Offline: off}), Now: FixedClock(laurelNow)})
}

// TestOffline_Laurel verifies a Laurel credential with every document read
// from a folder, and none when the folder lacks its keys.
func TestOffline_Laurel(t *testing.T) {
	v := offlineVerifier(t, offlineFixture)
	for name, in := range map[string]Input{
		"json": {Data: MustRead(t, "offline/credential.json")},
		"jwt":  {Data: MustRead(t, "offline/credential.jwt")},
		"url":  {URL: offlineCredentialURL + "#ignored"},
	} {
		t.Run("OK/"+name, func(t *testing.T) {
			r := MustVerify(t, v, in)
			if r.Verdict != Valid || r.Version != OpenBadges3 {
				dump(t, r)
				t.Fatalf("verdict %s, version %q; want valid 3.0", r.Verdict, r.Version)
			}
		})
	}
	t.Run("keys missing", func(t *testing.T) {
		dir := copyOffline(t, func(m map[string]any) {
			for u := range m {
				if strings.Contains(u, "/keys/") {
					delete(m, u)
				}
			}
		})
		r := MustVerify(t, offlineVerifier(t, dir), Input{Data: MustRead(t, "offline/credential.jwt")})
		keys := findChecks(r, CheckKey)
		if r.Verdict != Unchecked || len(keys) == 0 || keys[0].Outcome != Unreachable || !strings.Contains(keys[0].Message, "is not in the offline folder") {
			dump(t, r)
			t.Fatal("want unchecked: the keys are not in the folder")
		}
	})
	t.Run("credential URL missing", func(t *testing.T) {
		_, err := v.Verify(t.Context(), Input{URL: "https://badges.example.org/credentials/other"})
		if !errors.Is(err, ErrUnreachable) || badges.ErrorCode(err) != badges.EINVALID {
			t.Fatalf("err = %v; want bad input that matches ErrUnreachable", err)
		}
	})
}

// TestOpenOffline_Refused: a manifest whose files would leave the folder,
// or that is not a manifest at all, is refused with a clear error.
func TestOpenOffline_Refused(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(outside, []byte(`{"secret":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const u = "https://example.org/keys/1"
	for _, tc := range []struct {
		name     string
		manifest string
		link     string // a symbolic link to outside, made in the folder under this name
		say      string
	}{
		{name: "dot dot", manifest: `{"` + u + `": "../secret.json"}`, say: `names the file "../secret.json", which is not a relative path inside the folder`},
		{name: "dot dot inside", manifest: `{"` + u + `": {"file": "keys/../../secret.json"}}`, say: "not a relative path inside the folder"},
		{name: "absolute", manifest: `{"` + u + `": "` + outside + `"}`, say: "not a relative path inside the folder"},
		{name: "backslash", manifest: `{"` + u + `": "..\\secret.json"}`, say: "not a relative path inside the folder"},
		{name: "symlink out", manifest: `{"` + u + `": "key.json"}`, link: "key.json", say: "cannot be used: it is missing, or lies outside the folder"},
		{name: "missing file", manifest: `{"` + u + `": "nothing.json"}`, say: "cannot be used: it is missing"},
		{name: "not a URL", manifest: `{"/keys/1": "key.json"}`, say: `lists "/keys/1", which is not an absolute http or https URL`},
		{name: "listed twice", manifest: `{"` + u + `#a": "a.json", "` + u + `#b": "b.json"}`, say: "lists " + u + " twice"},
		{name: "not an object", manifest: `["key.json"]`, say: "not a JSON object of URLs to files"},
		{name: "bad entry", manifest: `{"` + u + `": {"path": "key.json"}}`, say: "is neither a file name nor an object"},
		{name: "no manifest", say: "has no readable MANIFEST.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.manifest != "" {
				if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(tc.manifest), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tc.link != "" {
				if err := os.Symlink(outside, filepath.Join(dir, tc.link)); err != nil {
					t.Fatal(err)
				}
			}
			_, err := OpenOffline(dir, 0)
			if err == nil || !strings.Contains(badges.ErrorMessage(err), tc.say) || !strings.HasSuffix(badges.ErrorMessage(err), ".") {
				t.Fatalf("err = %v; want a sentence saying %q", err, tc.say)
			}
		})
	}
}

// TestOffline_Bounds: the manifest and the files are bounded like network
// fetches, and a file too large is no reason to call a document
// unreachable.
func TestOffline_Bounds(t *testing.T) {
	big := map[string]any{}
	for i := range MaxManifestEntries + 1 {
		big[fmt.Sprintf("https://example.org/%d", i)] = "a.json"
	}
	if _, err := ParseManifest([]byte(mustJSON(t, big))); badges.ErrorCode(err) != badges.ETOOLARGE {
		t.Fatalf("%d entries: err = %v", len(big), err)
	}
	if _, err := ParseManifest(make([]byte, MaxManifestBytes+1)); badges.ErrorCode(err) != badges.ETOOLARGE {
		t.Fatalf("a manifest too large: err = %v", err)
	}
	off, err := OpenOffline(offlineFixture, 100)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFetcher(FetcherOptions{Offline: off})
	_, _, err = f.Fetch(t.Context(), offlineCredentialURL, KindCredential, acceptCredential)
	if err == nil || errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "larger than 100 bytes") {
		t.Fatalf("err = %v; want the file refused as too large", err)
	}
	_, mediaType, err := NewFetcher(FetcherOptions{Offline: mustOffline(t)}).Fetch(t.Context(), offlineCredentialURL, KindCredential, acceptCredential)
	if err != nil || mediaType != "application/json" {
		t.Fatalf("media type %q, err %v; want application/json from the file's name", mediaType, err)
	}
}

func mustOffline(t *testing.T) *Offline {
	t.Helper()
	off, err := OpenOffline(offlineFixture, 0)
	if err != nil {
		t.Fatal(err)
	}
	return off
}

// FuzzParseManifest: any input is refused or gives entries that are
// absolute http(s) URLs without fragments and files inside the folder.
func FuzzParseManifest(f *testing.F) {
	f.Add(MustRead(f, "offline/"+ManifestFile))
	for _, seed := range []string{
		`{"https://example.org/k": "k.json"}`,
		`{"https://example.org/k#frag": {"file": "a/b.jwt", "mediaType": "application/vc+jwt"}}`,
		`{"https://example.org/k": "../k.json"}`,
		`{"https://example.org/k": "/etc/passwd"}`,
		`{"https://example.org/k": "a/./b"}`,
		`{"http://u@example.org/k": "k"}`,
		`{"https://example.org/k": {"file": "k", "extra": 1}}`,
		`{"https://example.org/k": "C:\\k"}`,
		`{}`, `null`, `[]`, `{"a":`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := ParseManifest(data)
		if err != nil {
			if badges.ErrorMessage(err) == "" {
				t.Fatalf("an error without a message: %v", err)
			}
			return
		}
		for key, e := range docs {
			u, err := url.Parse(key)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Fragment != "" || u.Host == "" {
				t.Fatalf("admitted the URL %q", key)
			}
			if !filepath.IsLocal(filepath.FromSlash(e.File)) || strings.Contains("/"+e.File+"/", "/../") || strings.ContainsRune(e.File, '\\') {
				t.Fatalf("admitted the file %q", e.File)
			}
		}
	})
}
