package hooks_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/hooks"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

// clock is a test's injected clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// describer names the community only.
type describer struct{}

func (describer) Describe(_ context.Context, e badges.CommunityEvent) (*badges.EventPayload, error) {
	return &badges.EventPayload{Type: e.Type, Timestamp: e.At, Data: badges.EventData{EventID: e.ID,
		Community: badges.EventCommunity{ID: e.IssuerID, Name: "Rust Guild", URL: "https://badges.example.org/issuers/" + e.IssuerID}}}, nil
}

// notes records the notifications queued.
type notes struct {
	mu sync.Mutex
	ns []badges.Notification
}

func (n *notes) Notify(_ context.Context, ns ...badges.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ns = append(n.ns, ns...)
	return nil
}

func (n *notes) all() []badges.Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]badges.Notification(nil), n.ns...)
}

type fixture struct {
	db    *database.DB
	w     *badges.Webhooks
	clock *clock
	notes *notes
}

// newFixture builds the webhook service on a fresh database, sending
// through the real sender with loopback allowed, on an injected clock
// with no jitter.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	n := &notes{}
	db := mongotest.NewDB(tb)
	w := &badges.Webhooks{Store: bmongo.NewWebhookStore(db), Describer: describer{}, Formatter: chat{},
		Sender: hooks.NewSender(hooks.Options{AllowLoopback: true}), Sealer: sealer, Now: c.Now,
		Jitter: func(d time.Duration) time.Duration { return d }, Notifier: n,
		Owners:     func(context.Context, string) ([]string, error) { return []string{"owner@example.org"}, nil },
		ConsoleURL: func(id string) string { return "https://badges.example.org/admin/c/" + id + "/integrations/webhooks" }}
	return &fixture{db: db, w: w, clock: c, notes: n}
}

// chat announces credentials issued only.
type chat struct{}

func (chat) Format(_ context.Context, _ *badges.Endpoint, p *badges.EventPayload) ([]byte, string, error) {
	if p.Type != badges.EventCredentialIssued {
		return nil, "", badges.ErrSkipEvent
	}
	return []byte(`{"text":"earned"}`), "application/json", nil
}

func (f *fixture) endpoint(tb testing.TB, url string, events ...badges.EventType) (*badges.Endpoint, string) {
	tb.Helper()
	if len(events) == 0 {
		events = []badges.EventType{badges.EventCredentialIssued}
	}
	e, secret, err := f.w.Create(context.Background(), "guild", badges.EndpointInput{URL: url, Events: events})
	if err != nil {
		tb.Fatal(err)
	}
	return e, secret
}

func (f *fixture) publish(tb testing.TB, ids ...string) {
	tb.Helper()
	var evs []badges.CommunityEvent
	for _, id := range ids {
		evs = append(evs, badges.CommunityEvent{ID: id, Type: badges.EventCredentialIssued, IssuerID: "guild", At: f.clock.Now(),
			Subject: badges.EventSubject{CredentialID: id}})
	}
	if err := f.w.Publish(context.Background(), evs...); err != nil {
		tb.Fatal(err)
	}
}

func (f *fixture) drain(tb testing.TB) {
	tb.Helper()
	if _, err := f.w.Drain(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

// received is one request a receiver got.
type received struct {
	Header http.Header
	Body   []byte
}

// receiver is a local HTTP receiver that answers with the statuses of
// answers in turn, then 200.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []received
	answers []int
}

func newReceiver(tb testing.TB, answers ...int) *receiver {
	r := &receiver{answers: answers}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{Header: req.Header.Clone(), Body: body})
		status := http.StatusOK
		if len(r.answers) > 0 {
			status, r.answers = r.answers[0], r.answers[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte("answer " + strconv.Itoa(status)))
	}))
	tb.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// Errors of verify, the receiver's own check written from the Standard
// Webhooks specification, independent of Laurel's signing code.
var (
	errNoSignature = errors.New("no signature matches")
	errTimestamp   = errors.New("timestamp outside the tolerance")
)

// verify checks a webhook as a receiver would: the timestamp within five
// minutes of now, and one v1 signature the HMAC-SHA256 of
// "id.timestamp.body" under the secret's bytes.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	ts, err := strconv.ParseInt(h.Get("webhook-timestamp"), 10, 64)
	if err != nil {
		return err
	}
	if d := now.Sub(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return errTimestamp
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "." + string(body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		v, b64, ok := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		if ok && v == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errNoSignature
}
