package main

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

var passwordLinkRE = regexp.MustCompile(`(\S+)/admin/password/([A-Za-z0-9_-]{43})\b`)

// linkToken finds the set-password link in out: its base and token.
func linkToken(t *testing.T, out string) (base, token string) {
	t.Helper()
	m := passwordLinkRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no set-password link in:\n%s", out)
	}
	return m[1], m[2]
}

// TestAdminCommand makes a console administrator from the command line,
// sets its password through the link and prints a fresh link.
func TestAdminCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"LAUREL_DATA_DIR": dir, "LAUREL_BASE_URL": "https://badges.example.org/"}
	out, err := runCmdEnv(t, env, "admin", "create", "--email", "Ann@Example.org", "--name", "Ann Lee")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	base, first := linkToken(t, out)
	if base != "https://badges.example.org" || !strings.Contains(out, "Ann Lee <ann@example.org>") {
		t.Errorf("output:\n%s", out)
	}
	if _, err := runCmdEnv(t, env, "admin", "create", "--email", "ann@example.org"); err == nil || !strings.Contains(err.Error(), "laurel admin link") {
		t.Errorf("second create: %v", err)
	}
	out, err = runCmdEnv(t, env, "admin", "link", "--email", "ANN@example.org")
	if err != nil {
		t.Fatalf("link: %v\n%s", err, out)
	}
	_, second := linkToken(t, out)
	for _, bad := range [][]string{
		{"admin", "link", "--email", "nobody@example.org"},
		{"admin", "create"},
		{"admin", "create", "--email", "not an address"},
		{"admin", "promote", "--email", "ann@example.org"},
		{"admin"},
	} {
		if _, err := runCmdEnv(t, env, bad...); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}

	m := NewMain(io.Discard, io.Discard)
	m.Config.DataDir = dir
	l, err := m.openData(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := l.Accounts.SetPassword(t.Context(), first, "a long good password"); badges.ErrorCode(err) != badges.EINVALID {
		t.Errorf("first link after a second: %v", err)
	}
	a, err := l.Accounts.SetPassword(t.Context(), second, "a long good password")
	if err != nil || !a.ServiceAdmin || a.Name != "Ann Lee" {
		t.Fatalf("set password: %+v, %v", a, err)
	}
	if _, _, _, err := l.Accounts.SignIn(t.Context(), "ann@example.org", "a long good password", "127.0.0.1", ""); err != nil {
		t.Errorf("sign in: %v", err)
	}
}

// TestFirstAdmin: while there is no account, a start makes the
// administrator LAUREL_ADMIN_EMAIL names, or the demo's, or says how to
// make one.
func TestFirstAdmin(t *testing.T) {
	for _, tc := range []struct {
		name, email string
		demo        bool
		want        string
	}{
		{"hint", "", false, "Create the first console administrator with: laurel admin create --email you@example.org\n"},
		{"from the environment", "boss@example.org", false, "Console administrator boss@example.org: set the password"},
		{"demo", "", true, "Console administrator admin@example.org: set the password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			m := NewMain(&out, io.Discard)
			m.Config.DataDir, m.Config.Demo = t.TempDir(), tc.demo
			m.getenv = func(k string) string {
				if k == "LAUREL_ADMIN_EMAIL" {
					return tc.email
				}
				return ""
			}
			l, err := m.openData(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if err := m.firstAdmin(t.Context(), "http://localhost:8080", l); err != nil || !strings.HasPrefix(out.String(), tc.want) {
				t.Fatalf("first start: %v\n%s", err, out.String())
			}
			some, err := l.Accounts.AnyAccount(t.Context())
			if err != nil || some != (tc.want[0] != 'C' || tc.demo || tc.email != "") {
				t.Errorf("accounts made: %v, %v", some, err)
			}
			if tc.email == "" && !tc.demo {
				return
			}
			linkToken(t, out.String())
			out.Reset()
			if err := m.firstAdmin(t.Context(), "http://localhost:8080", l); err != nil || out.Len() != 0 {
				t.Errorf("second start: %v\n%s", err, out.String())
			}
		})
	}
}
