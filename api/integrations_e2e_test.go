package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/hooks"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

// The whole chain of an integration, through the real HTTP API of a
// Laurel wired as the program wires it: a call of the API causes an
// event, Laurel's own describer names and links it, the webhook outbox's
// worker delivers it, signed, over real HTTP to a receiver on this
// machine (the operator's loopback switch is on), and chat channels get
// it in their platform's words.

// newIntegrationServer is a test server whose background work runs as
// the program runs it, whose webhooks reach this machine's loopback and
// whose events are described by Laurel's own describer.
func newIntegrationServer(t *testing.T) *testServer {
	t.Helper()
	db := mongotest.NewDB(t)
	l := newLaurelWithConfig(t, db, func(c *wire.Config) {
		c.Webhooks = hooks.NewSender(hooks.Options{AllowLoopback: true, Timeout: 5 * time.Second})
	})
	work, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); l.Work(work, 50*time.Millisecond, 0, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() { stop(); <-stopped })
	srv, err := l.Server(api.Config{BaseURL: baseURL, Logger: testLogger(t), ChatAnyURL: true})
	if err != nil {
		t.Fatal(err)
	}
	token, err := l.Stores.APIKeys.BootstrapAPIKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier, accounts: l.Accounts}
}

// signedReceiver is a webhook receiver that checks every delivery's
// signature with the Standard Webhooks library, under the secret the API
// answered, and keeps the payloads it accepts.
type signedReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	verifier *standardwebhooks.Webhook
	got      []badges.EventPayload
	refused  []string
}

func newSignedReceiver(t *testing.T) *signedReceiver {
	r := &signedReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() {
		r.Close()
		for _, why := range r.refusals() {
			t.Errorf("the receiver refused a delivery: %s", why)
		}
	})
	return r
}

func (r *signedReceiver) serve(w http.ResponseWriter, q *http.Request) {
	body, _ := io.ReadAll(q.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	var p badges.EventPayload
	switch {
	case r.verifier == nil:
		r.refused = append(r.refused, "a delivery came before the secret was known")
	case r.verifier.Verify(body, q.Header) != nil:
		r.refused = append(r.refused, "bad signature: "+r.verifier.Verify(body, q.Header).Error())
	case json.Unmarshal(body, &p) != nil:
		r.refused = append(r.refused, "not an event: "+string(body))
	default:
		r.got = append(r.got, p)
		return
	}
	w.WriteHeader(http.StatusUnauthorized)
}

// trust makes the receiver check signatures with secret, as its owner
// does after copying it from the API's answer.
func (r *signedReceiver) trust(t *testing.T, secret string) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatalf("the secret %q is not a Standard Webhooks secret: %v", secret, err)
	}
	r.mu.Lock()
	r.verifier = wh
	r.mu.Unlock()
}

func (r *signedReceiver) events() []badges.EventPayload {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]badges.EventPayload(nil), r.got...)
}

func (r *signedReceiver) refusals() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.refused...)
}

// waitFor waits for the receiver's first event of type et.
func (r *signedReceiver) waitFor(t *testing.T, et badges.EventType) badges.EventPayload {
	t.Helper()
	for range 200 {
		for _, p := range r.events() {
			if p.Type == et {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %s arrived; the receiver got %d events, refused %q", et, len(r.events()), r.refusals())
	return badges.EventPayload{}
}

// TestIntegrations_SignedWebhook: an endpoint made through the API hears
// of a badge awarded and then revoked through the API, signed with the
// secret the API answered, named and linked by Laurel's describer, in
// the shape the OpenAPI document gives each event; its delivery log
// shows both.
func TestIntegrations_SignedWebhook(t *testing.T) {
	ts := newIntegrationServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	rcv := newSignedReceiver(t)
	var hook webhookView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/webhooks",
		body: map[string]any{"url": rcv.URL + "/laurel", "events": []string{"credential.issued", "credential.revoked"}}}).want(t, 201).JSON(t, &hook)
	rcv.trust(t, hook.Secret)

	var cred credentialView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
		body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada Lovelace"}}).want(t, 201).JSON(t, &cred)
	issued := rcv.waitFor(t, badges.EventCredentialIssued)
	d := issued.Data
	switch {
	case d.Member == nil || d.Member.Name != "Ada Lovelace" || d.Member.ID != cred.MemberID:
		t.Errorf("issued: member %+v, want Ada Lovelace (%s)", d.Member, cred.MemberID)
	case d.Badge == nil || d.Badge.Name != "Session Host" || d.Badge.URL != baseURL+"/achievements/"+ach["id"].(string) || !strings.HasPrefix(d.Badge.ImageURL, baseURL+"/"):
		t.Errorf("issued: badge %+v", d.Badge)
	case d.Credential == nil || d.Credential.ID != cred.ID || d.Credential.URL != cred.URL:
		t.Errorf("issued: credential %+v, want %s at %s", d.Credential, cred.ID, cred.URL)
	case d.Community.ID != iss || d.Community.Name != "Gophers of Lyon" || d.Community.URL != baseURL+"/issuers/"+iss:
		t.Errorf("issued: community %+v", d.Community)
	}

	ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + cred.ID + "/revoke", body: map[string]any{"reason": "Issued to the wrong person"}}).want(t, 200)
	revoked := rcv.waitFor(t, badges.EventCredentialRevoked)
	if c := revoked.Data.Credential; c == nil || c.ID != cred.ID || c.RevokedOn == nil {
		t.Errorf("revoked: credential %+v, want %s with its revocation date", c, cred.ID)
	}
	if revoked.Data.Badge == nil || revoked.Data.Badge.Name != "Session Host" {
		t.Errorf("revoked: badge %+v", revoked.Data.Badge)
	}

	doc := mustOpenAPI(t)
	for _, p := range []badges.EventPayload{issued, revoked} {
		if err := webhookSchema(t, doc, p.Type).VisitJSON(asJSON(t, p)); err != nil {
			t.Errorf("%s does not match its schema in the OpenAPI document: %v", p.Type, err)
		}
	}
	var log struct {
		Items []deliveryView
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks/" + hook.ID + "/deliveries"}).want(t, 200).JSON(t, &log)
	if len(log.Items) != 2 || log.Items[0].State != "delivered" || log.Items[1].State != "delivered" {
		t.Errorf("the delivery log: %+v, want two deliveries", log.Items)
	}
}

