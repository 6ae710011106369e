package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/hooks"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// newHookServer is a test server that sends webhooks, to receivers on
// this machine's loopback (which the operator's switch allows here).
func newHookServer(t *testing.T) *testServer {
	t.Helper()
	db := mongotest.NewDB(t)
	l := newLaurel(t, db)
	l.Webhooks.Sender = hooks.NewSender(hooks.Options{AllowLoopback: true, Timeout: 5 * time.Second})
	work, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); l.Work(work, 50*time.Millisecond, 0, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() { stop(); <-stopped })
	srv, err := l.Server(api.Config{BaseURL: baseURL, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	token, err := l.Stores.APIKeys.BootstrapAPIKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier, accounts: l.Accounts}
}

// receiver is a webhook receiver on this machine: it answers status and
// keeps the headers of what it was sent.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	status  int
	headers []http.Header
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.headers = append(r.headers, req.Header.Clone())
		w.WriteHeader(r.status)
	}))
	t.Cleanup(r.Close)
	return r
}

type webhookView struct {
	ID, URL, State, Secret, Description string
	Events                              []string
	RESTHook                            bool
}

func mustWebhook(t *testing.T, ts *testServer, issuerID, url string) webhookView {
	t.Helper()
	var w webhookView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + issuerID + "/webhooks",
		body: map[string]any{"url": url, "events": []string{"credential.issued"}}}).want(t, 201).JSON(t, &w)
	return w
}

func TestWebhooks_Manage(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	base := "/api/v1/issuers/" + iss + "/webhooks"
	r := ts.do(t, req{method: "POST", path: base, body: map[string]any{"url": "https://hooks.example.org/laurel",
		"events": []string{"credential.issued", "member.created"}, "description": "Website badge wall"}}).want(t, 201)
	var w webhookView
	r.JSON(t, &w)
	if !strings.HasPrefix(w.Secret, "whsec_") || w.State != "enabled" || len(w.Events) != 2 || r.Header().Get("Location") != base+"/"+w.ID {
		t.Fatalf("created = %+v, Location %q", w, r.Header().Get("Location"))
	}
	one := base + "/" + w.ID
	for _, path := range []string{base, one} {
		if b := ts.do(t, req{method: "GET", path: path}).want(t, 200).body; strings.Contains(string(b), "whsec_") || strings.Contains(string(b), `"secret"`) {
			t.Fatalf("GET %s shows the secret: %s", path, b)
		}
	}
	var changed webhookView
	ts.do(t, req{method: "PATCH", path: one, body: map[string]any{"enabled": false, "events": []string{"badge.activated"}}}).want(t, 200).JSON(t, &changed)
	if changed.State != "disabled" || len(changed.Events) != 1 || changed.Description != "Website badge wall" {
		t.Fatalf("changed = %+v", changed)
	}
	var rotated webhookView
	ts.do(t, req{method: "POST", path: one + "/rotate-secret", body: map[string]any{"overlapHours": 2}}).want(t, 200).JSON(t, &rotated)
	if !strings.HasPrefix(rotated.Secret, "whsec_") || rotated.Secret == w.Secret {
		t.Fatalf("rotated secret %q, was %q", rotated.Secret, w.Secret)
	}
	ts.do(t, req{method: "POST", path: one + "/rotate-secret"}).want(t, 200) // no body: the default overlap
	ts.do(t, req{method: "POST", path: one + "/rotate-secret", body: map[string]any{"overlapHours": 0}}).wantProblem(t, 400, "invalid", "overlapHours")
	ts.do(t, req{method: "POST", path: one + "/rotate-secret", body: map[string]any{"overlapHours": 169}}).wantProblem(t, 400, "invalid", "overlapHours")
	ts.do(t, req{method: "DELETE", path: one}).want(t, 204)
	ts.do(t, req{method: "GET", path: one}).wantProblem(t, 404, "not_found", "")
}

