package hooks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/laurel-badges/laurel/api/hooks"
	"github.com/laurel-badges/laurel/badges"
)

// TestWebhooks_Signed: a published event reaches the endpoint signed as
// the Standard Webhooks library and an independent verifier accept, with
// the event's JSON; published again, it is not delivered again.
func TestWebhooks_Signed(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	_, secret := f.endpoint(t, r.URL)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	f.publish(t, "credential.issued:c1")
	f.publish(t, "credential.issued:c1", "credential.issued:c1") // before its fan-out
	f.drain(t)
	f.publish(t, "credential.issued:c1") // after it
	f.drain(t)
	got := r.requests()
	if len(got) != 1 {
		t.Fatalf("the receiver got %d requests, want 1", len(got))
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.VerifyIgnoringTimestamp(got[0].Body, got[0].Header); err != nil {
		t.Errorf("the Standard Webhooks library refuses the delivery: %v", err)
	}
	if err := verify(secret, got[0].Header, got[0].Body, f.clock.Now()); err != nil {
		t.Errorf("the independent verifier refuses the delivery: %v", err)
	}
	var p badges.EventPayload
	if err := json.Unmarshal(got[0].Body, &p); err != nil || p.Type != badges.EventCredentialIssued || p.Data.EventID != "credential.issued:c1" {
		t.Errorf("payload %s (%v)", got[0].Body, err)
	}
	if ct := got[0].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

// TestWebhooks_SignatureRefused: the verifier that accepts Laurel's
// signature refuses a tampered body, another secret and an old
// timestamp, so accepting means something.
func TestWebhooks_SignatureRefused(t *testing.T) {
	secret, _ := badges.NewWebhookSecret()
	other, _ := badges.NewWebhookSecret()
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":"credential.issued"}`)
	h, err := badges.SignWebhook([]string{secret}, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	header := http.Header{}
	for k, v := range h {
		header.Set(k, v)
	}
	if err := verify(secret, header, body, now); err != nil {
		t.Fatalf("OK: %v", err)
	}
	for name, err := range map[string]error{
		"tampered body": verify(secret, header, []byte(`{"type":"credential.revoked"}`), now),
		"wrong secret":  verify(other, header, body, now),
		"old timestamp": verify(secret, header, body, now.Add(6*time.Minute)),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestSignWebhook_SpecVector: the Standard Webhooks specification's
// published example signs as it says.
func TestSignWebhook_SpecVector(t *testing.T) {
	h, err := badges.SignWebhook([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h["webhook-signature"], "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %q, want %q", got, want)
	}
	if h["webhook-timestamp"] != "1614265330" || h["webhook-id"] != "msg_p5jXN8AQM9LWM0D4loKWxJek" {
		t.Errorf("headers %v", h)
	}
}

// TestWebhooks_FailThenRecover: a receiver that answers 500 twice, then
// 200, gets the delivery three times under one webhook-id, as the retry
// schedule falls due; the log holds the three answers.
func TestWebhooks_FailThenRecover(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t, 500, 500)
	e, _ := f.endpoint(t, r.URL)
	f.publish(t, "credential.issued:c1")
	f.drain(t)
	f.drain(t) // not due yet: nothing sent
	f.clock.Add(badges.RetrySchedule[0])
	f.drain(t)
	f.clock.Add(badges.RetrySchedule[1])
	f.drain(t)
	got := r.requests()
	if len(got) != 3 {
		t.Fatalf("the receiver got %d requests, want 3", len(got))
	}
	for _, g := range got {
		if g.Header.Get("webhook-id") != got[0].Header.Get("webhook-id") {
			t.Error("the webhook-id changed between attempts")
		}
	}
	page, err := f.w.Deliveries(context.Background(), "guild", e.ID, badges.ListOptions{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("deliveries %v, %v", page, err)
	}
	d := page.Items[0]
	var codes []int
	for _, a := range d.Log {
		codes = append(codes, a.Status)
	}
	if d.State != badges.DeliveryDelivered || !slices.Equal(codes, []int{500, 500, 200}) || d.Log[0].Detail != "answer 500" {
		t.Errorf("state %s, codes %v, log %+v", d.State, codes, d.Log)
	}
	if got, _ := f.w.Endpoint(context.Background(), "guild", e.ID); !got.FailingSince.IsZero() {
		t.Error("the endpoint still counts as failing after a success")
	}
}

// TestWebhooks_RedeliverAndReplay: a delivery sent again, alone or in a
// replay of a time range, reaches the receiver under the same webhook-id.
func TestWebhooks_RedeliverAndReplay(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	e, _ := f.endpoint(t, r.URL)
	from := f.clock.Now()
	f.publish(t, "credential.issued:c1", "credential.issued:c2")
	f.drain(t)
	page, err := f.w.Deliveries(context.Background(), "guild", e.ID, badges.ListOptions{})
	if err != nil || len(page.Items) != 2 || page.Items[0].EventID != "credential.issued:c2" {
		t.Fatalf("deliveries, newest first: %+v, %v", page, err)
	}
	if _, err := f.w.Redeliver(context.Background(), "guild", page.Items[1].ID); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	n, err := f.w.Replay(context.Background(), "guild", e.ID, from, from.Add(time.Second))
	if err != nil || n != 2 {
		t.Fatalf("replay queued %d, %v; want 2", n, err)
	}
	f.drain(t)
	var ids []string
	for _, g := range r.requests() {
		ids = append(ids, g.Header.Get("webhook-id"))
	}
	c1, c2 := page.Items[1].ID, page.Items[0].ID
	if want := []string{c1, c2, c1, c1, c2}; !slices.Equal(ids, want) {
		t.Errorf("webhook-ids %v, want %v", ids, want)
	}
	d, _ := f.w.Delivery(context.Background(), "guild", c1)
	if d.State != badges.DeliveryDelivered || len(d.Log) != 3 {
		t.Errorf("c1: %s with %d attempts logged", d.State, len(d.Log))
	}
}

// TestWebhooks_Disabled: an endpoint disabled receives nothing, neither
// what was published before nor after; another kind of event is not
// sent either.
func TestWebhooks_Disabled(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	off, on := false, true
	e, _ := f.endpoint(t, r.URL)
	other := newReceiver(t)
	f.endpoint(t, other.URL, badges.EventMemberCreated)
	f.w.Sender = nil // queued, not sent
	f.publish(t, "credential.issued:c1")
	f.drain(t)
	if _, err := f.w.Update(context.Background(), "guild", e.ID, badges.EndpointUpdate{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	f.w.Sender = hooks.NewSender(hooks.Options{AllowLoopback: true})
	f.publish(t, "credential.issued:c2")
	f.drain(t)
	if n := len(r.requests()) + len(other.requests()); n != 0 {
		t.Errorf("disabled or unsubscribed endpoints got %d requests", n)
	}
	if _, err := f.w.Update(context.Background(), "guild", e.ID, badges.EndpointUpdate{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	f.publish(t, "credential.issued:c3")
	f.drain(t)
	if n := len(r.requests()); n != 1 {
		t.Errorf("enabled again, the endpoint got %d requests, want 1 (c3)", n)
	}
}

// TestWebhooks_PersistentFailure: an endpoint whose every delivery fails
// for five days is disabled and the owners are told; 410 Gone disables
// at once.
func TestWebhooks_PersistentFailure(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t, slices.Repeat([]int{503}, 100)...)
	e, _ := f.endpoint(t, r.URL)
	for day := range 6 {
		f.publish(t, "credential.issued:day"+string(rune('0'+day)))
		for range 10 {
			f.drain(t)
			f.clock.Add(3 * time.Hour)
		}
		f.clock.Add(-30*time.Hour + 24*time.Hour)
	}
	got, err := f.w.Endpoint(context.Background(), "guild", e.ID)
	if err != nil || got.State != badges.EndpointDisabled || !strings.Contains(got.DisabledReason, "5 days") {
		t.Fatalf("endpoint %+v, %v", got, err)
	}
	ns := f.notes.all()
	if len(ns) != 1 || ns[0].Kind != badges.MailWebhookDisabled || ns[0].To != "owner@example.org" || ns[0].Data["url"] != r.URL+"" {
		t.Errorf("notifications %+v", ns)
	}
	sent := len(r.requests())
	f.publish(t, "credential.issued:after")
	f.drain(t)
	if len(r.requests()) != sent {
		t.Error("a disabled endpoint was sent to")
	}

	gone := newReceiver(t, http.StatusGone)
	g, _ := f.endpoint(t, gone.URL)
	f.publish(t, "credential.issued:gone")
	f.drain(t)
	if got, _ := f.w.Endpoint(context.Background(), "guild", g.ID); got.State != badges.EndpointDisabled {
		t.Errorf("after 410 the endpoint is %s", got.State)
	}
}

// TestWebhooks_Rotation: during a rotation's overlap every delivery is
// signed with both secrets, after it with the new one alone.
func TestWebhooks_Rotation(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	e, old := f.endpoint(t, r.URL)
	_, fresh, err := f.w.RotateSecret(context.Background(), "guild", e.ID, time.Hour)
	if err != nil || fresh == old {
		t.Fatalf("rotate: %v", err)
	}
	f.publish(t, "credential.issued:c1")
	f.drain(t)
	then := f.clock.Now()
	f.clock.Add(time.Hour)
	f.publish(t, "credential.issued:c2")
	f.drain(t)
	got := r.requests()
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	now := f.clock.Now()
	during, after := got[0], got[1]
	if len(strings.Fields(during.Header.Get("webhook-signature"))) != 2 ||
		verify(old, during.Header, during.Body, then) != nil || verify(fresh, during.Header, during.Body, then) != nil {
		t.Errorf("during the overlap: %q", during.Header.Get("webhook-signature"))
	}
	if verify(old, after.Header, after.Body, now) == nil || verify(fresh, after.Header, after.Body, now) != nil {
		t.Errorf("after the overlap: %q", after.Header.Get("webhook-signature"))
	}
	if _, _, err := f.w.RotateSecret(context.Background(), "guild", e.ID, 8*24*time.Hour); badges.ErrorField(err) != "overlap" {
		t.Errorf("an overlap of 8 days: %v", err)
	}
}

// TestSender_Guarded: without the operator's switch a loopback receiver
// is refused; a redirect is never followed, not even to a private
// address.
func TestSender_Guarded(t *testing.T) {
	r := newReceiver(t)
	_, err := hooks.NewSender(hooks.Options{}).Post(context.Background(), r.URL, []byte("{}"), "application/json", nil)
	if err == nil || !strings.Contains(err.Error(), "loopback") || len(r.requests()) != 0 {
		t.Errorf("loopback without the switch: %v, %d requests", err, len(r.requests()))
	}
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "http://10.0.0.1/hook", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	s := hooks.NewSender(hooks.Options{AllowLoopback: true, AllowPrivate: true, Timeout: 2 * time.Second})
	a, err := s.Post(context.Background(), redirect.URL, []byte("{}"), "application/json", nil)
	if err != nil || a.Status != http.StatusTemporaryRedirect || !strings.Contains(a.Body, "not followed") {
		t.Errorf("redirect: %+v, %v", a, err)
	}
}

// TestSender_ErrorsKeepTheURLSecret: a chat channel's URL is its
// credential, so an error names the host and never the path.
func TestSender_ErrorsKeepTheURLSecret(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing listens there now
	s := hooks.NewSender(hooks.Options{AllowLoopback: true, Timeout: 2 * time.Second})
	for _, u := range []string{closed.URL + "/services/T000/B000/s3cr3tToken", "http://127.0.0.1:0/s3cr3tToken\x7f"} {
		_, err := s.Post(context.Background(), u, []byte("{}"), "application/json", nil)
		if err == nil || strings.Contains(err.Error(), "s3cr3tToken") {
			t.Errorf("POST %s: %v", u, err)
		}
	}
}

// TestWebhooks_Ping: a ping is sent at once, signed, and logged.
func TestWebhooks_Ping(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	e, secret := f.endpoint(t, r.URL)
	d, err := f.w.Ping(context.Background(), "guild", e.ID)
	if err != nil || d.State != badges.DeliveryDelivered || len(r.requests()) != 1 {
		t.Fatalf("ping: %+v, %v", d, err)
	}
	got := r.requests()[0]
	if err := verify(secret, got.Header, got.Body, f.clock.Now()); err != nil || !strings.Contains(string(got.Body), `"type":"ping"`) {
		t.Errorf("ping body %s, %v", got.Body, err)
	}
	if page, _ := f.w.Deliveries(context.Background(), "guild", e.ID, badges.ListOptions{}); len(page.Items) != 1 {
		t.Error("the ping is not in the log")
	}
}

// TestWebhooks_Chat: a chat channel gets the formatter's words, unsigned;
// an event the formatter has nothing to say of is logged as skipped and
// not sent.
func TestWebhooks_Chat(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	ctx := context.Background()
	e, _, err := f.w.Create(ctx, "guild", badges.EndpointInput{Kind: badges.EndpointDiscord, URL: r.URL,
		Events: []badges.EventType{badges.EventCredentialIssued, badges.EventMemberCreated}})
	if err != nil {
		t.Fatal(err)
	}
	f.publish(t, "credential.issued:c1")
	if err := f.w.Publish(ctx, badges.CommunityEvent{ID: "member.created:m1", Type: badges.EventMemberCreated, IssuerID: "guild"}); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	got := r.requests()
	if len(got) != 1 || string(got[0].Body) != `{"text":"earned"}` || got[0].Header.Get("webhook-signature") != "" {
		t.Fatalf("requests %+v", got)
	}
	page, err := f.w.Deliveries(ctx, "guild", e.ID, badges.ListOptions{})
	if err != nil || len(page.Items) != 2 || page.Items[0].State != badges.DeliverySkipped || page.Items[1].State != badges.DeliveryDelivered {
		t.Errorf("deliveries %+v, %v", page, err)
	}
}

// TestWebhooks_Run: the worker delivers what Publish queues without
// waiting for its interval.
func TestWebhooks_Run(t *testing.T) {
	f := newFixture(t)
	got := make(chan string, 1)
	r := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, req *http.Request) { got <- req.Header.Get("webhook-id") }))
	defer r.Close()
	f.endpoint(t, r.URL)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.w.Run(ctx, time.Hour) }()
	defer func() { cancel(); <-done }()
	f.publish(t, "credential.issued:c1")
	select {
	case id := <-got:
		if !strings.HasPrefix(id, "msg_") {
			t.Errorf("webhook-id %q", id)
		}
	case <-time.After(time.Minute):
		t.Fatal("nothing was delivered")
	}
}

// TestWebhookStore_Lease: one worker at a time holds an endpoint, until
// its lease ends or it lets go.
func TestWebhookStore_Lease(t *testing.T) {
	f := newFixture(t)
	ctx, now := context.Background(), f.clock.Now()
	for _, step := range []struct {
		name string
		at   time.Time
		want bool
	}{{"first", now, true}, {"second, meanwhile", now.Add(time.Minute), false}, {"after the lease", now.Add(6 * time.Minute), true}} {
		ok, err := f.w.Store.LeaseEndpoint(ctx, "ep1", step.at, step.at.Add(5*time.Minute))
		if err != nil || ok != step.want {
			t.Errorf("%s: leased %v, %v", step.name, ok, err)
		}
	}
	if err := f.w.Store.ReleaseEndpoint(ctx, "ep1"); err != nil {
		t.Fatal(err)
	}
	if ok, err := f.w.Store.LeaseEndpoint(ctx, "ep1", now.Add(7*time.Minute), now.Add(12*time.Minute)); err != nil || !ok {
		t.Errorf("after release: %v, %v", ok, err)
	}
}

// TestWebhooks_CrashResends: deliveries an endpoint's worker held when it
// stopped (its lease never let go) are sent once the lease ends.
func TestWebhooks_CrashResends(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	e, _ := f.endpoint(t, r.URL)
	f.publish(t, "credential.issued:c1")
	now := f.clock.Now()
	if ok, err := f.w.Store.LeaseEndpoint(context.Background(), e.ID, now, now.Add(5*time.Minute)); err != nil || !ok {
		t.Fatalf("lease: %v, %v", ok, err)
	}
	f.drain(t)
	if n := len(r.requests()); n != 0 {
		t.Fatalf("sent %d while another worker held the endpoint", n)
	}
	f.clock.Add(6 * time.Minute)
	f.drain(t)
	if n := len(r.requests()); n != 1 {
		t.Errorf("after the lease ended, sent %d, want 1", n)
	}
}
