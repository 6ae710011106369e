package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_SettingsDIDWeb chooses the did:web identifier in a
// community's settings, as its administrator would: the page explains the
// choice and names the DID; once saved, the DID document is published, a
// badge awarded before keeps its https identity and still verifies, and a
// new one is issued by the DID. Screenshots of the page with the option
// on, at both widths in both colour schemes.
func TestBrowser_SettingsDIDWeb(t *testing.T) {
	t.Parallel()
	w := &consoleWorld{email: "ada.admin@example.org", password: "copper kettle on the stove"}
	m, out := startMainEnv(t, map[string]string{"LAUREL_ADMIN_EMAIL": w.email})
	w.base, w.main = m.URL(), m
	_, token := linkToken(t, out)
	w.passwordPath = "/admin/password/" + token
	c := newClient(t, w.base, adminKey(t, out))
	w.issuer = str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers", "url": "https://gophers.example.org"}, http.StatusCreated), "id")
	badge := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{
		"name": "Session Host", "description": "Hosted a community session.", "criteria": "Host a session.", "status": "active"}, http.StatusCreated), "id")
	award := func(email string) map[string]any {
		return c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{"achievementId": badge, "email": email, "name": "Ada"}, http.StatusCreated)
	}
	before := award("ada@example.org")

	b := browsertest.New(t)
	tab := b.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	w.signIn(t, tab, w.password)
	settings := "/admin/c/" + w.issuer + "/settings"
	tab.Go(t, w.base+settings)
	hint := tab.Text(t, "#f-identifier-hint")
	did := "did:web:" + strings.ReplaceAll(strings.TrimPrefix(w.base, "http://"), ":", "%3A") + ":issuers:" + w.issuer
	if !strings.Contains(hint, "Lets wallets’ trust registries list you") || !strings.Contains(hint, "Credentials already issued keep their identifier") ||
		!strings.Contains(hint, did) {
		t.Errorf("the option's explanation says %q; want it to name %s", hint, did)
	}
	tab.Check(t, "#f-identifier", true)
	tab.Click(t, "#profile button[type=submit]")
	if got := tab.Text(t, ".flash"); !strings.Contains(got, "are saved") {
		t.Fatalf("saving says %q", got)
	}
	if got := tab.Attr(t, "#f-identifier-hint a", "href"); got != w.base+"/issuers/"+w.issuer+"/did.json" {
		t.Errorf("the DID document link is %q", got)
	}

	var doc struct{ ID string }
	if err := json.Unmarshal(c.do(t, "GET", "/issuers/"+w.issuer+"/did.json", "", nil, http.StatusOK), &doc); err != nil || doc.ID != did {
		t.Fatalf("DID document id %q (%v), want %s", doc.ID, err, did)
	}
	after := award("grace@example.org")
	for _, tc := range []struct {
		cred   map[string]any
		issuer string
	}{{before, w.base + "/issuers/" + w.issuer}, {after, did}} {
		if got := tc.cred["credential"].(map[string]any)["issuer"].(map[string]any)["id"]; got != tc.issuer {
			t.Errorf("credential %s names %v, want %s", tc.cred["id"], got, tc.issuer)
		}
		rep := c.json(t, "POST", "/api/v1/verify", map[string]any{"credential": tc.cred["jwt"]}, http.StatusOK)
		if rep["verdict"] != "valid" {
			t.Errorf("credential %s: verdict %v", tc.cred["id"], rep["verdict"])
		}
	}
	photographPages(t, w.base, []appPage{{name: "settings-didweb", path: settings}}, b, b, func(t *testing.T, tab *browsertest.Tab, p appPage, v view) {
		checkConsolePage(t, tab, p.status, v.width, v.scheme)
	})
}