func TestWebhooks_BadInput(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	base := "/api/v1/issuers/" + iss + "/webhooks"
	for name, body := range map[string]map[string]any{
		"bad URL":        {"url": "ftp://hooks.example.org/x", "events": []string{"credential.issued"}},
		"relative URL":   {"url": "/hooks", "events": []string{"credential.issued"}},
		"unknown event":  {"url": "https://hooks.example.org/x", "events": []string{"credential.exploded"}},
		"no event":       {"url": "https://hooks.example.org/x", "events": []string{}},
		"unknown kind":   {"url": "https://hooks.example.org/x", "events": []string{"credential.issued"}, "kind": "fax"},
		"spotlight hook": {"url": "https://hooks.example.org/x", "events": []string{"credential.issued"}, "spotlight": true},
	} {
		t.Run(name, func(t *testing.T) {
			want := map[string]string{"bad URL": "url", "relative URL": "url", "unknown event": "events", "no event": "events",
				"unknown kind": "kind", "spotlight hook": "spotlight"}[name]
			ts.do(t, req{method: "POST", path: base, body: body}).wantProblem(t, 400, "invalid", want)
		})
	}
	t.Run("400/unknown field", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: base, body: map[string]any{"url": "https://hooks.example.org/x", "events": []string{"member.created"}, "secret": "mine"}}).
			wantProblem(t, 400, "invalid", "secret")
	})
	t.Run("404/no such community", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/nosuchissuer00000000/webhooks", body: map[string]any{"url": "https://hooks.example.org/x", "events": []string{"member.created"}}}).
			wantProblem(t, 404, "not_found", "")
	})
	t.Run("409/too many endpoints", func(t *testing.T) {
		other := mustIssuer(t, ts)
		for i := range badges.MaxEndpoints {
			mustWebhook(t, ts, other, fmt.Sprintf("https://hooks.example.org/%d", i))
		}
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + other + "/webhooks", body: map[string]any{"url": "https://hooks.example.org/more", "events": []string{"member.created"}}}).
			wantProblem(t, 409, "conflict", "")
	})
	t.Run("403/read key cannot create", func(t *testing.T) {
		read := mustKey(t, ts, badges.ScopeRead)
		ts.do(t, req{method: "POST", path: base, token: read, body: map[string]any{"url": "https://hooks.example.org/x", "events": []string{"member.created"}}}).want(t, 403)
		ts.do(t, req{method: "GET", path: base, token: read}).want(t, 200)
	})
}

// TestWebhooks_OtherCommunity: an endpoint is found only under its own
// community's path, whatever is asked of it.
func TestWebhooks_OtherCommunity(t *testing.T) {
	ts := newTestServer(t)
	mine, theirs := mustIssuer(t, ts), mustIssuer(t, ts)
	w := mustWebhook(t, ts, theirs, "https://hooks.example.org/theirs")
	p := "/api/v1/issuers/" + mine + "/webhooks/" + w.ID
	for _, q := range []req{
		{method: "GET", path: p},
		{method: "PATCH", path: p, body: map[string]any{"enabled": false}},
		{method: "POST", path: p + "/rotate-secret"},
		{method: "POST", path: p + "/ping"},
		{method: "GET", path: p + "/deliveries"},
		{method: "POST", path: p + "/replay", body: map[string]any{"from": "2026-05-01T00:00:00Z", "to": "2026-05-02T00:00:00Z"}},
		{method: "DELETE", path: "/api/v1/issuers/" + mine + "/hooks/" + w.ID},
		{method: "DELETE", path: p},
	} {
		r := ts.do(t, q)
		if r.Code != 404 && !(q.method == "DELETE" && strings.Contains(q.path, "/hooks/") && r.Code == 204) {
			t.Errorf("%s %s → %d, want 404", q.method, q.path, r.Code)
		}
	}
	var still webhookView
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + theirs + "/webhooks/" + w.ID}).want(t, 200).JSON(t, &still)
	if still.State != "enabled" {
		t.Fatalf("the other community's endpoint was changed: %+v", still)
	}
}

type deliveryView struct {
	ID, State, EventType, EventID string
	Attempts                      int
	Log                           []struct{ Status int }
	Payload                       map[string]any
}

