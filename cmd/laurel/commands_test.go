package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCmd runs a command line of the laurel program and returns its output.
func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(t.Context(), args, func(string) string { return "" }, strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

func TestKeysCommand(t *testing.T) {
	dir := t.TempDir()
	m, stdout := startMain(t, dir, nil)
	c := newClient(t, m.URL(), adminKey(t, stdout))
	iss := str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Keys Community"}, 201), "id")
	ach := str(t, c.json(t, "POST", "/api/v1/issuers/"+iss+"/achievements",
		map[string]any{"name": "Host", "description": "Hosted.", "criteria": "Host.", "status": "active"}, 201), "id")
	c.json(t, "POST", "/api/v1/issuers/"+iss+"/awards", map[string]any{"achievementId": ach, "email": "a@example.org", "name": "A"}, 201)

	t.Run("refused while serve runs", func(t *testing.T) {
		_, err := runCmd(t, "keys", "list", "--issuer", iss, "--data-dir", dir)
		if err == nil || !strings.Contains(err.Error(), "another Laurel process") {
			t.Fatalf("err = %v; want the data directory to be locked", err)
		}
	})
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	out, err := runCmd(t, "keys", "rotate", "--issuer", iss, "--data-dir", dir)
	if err != nil {
		t.Fatalf("rotate: %v\n%s", err, out)
	}
	for _, want := range []string{"di-2", "jwt-2", "di-1", "jwt-1", "/issuers/" + iss + "/keys/jwt-2"} {
		if !strings.Contains(out, want) {
			t.Errorf("rotate output lacks %q:\n%s", want, out)
		}
	}
	out, err = runCmd(t, "keys", "list", "--issuer", iss, "--data-dir", dir)
	if err != nil || strings.Count(out, "true") != 2 || strings.Count(out, "false") != 2 {
		t.Fatalf("list: %v\n%s", err, out)
	}
	for _, bad := range [][]string{{"keys", "list", "--data-dir", dir}, {"keys", "burn", "--issuer", iss}, {"keys", "list", "--issuer", "aaaaaaaaaaaaaaaaaaaa", "--data-dir", dir}} {
		if _, err := runCmd(t, bad...); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}

	// The keys made before the rotation still verify what they signed: the
	// restarted server publishes all four.
	m2, _ := startMain(t, dir, nil)
	jwks := newClient(t, m2.URL(), "").json(t, "GET", "/issuers/"+iss+"/jwks.json", nil, 200)
	if keys, _ := jwks["keys"].([]any); len(keys) != 4 {
		t.Fatalf("JWKS after rotation: %v", jwks)
	}
}

func TestLoadCommand(t *testing.T) {
	out, err := runCmd(t, "load", "awards", "--rows", "30", "--batch", "20", "--alg", "EdDSA")
	if err != nil {
		t.Fatalf("load: %v\n%s", err, out)
	}
	if !strings.Contains(out, "issued 30 credentials") || strings.Count(out, "batch of") != 2 {
		t.Fatalf("output:\n%s", out)
	}
	if _, err := runCmd(t, "load", "awards", "--batch", "20000"); err == nil {
		t.Fatal("a batch over 10,000 was accepted")
	}
	if _, err := runCmd(t, "load", "awards", "--alg", "HS256"); err == nil {
		t.Fatal("-alg HS256 was accepted")
	}
	out, err = runCmd(t, "load", "pages", "--rows", "25", "--batch", "10", "--concurrency", "2", "--duration", "300ms")
	if err != nil {
		t.Fatalf("load pages: %v\n%s", err, out)
	}
	if !strings.Contains(out, "credential page (25 stored, 25 sampled)") || !strings.Contains(out, "; 0 failed") ||
		!strings.Contains(out, "qr.png: first request") || !strings.Contains(out, "preview.png: first request") {
		t.Fatalf("output:\n%s", out)
	}
	profile := filepath.Join(t.TempDir(), "cpu.pprof")
	out, err = runCmd(t, "load", "activities", "--members", "20", "--rows", "300", "--batch", "100", "--cpuprofile", profile)
	if err != nil {
		t.Fatalf("load activities: %v\n%s", err, out)
	}
	if fi, err := os.Stat(profile); err != nil || fi.Size() == 0 {
		t.Errorf("-cpuprofile wrote no profile: %v", err)
	}
	if !strings.Contains(out, "imported 20 members") || !strings.Contains(out, "recorded 300 activities for 20 members") {
		t.Fatalf("output:\n%s", out)
	}
	for _, proof := range []string{"jwt", "di"} {
		out, err = runCmd(t, "load", "verify", "--proof", proof, "--credentials", "3", "--concurrency", "2", "--duration", "300ms")
		if err != nil {
			t.Fatalf("load verify: %v\n%s", err, out)
		}
		if !strings.Contains(out, "verify ("+proof+", 3 credentials)") || !strings.Contains(out, "; 0 failed") {
			t.Fatalf("output:\n%s", out)
		}
	}
}

func TestVerifyCommand(t *testing.T) {
	m, stdout := startMain(t, t.TempDir(), nil)
	c := newClient(t, m.URL(), adminKey(t, stdout))
	iss := str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Verify Community"}, 201), "id")
	ach := str(t, c.json(t, "POST", "/api/v1/issuers/"+iss+"/achievements",
		map[string]any{"name": "Host", "description": "Hosted.", "criteria": "Host.", "status": "active"}, 201), "id")
	cred := c.json(t, "POST", "/api/v1/issuers/"+iss+"/awards", map[string]any{"achievementId": ach, "email": "a@example.org", "name": "A"}, 201)
	dir := t.TempDir()
	jwtFile := filepath.Join(dir, "badge.jwt")
	if err := os.WriteFile(jwtFile, []byte(str(t, cred, "jwt")), 0o600); err != nil {
		t.Fatal(err)
	}

	out, err := runCmd(t, "verify", "-allow-loopback", "-email", "a@example.org", jwtFile)
	if err != nil || !strings.HasPrefix(out, "VALID") || !strings.Contains(out, "the e-mail address matches") {
		t.Fatalf("verify file: %v\n%s", err, out)
	}
	out, err = runCmd(t, "verify", "-allow-loopback", "-json", str(t, cred, "url"))
	if err != nil || !strings.Contains(out, `"verdict": "valid"`) {
		t.Fatalf("verify URL: %v\n%s", err, out)
	}
	// Without -allow-loopback the keys on localhost cannot be fetched: the
	// proof cannot be checked, so the credential could not be checked (3),
	// neither valid nor shown to be invalid.
	out, err = runCmd(t, "verify", jwtFile)
	if exitCode(err, io.Discard) != 3 || !strings.HasPrefix(out, "COULD NOT BE CHECKED") ||
		!strings.Contains(out, "Could not be checked — the issuer's key at localhost could not be reached") {
		t.Fatalf("verify without loopback: %v\n%s", err, out)
	}
	tampered := filepath.Join(dir, "tampered.jwt")
	jwt := str(t, cred, "jwt")
	if err := os.WriteFile(tampered, []byte(jwt[:len(jwt)-4]+"AAAA"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err = runCmd(t, "verify", "-allow-loopback", tampered); !errors.Is(err, errNotValid) || !strings.HasPrefix(out, "NOT VALID") {
		t.Fatalf("tampered: %v\n%s", err, out)
	}
	if _, err := runCmd(t, "verify", filepath.Join(dir, "missing.jwt")); err == nil || exitCode(err, io.Discard) != 2 {
		t.Fatalf("missing file: %v", err)
	}
}

// TestAPIKeyCommand creates an admin key from the command line, the way
// back in when no admin key is at hand, and uses it through the API.
func TestAPIKeyCommand(t *testing.T) {
	dir := t.TempDir()
	m, _ := startMain(t, dir, nil)
	t.Run("refused while serve runs", func(t *testing.T) {
		_, err := runCmd(t, "apikey", "create", "-name", "recovery", "--data-dir", dir)
		if err == nil || !strings.Contains(err.Error(), "Another Laurel process") {
			t.Fatalf("err = %v; want the data directory to be locked", err)
		}
	})
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{
		{"apikey", "create", "-name", "x", "-scopes", "root", "--data-dir", dir},
		{"apikey", "create", "-scope", "read", "-scope", "root", "--data-dir", dir},
		{"apikey", "create", "-name", "recovery\x1b[2J", "--data-dir", dir},
		{"apikey", "burn"},
		{"apikey"},
	} {
		if _, err := runCmd(t, bad...); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
	out, err := runCmd(t, "apikey", "create", "-name", "recovery", "--data-dir", dir)
	if err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	token := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	if !strings.HasPrefix(token, "lrl_") {
		t.Fatalf("no token on the last line:\n%s", out)
	}
	// -scope may be repeated or list scopes; -name may be left out.
	out, err = runCmd(t, "apikey", "create", "-scope", "read", "-scope", "ingest,read", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "(Created on the command line on "+time.Now().UTC().Format("2 January 2006")+", scopes read,ingest,read)") {
		t.Fatalf("create with -scope and no name: %v\n%s", err, out)
	}
	m2, _ := startMain(t, dir, nil)
	keys := newClient(t, m2.URL(), token).json(t, "GET", "/api/v1/apikeys", nil, 200)
	items, _ := keys["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("API keys after create: %v", keys)
	}
	last, _ := items[2].(map[string]any)
	if scopes, _ := last["scopes"].([]any); len(scopes) != 2 || scopes[0] != "read" || scopes[1] != "ingest" {
		t.Errorf("scopes of the key made with -scope: %v", last)
	}
}
