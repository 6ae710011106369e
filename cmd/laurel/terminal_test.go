package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeVerdict would, printed raw, return to the start of the line, erase
// it and write a green "VALID" where "NOT VALID" was.
const fakeVerdict = "\r\x1b[2K\x1b[32mVALID"

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ada Lovelace – Ünïcode 日本 🎉", "Ada Lovelace – Ünïcode 日本 🎉"},
		{"Host" + fakeVerdict, `Host\r\x1b[2K\x1b[32mVALID`},
		{"two\nlines\ttab\x00nul\x7fdel", `two\nlines\ttab\x00nul\x7fdel`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"raw byte \x9b31m", `raw byte \x9b31m`},
		{"\u202eevil\u202c \u2066isolate\u2069 \u2028", `\u202eevil\u202c \u2066isolate\u2069 \u2028`},
		{"marks \u200eLRM \u200fRLM \u061cALM", `marks \u200eLRM \u200fRLM \u061cALM`},
	}
	for _, tc := range tests {
		if got := escapeText(tc.in); got != tc.want {
			t.Errorf("escapeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"name":"Ada – 日本"}`, `{"name":"Ada – 日本"}`},
		{"{\"name\":\"del\x7f c1\u009b\"}", `{"name":"del\u007f c1\u009b"}`},
		{"{\"name\":\"\u202eevil\u202c \u2066isolate\u2069\"}", `{"name":"\u202eevil\u202c \u2066isolate\u2069"}`},
		{"{\"name\":\"\u200eLRM \u200fRLM \u061cALM\"}", `{"name":"\u200eLRM \u200fRLM \u061cALM"}`},
	}
	for _, tc := range tests {
		if got := string(escapeJSON([]byte(tc.in))); got != tc.want {
			t.Errorf("escapeJSON(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// wantInert fails if out holds anything a terminal would act on but the
// line breaks.
func wantInert(t *testing.T, out string) {
	t.Helper()
	for i, r := range out {
		if r != '\n' && controlRune(r) {
			t.Fatalf("control character %U at byte %d of the output:\n%s", r, i, out)
		}
	}
}

// TestVerifyCommand_EscapesCredentialText verifies a forged credential whose
// names carry terminal escapes and a right-to-left override: it is not
// valid, and the output says so with the names shown, not obeyed.
func TestVerifyCommand_EscapesCredentialText(t *testing.T) {
	forged := map[string]any{
		"@context":  []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:9f3e1c2a-6b1d-4c55-9a3e-0d6f2b8c7a11",
		"type":      []string{"VerifiableCredential", "OpenBadgeCredential"},
		"name":      "Credential" + fakeVerdict,
		"issuer":    map[string]any{"id": "did:example:forger", "type": []string{"Profile"}, "name": "Issuer\u202eevil\u009b2J"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"type": []string{"AchievementSubject"}, "achievement": map[string]any{
			"id": "urn:uuid:1c8f0a52-3f0e-4d8e-8f59-6a8d2f1f3b20", "type": []string{"Achievement"},
			"name": "Badge" + fakeVerdict, "description": "d", "criteria": map[string]any{"narrative": "n"}}},
	}
	data, err := json.Marshal(forged)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "forged.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}

	out, err := runCmd(t, "verify", file)
	if !errors.Is(err, errNotValid) {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	wantInert(t, out)
	if !strings.HasPrefix(out, "NOT VALID") {
		t.Errorf("the output does not start with NOT VALID:\n%s", out)
	}
	for _, want := range []string{`Badge:      Badge\r\x1b[2K\x1b[32mVALID`, `Issuer:     Issuer\u202eevil\u009b2J`} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}

	out, err = runCmd(t, "verify", "-json", file)
	if !errors.Is(err, errNotValid) {
		t.Fatalf("verify -json: %v\n%s", err, out)
	}
	wantInert(t, out)
	var rep struct {
		Credential struct{ AchievementName, IssuerName string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("the JSON report does not parse: %v\n%s", err, out)
	}
	if rep.Credential.AchievementName != "Badge"+fakeVerdict || rep.Credential.IssuerName != "Issuer\u202eevil\u009b2J" {
		t.Errorf("the JSON report changed the names: %+v", rep.Credential)
	}
}

func TestExitCode_EscapesErrors(t *testing.T) {
	var stderr bytes.Buffer
	if code := exitCode(errors.New("open forged"+fakeVerdict+".json: no such file"), &stderr); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	wantInert(t, stderr.String())
	if want := "laurel: open forged\\r\\x1b[2K\\x1b[32mVALID.json: no such file\n"; stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}
