package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// offlineFixture is the verifier's offline folder: a Laurel credential and
// every document it needs.
var offlineFixture = filepath.Join("..", "..", "verifier", "testdata", "offline")

// offlineOB2Fixture is an Open Badges 2.0 hosted assertion with its badge
// class and issuer, from the public validator's examples.
var offlineOB2Fixture = filepath.Join("..", "..", "verifier", "testdata", "offline-ob2")

const offlineCredentialURL = "https://badges.example.org/credentials/award4242"

// offlineCopy copies the fixture folder, its manifest without the URLs
// drop says to leave out.
func offlineCopy(t *testing.T, drop func(url string) bool) string {
	t.Helper()
	return copyOffline(t, offlineFixture, []string{"credential.json", "credential.jwt", "issuer.json", "status-0.json", "keys/di-1.json", "keys/jwt-1.json"}, drop)
}

// copyOffline copies files of an offline folder and its manifest without
// the URLs drop says to leave out.
func copyOffline(t *testing.T, fixture string, files []string, drop func(url string) bool) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(must(os.ReadFile(filepath.Join(fixture, "MANIFEST.json"))), &m); err != nil {
		t.Fatal(err)
	}
	for u := range m {
		if drop(u) {
			delete(m, u)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "MANIFEST.json"), must(json.Marshal(m)), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestVerifyCommand_Offline: "laurel verify --offline DIR" reads every
// document from the folder, and its exit code tells valid (0), not valid
// (1), bad input (2) and could not be checked (3) apart.
func TestVerifyCommand_Offline(t *testing.T) {
	noKeys := offlineCopy(t, func(u string) bool { return strings.Contains(u, "/keys/") })
	tampered := filepath.Join(t.TempDir(), "tampered.json")
	cred := must(os.ReadFile(filepath.Join(offlineFixture, "credential.json")))
	if err := os.WriteFile(tampered, bytes.Replace(cred, []byte("Session Host"), []byte("Session Master"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	escape := t.TempDir()
	if err := os.WriteFile(filepath.Join(escape, "MANIFEST.json"), []byte(`{"https://example.org/k": "../../etc/passwd"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	jwtFile := filepath.Join(offlineFixture, "credential.jwt")
	ob2NoIssuer := copyOffline(t, offlineOB2Fixture, []string{"assertion.json", "badgeclass.json"},
		func(u string) bool { return strings.HasSuffix(u, "/organization.json") })
	const ob2URL = "https://example.org/beths-robotics-badge.json"
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		output string // the output starts with it
		stderr string
	}{
		{"OK/file", []string{"--offline", offlineFixture, jwtFile}, 0, "VALID (jwt)\nGenuine — issued by Lyon Gophers on 31 October 2026.", ""},
		{"OK/url", []string{"-offline", offlineFixture, "-json", offlineCredentialURL}, 0, "{", ""},
		{"tampered", []string{"--offline", offlineFixture, tampered}, 1, "NOT VALID (json)\nNot genuine", ""},
		{"keys missing", []string{"--offline", noKeys, jwtFile}, 3,
			"COULD NOT BE CHECKED (jwt)\nCould not be checked — the issuer's key at badges.example.org could not be reached.", ""},
		{"URL missing", []string{"--offline", noKeys, "https://badges.example.org/credentials/other"}, 3, "",
			"laurel: The credential could not be fetched from https://badges.example.org/credentials/other: https://badges.example.org/credentials/other is not in the offline folder."},
		{"OB 2.0/url", []string{"--offline", offlineOB2Fixture, ob2URL}, 0,
			"VALID (url, Open Badges 2.0)\nGenuine — issued by An Example Badge Issuer on 31 December 2016.", ""},
		{"OB 2.0/file", []string{"--offline", offlineOB2Fixture, filepath.Join(offlineOB2Fixture, "assertion.json")}, 0, "VALID (json, Open Badges 2.0)", ""},
		{"OB 2.0/issuer missing", []string{"--offline", ob2NoIssuer, ob2URL}, 3, "COULD NOT BE CHECKED (url, Open Badges 2.0)", ""},
		{"path escape", []string{"--offline", escape, jwtFile}, 2, "",
			`names the file "../../etc/passwd", which is not a relative path inside the folder`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, stderr bytes.Buffer
			err := run(t.Context(), append([]string{"verify"}, tc.args...), func(string) string { return "" }, strings.NewReader(""), &out, io.Discard)
			code := exitCode(err, &stderr)
			if code != tc.code || !strings.HasPrefix(out.String(), tc.output) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Fatalf("exit %d (%v), want %d\nstdout:\n%s\nstderr:\n%s", code, err, tc.code, out.String(), stderr.String())
			}
		})
	}
}

// TestVerifyCommand_Help documents every exit code and the offline folder.
func TestVerifyCommand_Help(t *testing.T) {
	out, err := runCmd(t, "verify", "-h")
	if exitCode(err, io.Discard) != 0 {
		t.Fatalf("verify -h: %v", err)
	}
	for _, want := range []string{"0  valid, or valid with warnings", "1  not valid", "2  the input cannot be read", "3  could not be checked", "MANIFEST.json", "-offline"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify -h does not say %q:\n%s", want, out)
		}
	}
}