func TestWebhooks_PingAndDeliveries(t *testing.T) {
	ts := newHookServer(t)
	iss := mustIssuer(t, ts)
	rcv := newReceiver(t, http.StatusOK)
	w := mustWebhook(t, ts, iss, rcv.URL+"/hook")
	one := "/api/v1/issuers/" + iss + "/webhooks/" + w.ID
	var ping deliveryView
	ts.do(t, req{method: "POST", path: one + "/ping"}).want(t, 200).JSON(t, &ping)
	if ping.State != "delivered" || len(ping.Log) != 1 || ping.Log[0].Status != 200 {
		t.Fatalf("ping = %+v", ping)
	}
	if h := rcv.headers[0]; h.Get("webhook-id") == "" || !strings.HasPrefix(h.Get("webhook-signature"), "v1,") || h.Get("webhook-timestamp") == "" {
		t.Fatalf("the receiver got no Standard Webhooks headers: %v", h)
	}
	var list struct {
		Items []deliveryView
		Total int
	}
	ts.do(t, req{method: "GET", path: one + "/deliveries?limit=10"}).want(t, 200).JSON(t, &list)
	if list.Total != 1 || list.Items[0].ID != ping.ID || list.Items[0].Payload != nil {
		t.Fatalf("deliveries = %+v", list)
	}
	var got deliveryView
	ts.do(t, req{method: "GET", path: one + "/deliveries/" + ping.ID}).want(t, 200).JSON(t, &got)
	if got.Payload == nil || got.Payload["type"] != "ping" {
		t.Fatalf("delivery = %+v", got)
	}
	ts.do(t, req{method: "POST", path: one + "/deliveries/" + ping.ID + "/redeliver"}).want(t, 202)
	ts.do(t, req{method: "GET", path: one + "/deliveries/nosuchdelivery0000000"}).wantProblem(t, 404, "not_found", "")

	var queued struct{ Queued int }
	now := time.Now().UTC()
	ts.do(t, req{method: "POST", path: one + "/replay", body: map[string]any{"from": now.Add(-time.Hour), "to": now.Add(time.Hour)}}).want(t, 202).JSON(t, &queued)
	if queued.Queued != 1 {
		t.Fatalf("replay queued %d, want the ping", queued.Queued)
	}
	ts.do(t, req{method: "POST", path: one + "/replay", body: map[string]any{"from": now, "to": now.Add(-time.Hour)}}).wantProblem(t, 400, "invalid", "to")
	ts.do(t, req{method: "POST", path: one + "/replay", body: map[string]any{"from": now.AddDate(0, 0, -32), "to": now}}).wantProblem(t, 400, "invalid", "to")
	ts.do(t, req{method: "POST", path: one + "/replay", body: map[string]any{"to": now}}).wantProblem(t, 400, "invalid", "from")

	// A disabled endpoint is sent nothing until it is enabled again.
	ts.do(t, req{method: "PATCH", path: one, body: map[string]any{"enabled": false}}).want(t, 200)
	ts.do(t, req{method: "POST", path: one + "/replay", body: map[string]any{"from": now.Add(-time.Hour), "to": now.Add(time.Hour)}}).wantProblem(t, 409, "conflict", "")
	ts.do(t, req{method: "POST", path: one + "/deliveries/" + ping.ID + "/redeliver"}).wantProblem(t, 409, "conflict", "")
}

// TestWebhooks_PingFails: a receiver that fails is a failed delivery with
// its status, not an error of the ping.
func TestWebhooks_PingFails(t *testing.T) {
	ts := newHookServer(t)
	iss := mustIssuer(t, ts)
	w := mustWebhook(t, ts, iss, newReceiver(t, http.StatusServiceUnavailable).URL)
	var ping deliveryView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/webhooks/" + w.ID + "/ping"}).want(t, 200).JSON(t, &ping)
	if ping.State != "failed" || len(ping.Log) != 1 || ping.Log[0].Status != 503 {
		t.Fatalf("ping = %+v", ping)
	}
}

// TestWebhooks_ChatKind: a chat channel is made through the same API; it
// has no secret, and its URL, which is its only credential, is shown by
// its origin alone.
func TestWebhooks_ChatKind(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	const slack = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX"
	r := ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/webhooks", body: map[string]any{"url": slack, "kind": "slack", "events": []string{"credential.issued"}, "spotlight": true}}).want(t, 201)
	var w webhookView
	r.JSON(t, &w)
	if w.Secret != "" || w.URL != "https://hooks.slack.com/…" || strings.Contains(string(r.body), "XXXXSECRETXXXX") {
		t.Fatalf("created chat channel = %s", r.body)
	}
	if b := ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks"}).want(t, 200).body; strings.Contains(string(b), "XXXXSECRETXXXX") {
		t.Fatalf("the list shows the channel's token: %s", b)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/webhooks/" + w.ID + "/rotate-secret"}).wantProblem(t, 409, "conflict", "")
}