// TestIntegrations_SlackChannel: a Slack channel made through the API
// announces a badge awarded to a member with a public profile, in
// Slack's words, and says nothing of one awarded to a member without.
func TestIntegrations_SlackChannel(t *testing.T) {
	ts := newIntegrationServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	rcv := newChatReceiver(t)
	var channel webhookView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/webhooks",
		body: map[string]any{"kind": "slack", "url": rcv.URL + "/services/T000/B000/tail"}}).want(t, 201).JSON(t, &channel)
	private := mustMember(t, ts, iss, "grace@example.org", "Grace Hopper")
	public := mustMemberOf(t, ts, iss, "ada@example.org", "Ada Lovelace", "ada-lovelace", true)
	for _, m := range []string{private, public} {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": ach["id"], "memberId": m}}).want(t, 201)
	}

	// Both deliveries are over once neither is pending: one posted, one
	// skipped (the channel announces nothing of it).
	states := waitForDeliveries(t, ts, iss, channel.ID, 2)
	if states["delivered"] != 1 || states["skipped"] != 1 {
		t.Errorf("deliveries by state %v, want one delivered and one skipped", states)
	}
	posts := rcv.received()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1 (the public member's)", len(posts))
	}
	var m struct{ Text string }
	if err := json.Unmarshal(posts[0], &m); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Text, "🎉 ") || !strings.Contains(m.Text, "Ada Lovelace earned Session Host") {
		t.Errorf("the post says %q, want 🎉 Ada Lovelace earned Session Host", m.Text)
	}
	if strings.Contains(string(posts[0]), "Grace") {
		t.Errorf("the post names the member without a public profile: %s", posts[0])
	}
}

// waitForDeliveries waits until an endpoint's log has n deliveries, none
// pending, and counts them by state.
func waitForDeliveries(t *testing.T, ts *testServer, iss, endpointID string, n int) map[string]int {
	t.Helper()
	var states map[string]int
	for range 200 {
		var log struct{ Items []deliveryView }
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks/" + endpointID + "/deliveries"}).want(t, 200).JSON(t, &log)
		states = map[string]int{}
		for _, d := range log.Items {
			states[d.State]++
		}
		if len(log.Items) >= n && states["pending"] == 0 {
			return states
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("deliveries by state %v, want %d none pending", states, n)
	return nil
}

// TestIntegrations_RestHook: a no-code tool's REST hook subscription
// hears of a member added through the API, signed; once it unsubscribes
// it hears of no other, while an endpoint still subscribed does.
func TestIntegrations_RestHook(t *testing.T) {
	ts := newIntegrationServer(t)
	iss := mustIssuer(t, ts)
	tool, still := newSignedReceiver(t), newSignedReceiver(t)
	var sub struct{ ID, Secret string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/hooks",
		body: map[string]any{"hookUrl": tool.URL + "/zap", "event": "member.created"}}).want(t, 201).JSON(t, &sub)
	tool.trust(t, sub.Secret)
	var other webhookView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/webhooks",
		body: map[string]any{"url": still.URL, "events": []string{"member.created"}}}).want(t, 201).JSON(t, &other)
	still.trust(t, other.Secret)

	ada := mustMember(t, ts, iss, "ada@example.org", "Ada Lovelace")
	created := tool.waitFor(t, badges.EventMemberCreated)
	if m := created.Data.Member; m == nil || m.ID != ada || m.Name != "Ada Lovelace" || created.Data.Community.ID != iss {
		t.Errorf("member.created: %+v", created.Data)
	}

	ts.do(t, req{method: "DELETE", path: "/api/v1/issuers/" + iss + "/hooks/" + sub.ID}).want(t, 204)
	grace := mustMember(t, ts, iss, "grace@example.org", "Grace Hopper")
	// The endpoint still subscribed hears of Grace: the event has been
	// fanned out, and the tool's subscription was no longer among its
	// endpoints.
	for range 200 {
		if len(still.events()) >= 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := still.events(); len(got) != 2 || got[1].Data.Member == nil || got[1].Data.Member.ID != grace {
		t.Fatalf("the endpoint still subscribed got %+v, want Ada's and Grace's", got)
	}
	time.Sleep(200 * time.Millisecond) // time for a wrong delivery to arrive
	if got := tool.events(); len(got) != 1 {
		t.Errorf("the tool got %d events after it unsubscribed, want only Ada's before: %+v", len(got)-1, got)
	}
}
