package api_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

var webhookSecret = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`)

// shownSecret is the webhook secret a page shows, read as the browser
// reads it: the template writes a "+" in an attribute as "&#43;".
func shownSecret(body string) string { return webhookSecret.FindString(html.UnescapeString(body)) }

// TestConsoleWebhooks_Create: an admin makes a webhook, sees its secret
// once, then finds it listed and on its own page without the secret.
func TestConsoleWebhooks_Create(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	base := "/admin/c/" + iss + "/integrations/webhooks"
	admin.get(t, "/admin/c/"+iss+"/integrations").wantPage(t, http.StatusOK, "Integrations", "Webhooks", "Chat channels", "Activity sources", "Meeting attendance", "Add a channel", "Upload a report", "API reference")
	admin.get(t, base).wantPage(t, http.StatusOK, "No webhook yet", "Add a webhook", "A badge is issued to a member.")

	desc := "<b>Badge wall</b>"
	admin.post(t, base, url.Values{"url": {"https://hooks.example.org/wall"}, "description": {desc}, "events": {"credential.issued", "member.created"}}).
		wantRedirect(t, base+"/created")
	shown := admin.get(t, base+"/created")
	shown.wantPage(t, http.StatusOK, "Copy the signing secret now", "This page shows the secret once")
	secret := shownSecret(shown.Body)
	if secret == "" {
		t.Fatalf("no secret on the page: %s", shown.Body)
	}
	again := admin.get(t, base+"/created")
	again.wantPage(t, http.StatusOK, "The secret is no longer shown")

	list := admin.get(t, base)
	list.wantPage(t, http.StatusOK, "https://hooks.example.org/wall", desc, "credential.issued", "Enabled")
	if strings.Contains(list.Body, "<b>Badge wall</b>") || strings.Contains(html.UnescapeString(list.Body), secret) || strings.Contains(html.UnescapeString(again.Body), secret) {
		t.Fatal("the list shows markup or the secret")
	}
	var got struct{ Items []webhookView }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks"}).want(t, 200).JSON(t, &got)
	id := got.Items[0].ID
	page := admin.get(t, base+"/"+id)
	page.wantPage(t, http.StatusOK, desc, "Nothing delivered yet", "Send a test ping", "Rotate the secret")
	if strings.Contains(html.UnescapeString(page.Body), secret) {
		t.Fatal("the endpoint's page shows the secret")
	}
}

// TestConsoleWebhooks_BadInput: a bad URL or no event comes back on its
// field with what was typed; nothing is made.
func TestConsoleWebhooks_BadInput(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	base := "/admin/c/" + iss + "/integrations/webhooks"
	bad := admin.post(t, base, url.Values{"url": {"ftp://hooks.example.org/x"}, "description": {"Kept"}, "events": {"member.created"}})
	bad.wantPage(t, http.StatusBadRequest, "There is a problem", "Kept")
	bad.wantHTML(t, `href="#f-url"`, `value="member.created" checked`)
	admin.post(t, base, url.Values{"url": {"https://hooks.example.org/x"}}).wantHTML(t, `href="#f-events"`)
	admin.get(t, base).wantPage(t, http.StatusOK, "No webhook yet")
}

// TestConsoleWebhooks_Roles: a viewer sees the webhooks and their
// deliveries but changes nothing; no form works without the CSRF token.
func TestConsoleWebhooks_Roles(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	w := mustWebhook(t, ts, iss, "https://hooks.example.org/site")
	base := "/admin/c/" + iss + "/integrations/webhooks"
	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	viewer.get(t, base).wantPage(t, http.StatusOK, "https://hooks.example.org/site")
	if p := viewer.get(t, base+"/"+w.ID); p.Code != http.StatusOK || strings.Contains(p.Body, "Send a test ping") || strings.Contains(p.Body, "/delete") {
		t.Fatalf("a viewer's page offers changes: %d %s", p.Code, p.Body)
	}
	for _, path := range []string{base, base + "/" + w.ID + "/edit", base + "/" + w.ID + "/state", base + "/" + w.ID + "/delete", base + "/" + w.ID + "/rotate"} {
		if p := viewer.post(t, path, url.Values{"url": {"https://evil.example/"}, "events": {"member.created"}, "enabled": {"false"}}); p.Code != http.StatusForbidden {
			t.Errorf("a viewer's POST %s → %d, want 403", path, p.Code)
		}
	}
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	if p := admin.post(t, base+"/"+w.ID+"/delete", url.Values{"csrf": {"forged"}}); p.Code != http.StatusForbidden {
		t.Errorf("a POST without the session's CSRF token → %d, want 403", p.Code)
	}
	var still webhookView
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks/" + w.ID}).want(t, 200).JSON(t, &still)
	if still.URL != "https://hooks.example.org/site" || still.State != "enabled" {
		t.Fatalf("the endpoint changed: %+v", still)
	}
	other := mustIssuer(t, ts)
	theirs := mustWebhook(t, ts, other, "https://hooks.example.org/theirs")
	admin.get(t, base+"/"+theirs.ID).wantPage(t, http.StatusNotFound)
	if p := admin.post(t, base+"/"+theirs.ID+"/delete", nil); p.Code != http.StatusNotFound {
		t.Errorf("deleting another community's webhook → %d, want 404", p.Code)
	}
}

// TestConsoleWebhooks_Manage: edit, disable and enable, rotate (asked
// first, the new secret shown once), remove (asked first).
func TestConsoleWebhooks_Manage(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	w := mustWebhook(t, ts, iss, "https://hooks.example.org/site")
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	one := "/admin/c/" + iss + "/integrations/webhooks/" + w.ID
	admin.get(t, one+"/edit").wantHTML(t, `value="https://hooks.example.org/site"`, `value="credential.issued" checked`)
	admin.post(t, one+"/edit", url.Values{"url": {"https://hooks.example.org/new"}, "events": {"badge.activated"}}).wantRedirect(t, one)
	admin.post(t, one+"/state", url.Values{"enabled": {"false"}}).wantRedirect(t, one)
	admin.get(t, one).wantPage(t, http.StatusOK, "https://hooks.example.org/new", "badge.activated", "Disabled by an admin.", "This webhook receives nothing.")
	admin.post(t, one+"/state", url.Values{"enabled": {"true"}}).wantRedirect(t, one)
	admin.post(t, one+"/ping", nil).wantRedirect(t, one) // this server sends no webhooks
	admin.get(t, one).wantPage(t, http.StatusOK, "The test ping was not sent.")

	admin.get(t, one+"/rotate").wantPage(t, http.StatusOK, "Rotate the signing secret?", "both the old and the new secret")
	admin.post(t, one+"/rotate", nil).wantRedirect(t, "/admin/c/"+iss+"/integrations/webhooks/created")
	rotated := admin.get(t, "/admin/c/"+iss+"/integrations/webhooks/created")
	rotated.wantPage(t, http.StatusOK, "The new secret of", "24 hours")
	if s := shownSecret(rotated.Body); s == "" || s == w.Secret {
		t.Fatalf("rotated secret %q, was %q", s, w.Secret)
	}
	admin.get(t, one+"/delete").wantPage(t, http.StatusOK, "Remove the webhook?", "with its delivery log")
	admin.post(t, one+"/delete", nil).wantRedirect(t, "/admin/c/"+iss+"/integrations/webhooks")
	admin.get(t, one).wantPage(t, http.StatusNotFound)
}

// TestConsoleWebhooks_Deliveries: a test ping's answer in words, its
// delivery with the payload, sent again, and a range of days replayed
// after a confirmation.
func TestConsoleWebhooks_Deliveries(t *testing.T) {
	ts := newHookServer(t)
	iss := mustIssuer(t, ts)
	w := mustWebhook(t, ts, iss, newReceiver(t, http.StatusNotFound).URL)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	one := "/admin/c/" + iss + "/integrations/webhooks/" + w.ID
	loc := admin.post(t, one+"/ping", nil).wantRedirect(t, one+"/deliveries/")
	d := admin.get(t, loc)
	d.wantPage(t, http.StatusOK, "Test ping not delivered (404 Not Found)", "Failed", "What was sent", `"type": "ping"`, "Deliver again")
	admin.get(t, one).wantPage(t, http.StatusOK, "ping", "404 Not Found", "Failed")
	admin.post(t, loc+"/redeliver", nil).wantRedirect(t, one)

	today := time.Now().UTC().Format(time.DateOnly)
	admin.get(t, one+"/replay").wantHTML(t, `type="date"`)
	admin.post(t, one+"/replay", url.Values{"from": {"2026-05-10"}, "to": {"2026-05-01"}}).wantHTML(t, `href="#f-to"`)
	admin.post(t, one+"/replay", url.Values{"from": {"2026-01-01"}, "to": {"2026-03-01"}}).wantPage(t, http.StatusBadRequest, "at most 31 days")
	confirm := admin.post(t, one+"/replay", url.Values{"from": {today}, "to": {today}})
	confirm.wantPage(t, http.StatusOK, "is queued to be delivered again", "Deliver them again")
	admin.post(t, one+"/replay", url.Values{"from": {today}, "to": {today}, "confirm": {"yes"}}).wantRedirect(t, one)
	admin.get(t, one).wantPage(t, http.StatusOK, "1 delivery is queued to be delivered again.")
}

// mustDelivery stores a failed delivery of a credential.issued event to
// the endpoint, as the outbox would after giving up on it.
func mustDelivery(t *testing.T, ts *testServer, issuerID, endpointID string) string {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	d := &badges.WebhookDelivery{ID: badges.NewID(), IssuerID: issuerID, EndpointID: endpointID, EventID: "credential.issued:test",
		EventType: badges.EventCredentialIssued, State: badges.DeliveryFailed, Attempts: 1, CreatedAt: now,
		Log:     []badges.DeliveryAttempt{{At: now, Status: http.StatusGone, Detail: "Gone.", Duration: 40 * time.Millisecond}},
		Payload: []byte(`{"type":"credential.issued"}`), MediaType: "application/json"}
	if err := ts.stores.Webhooks.AddDeliveries(t.Context(), []*badges.WebhookDelivery{d}, nil); err != nil {
		t.Fatal(err)
	}
	return d.ID
}
