package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_ConsoleChat adds chat channels as an admin would, in the
// browser — a Slack channel that a local receiver stands in for, a Discord
// one, and a Teams one whose receiver is gone — sends test posts, and
// photographs the chat page (and the removal's confirmation) at both
// widths, light and dark.
func TestBrowser_ConsoleChat(t *testing.T) {
	t.Parallel()
	var posts atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		posts.Add(1)
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(rcv.Close)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()

	const email, password = "ada.admin@example.org", "copper kettle on the stove"
	m, out := startMainWith(t, t.TempDir(), func(c *Config) { c.WebhookAllowLoopback = true },
		func(k string) string { return map[string]string{"LAUREL_ADMIN_EMAIL": email}[k] })
	base := m.URL()
	_, token := linkToken(t, out)
	c := newClient(t, base, adminKey(t, out))
	issuer := str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers", "url": "https://gophers.example.org"}, http.StatusCreated), "id")

	b := browsertest.New(t)
	tab := signInFirstAdmin(t, b, base, token, email, password)

	page := base + "/admin/c/" + issuer + "/integrations/chat"
	tab.Go(t, page)
	tab.WantNoProblems(t)
	for _, ch := range []struct{ kind, url, note string }{
		{"slack", rcv.URL + "/services/T0001/B0001/kettleSecret42", "#announcements"},
		{"discord", rcv.URL + "/api/webhooks/1234/discordSecretQz", "#general in the Gophers server"},
		{"teams", gone.URL + "/workflows/abc/triggers/manual/paths/invoke?sig=teamsSecret77", ""},
	} {
		tab.Fill(t, "#f-kind", ch.kind)
		tab.Fill(t, "#f-url", ch.url)
		tab.Fill(t, "#f-description", ch.note)
		tab.Check(t, "#f-spotlight", ch.kind != "discord")
		tab.Click(t, "#add-channel button.primary")
		if got := tab.Text(t, ".flash"); !strings.Contains(got, "channel is added") {
			t.Fatalf("adding the %s channel: the flash says %q", ch.kind, got)
		}
	}
	for i := 1; i <= 3; i++ {
		tab.Click(t, "table.chat-channels tbody tr:nth-child("+string(rune('0'+i))+") .chat-actions button")
	}
	if got := tab.Text(t, ".flash"); !strings.Contains(got, "did not reach Microsoft Teams") {
		t.Errorf("the Teams test post's flash says %q", got)
	}
	if n := posts.Load(); n != 2 {
		t.Errorf("%d test posts reached the receiver, want 2", n)
	}
	if body := tab.Text(t, "main"); strings.Contains(body, "Secret") {
		t.Errorf("the page shows a channel's secret URL: %s", body)
	}
	removal := tab.Attr(t, "table.chat-channels tbody tr:nth-child(2) .chat-actions a", "href")
	pages := []appPage{{name: "chat", path: strings.TrimPrefix(page, base)}, {name: "chat-remove", path: removal}}
	photographPages(t, base, pages, b, nil, func(t *testing.T, tab *browsertest.Tab, p appPage, v view) {
		checkConsolePage(t, tab, p.status, v.width, v.scheme)
	})
}
