package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_ConsoleIntegrations opens the Integrations hub and the
// webhook pages as a community's first administrator: the hub, the list
// of webhooks, an endpoint's delivery log after a test ping, a delivery,
// and the page that shows a new webhook's secret once (made through the
// form in each view, since it cannot be opened twice).
func TestBrowser_ConsoleIntegrations(t *testing.T) {
	t.Parallel()
	const email, password = "ada.admin@example.org", "copper kettle on the stove"
	m, out := startMainWith(t, t.TempDir(), func(c *Config) { c.WebhookAllowLoopback = true },
		func(k string) string { return map[string]string{"LAUREL_ADMIN_EMAIL": email}[k] })
	base, token := linkToken(t, out)
	c := newClient(t, m.URL(), adminKey(t, out))
	issuer := str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers"}, http.StatusCreated), "id")
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	t.Cleanup(rcv.Close)
	hooks := "/api/v1/issuers/" + issuer + "/webhooks"
	c.json(t, "POST", hooks, map[string]any{"url": "https://hooks.example.org/crm/laurel-events?source=badges&team=community-engagement",
		"events": []string{"credential.issued", "member.created", "nomination.decided"}, "description": "CRM contact timeline"}, http.StatusCreated)
	failing := str(t, c.json(t, "POST", hooks, map[string]any{"url": rcv.URL + "/hook", "events": []string{"credential.issued"},
		"description": "Website badge wall"}, http.StatusCreated), "id")
	c.json(t, "POST", "/api/v1/issuers/"+issuer+"/hooks", map[string]any{"target_url": "https://hooks.zapier.example/hooks/standard/1/abc", "event": "credential.issued"}, http.StatusCreated)
	ping := str(t, c.json(t, "POST", hooks+"/"+failing+"/ping", nil, http.StatusOK), "id")

	b := browsertest.New(t)
	signInFirstAdmin(t, b, base, token, email, password)

	w := "/admin/c/" + issuer + "/integrations/webhooks"
	photographPages(t, base, []appPage{
		{name: "integrations", path: "/admin/c/" + issuer + "/integrations"},
		{name: "webhooks", path: w},
		{name: "webhook-log", path: w + "/" + failing},
		{name: "webhook-delivery", path: w + "/" + failing + "/deliveries/" + ping},
		{name: "webhook-replay", path: w + "/" + failing + "/replay"},
	}, b, b, func(t *testing.T, tab *browsertest.Tab, p appPage, v view) {
		checkConsolePage(t, tab, p.status, v.width, v.scheme)
	})

	dir := browsertest.ScreenshotDir(t)
	for _, v := range views() {
		t.Run("webhook-secret/"+v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := b.Open(t, base+w, v.width, v.height, v.scheme)
			tab.Fill(t, "#f-url", "https://hooks.example.org/"+v.name+"/"+string(v.scheme))
			tab.Check(t, "#event-member\\.created", true)
			tab.Click(t, "#new-webhook button.primary")
			if got := tab.Attr(t, "#once-secret", "value"); !strings.HasPrefix(got, "whsec_") {
				t.Fatalf("the secret shown is %q", got)
			}
			checkConsolePage(t, tab, 0, v.width, v.scheme)
			tab.Screenshot(t, filepath.Join(dir, "webhook-secret-"+v.name+"-"+string(v.scheme)+".png"))
		})
	}
}

// signInFirstAdmin sets the first administrator's password through the
// link Laurel printed, then signs in with it, in a tab at 1280 px.
func signInFirstAdmin(t *testing.T, b *browsertest.Browser, base, token, email, password string) *browsertest.Tab {
	t.Helper()
	tab := b.Open(t, base+"/admin/password/"+token, 1280, 800)
	tab.Fill(t, "#f-password", password)
	tab.Fill(t, "#f-confirm", password)
	tab.Click(t, "button[type=submit]")
	tab.Fill(t, "#f-email", email)
	tab.Fill(t, "#f-password", password)
	tab.Click(t, "button.primary")
	return tab
}