// TestWebhooks_ChatURL: a chat channel made or changed through the API
// has its platform's incoming-webhook URL, as in the console; a webhook
// may have any URL.
func TestWebhooks_ChatURL(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	base := "/api/v1/issuers/" + iss + "/webhooks"
	for name, c := range map[string]struct{ kind, url string }{
		"any site as Slack":  {"slack", "https://hooks.example.org/services/T/B/x"},
		"Discord as Slack":   {"slack", "https://discord.com/api/webhooks/1/x"},
		"Slack as Discord":   {"discord", "https://hooks.slack.com/services/T/B/x"},
		"http Slack":         {"slack", "http://hooks.slack.com/services/T/B/x"},
		"old Teams":          {"teams", "https://example.webhook.office.com/webhookb2/x"},
		"loopback Slack":     {"slack", "http://127.0.0.1:9/services/T/B/x"},
		"no path on Discord": {"discord", "https://discord.com/"},
	} {
		t.Run(name, func(t *testing.T) {
			p := ts.do(t, req{method: "POST", path: base, body: map[string]any{"url": c.url, "kind": c.kind}}).wantProblem(t, 400, "invalid", "url")
			if !strings.Contains(p.Detail, "incoming-webhook URL") {
				t.Errorf("detail %q does not say what the URL should be", p.Detail)
			}
		})
	}
	var slack webhookView
	ts.do(t, req{method: "POST", path: base, body: map[string]any{"url": "https://hooks.slack.com/services/T/B/x", "kind": "slack"}}).want(t, 201).JSON(t, &slack)
	one := base + "/" + slack.ID
	ts.do(t, req{method: "PATCH", path: one, body: map[string]any{"url": "https://hooks.example.org/services/T/B/x"}}).wantProblem(t, 400, "invalid", "url")
	ts.do(t, req{method: "PATCH", path: one, body: map[string]any{"url": "https://hooks.slack.com/services/T/B/y"}}).want(t, 200)
	hook := mustWebhook(t, ts, iss, "https://hooks.example.org/x")
	ts.do(t, req{method: "PATCH", path: base + "/" + hook.ID, body: map[string]any{"url": "https://other.example.org/y"}}).want(t, 200)

	t.Run("loopback allowed", func(t *testing.T) {
		ts := newTestServer(t, func(c *api.Config) { c.ChatAnyURL = true })
		iss := mustIssuer(t, ts)
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/webhooks", body: map[string]any{"url": "http://127.0.0.1:9/hook", "kind": "slack"}}).want(t, 201)
	})
}

// TestWebhooks_MessagesReadAsSentences: what the service says of a bad
// endpoint is a capitalised sentence ending with a full stop that names
// the field at fault, in the API's problem and on the console's form.
func TestWebhooks_MessagesReadAsSentences(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	events := []string{"credential.issued"}
	for name, c := range map[string]struct {
		body  map[string]any
		field string
	}{
		"no URL":        {map[string]any{"url": "", "events": events}, "url"},
		"too long":      {map[string]any{"url": "https://hooks.example.org/" + strings.Repeat("x", badges.MaxEndpointURL), "events": events}, "url"},
		"relative":      {map[string]any{"url": "/hooks", "events": events}, "url"},
		"ftp":           {map[string]any{"url": "ftp://hooks.example.org/x", "events": events}, "url"},
		"no host":       {map[string]any{"url": "https:///x", "events": events}, "url"},
		"password":      {map[string]any{"url": "https://a:b@hooks.example.org/x", "events": events}, "url"},
		"unknown kind":  {map[string]any{"url": "https://hooks.example.org/x", "events": events, "kind": "fax"}, "kind"},
		"unknown event": {map[string]any{"url": "https://hooks.example.org/x", "events": []string{"credential.exploded"}}, "events"},
		"no event":      {map[string]any{"url": "https://hooks.example.org/x", "events": []string{}}, "events"},
		"spotlight":     {map[string]any{"url": "https://hooks.example.org/x", "events": events, "spotlight": true}, "spotlight"},
	} {
		t.Run(name, func(t *testing.T) {
			p := ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/webhooks", body: c.body}).wantProblem(t, 400, "invalid", c.field)
			if d := p.Detail; d == "" || d[:1] != strings.ToUpper(d[:1]) || !strings.HasSuffix(d, ".") || !strings.Contains(d, " "+c.field) {
				t.Errorf("detail %q is not a capitalised sentence naming %s", d, c.field)
			}
		})
	}
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	base := "/admin/c/" + iss + "/integrations/webhooks"
	admin.post(t, base, url.Values{"url": {""}, "events": {"member.created"}}).
		wantPage(t, http.StatusBadRequest, "The address to send events to, url, is required.")
	admin.post(t, base, url.Values{"url": {"https://hooks.example.org/x"}}).
		wantPage(t, http.StatusBadRequest, "The kinds of event to send, events, are required: name at least one, such as")
}
