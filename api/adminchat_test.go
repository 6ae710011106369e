package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/hooks"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// chatReceiver stands in for a chat platform: it keeps every body POSTed
// to it and answers 200.
type chatReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newChatReceiver(t *testing.T) *chatReceiver {
	r := &chatReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		b, _ := io.ReadAll(q.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *chatReceiver) received() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies...)
}

// chatDescriber describes credential.issued events as the events'
// describer does, naming a member who consents or not by the event's id.
type chatDescriber struct{ profiles issuer.ProfileService }

func (d chatDescriber) Describe(ctx context.Context, e badges.CommunityEvent) (*badges.EventPayload, error) {
	p, err := d.profiles.Profile(ctx, e.IssuerID)
	if err != nil {
		return nil, err
	}
	data := badges.EventData{EventID: e.ID, Community: badges.EventCommunity{ID: p.ID, Name: p.Name, URL: baseURL + "/issuers/" + p.ID}}
	if e.Type == badges.EventSpotlightWeekly {
		data.Spotlight = &badges.EventSpotlight{URL: baseURL + "/issuers/" + p.ID + "/spotlight", Awards: []badges.EventAward{{
			Member: badges.EventMember{Name: "Grace Hopper", Public: true}, Badge: badges.EventBadge{Name: "Session Host"}, CredentialURL: baseURL + "/credentials/g1"}}}
	}
	if e.Type == badges.EventCredentialIssued {
		public := strings.HasSuffix(e.ID, ":public")
		data.Credential = &badges.EventCredential{ID: e.ID, URL: baseURL + "/credentials/" + e.ID}
		data.Badge = &badges.EventBadge{ID: "b", Name: "Community Leader", URL: baseURL + "/achievements/b", ImageURL: baseURL + "/achievements/b/image.png"}
		data.Member = &badges.EventMember{ID: "m", Name: map[bool]string{true: "Ada Lovelace", false: "Private Person"}[public], Public: public}
	}
	return &badges.EventPayload{Type: e.Type, Timestamp: e.At, Data: data}, nil
}

// newChatServer is a test server whose webhooks reach this machine's
// loopback, as the operator's switch allows, and whose chat channels may
// have any URL.
func newChatServer(t *testing.T) (*testServer, *wire.Laurel) {
	t.Helper()
	db := mongotest.NewDB(t)
	l := newLaurelWithConfig(t, db, func(c *wire.Config) {
		c.Webhooks = hooks.NewSender(hooks.Options{AllowLoopback: true, Timeout: 5 * time.Second})
	})
	l.Webhooks.Describer = chatDescriber{profiles: l.Stores.Profiles}
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
	return &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier, accounts: l.Accounts}, l
}

// addChannel adds a chat channel through the console and returns its id.
func addChannel(t *testing.T, c *consoleClient, iss, kind, to string, spotlight bool) {
	t.Helper()
	form := url.Values{"kind": {kind}, "url": {to}, "description": {"#announcements"}}
	if spotlight {
		form.Set("spotlight", "yes")
	}
	c.post(t, "/admin/c/"+iss+"/integrations/chat", form).wantRedirect(t, "/admin/c/"+iss+"/integrations/chat")
}

// newLaurelWithConfig is newLaurel with change made to its configuration.
func newLaurelWithConfig(t *testing.T, db *database.DB, change func(*wire.Config)) *wire.Laurel {
	t.Helper()
	loaderOnce.Do(func() { loader, loaderErr = ob3.NewDocumentLoader() })
	if loaderErr != nil {
		t.Fatal(loaderErr)
	}
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	c := wire.Config{BaseURL: baseURL, Sealer: sealer, Loader: loader, Logger: testLogger(t)}
	change(&c)
	l, err := wire.New(db, c)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestConsoleChat_AnnouncesConsentingMembersOnly: a Slack channel added in
// the console hears of an award to a member who consents, in Slack's
// shape, and of none to a member who does not; the page lists the channel
// by its short URL only, and both deliveries.
func TestConsoleChat_AnnouncesConsentingMembersOnly(t *testing.T) {
	ts, l := newChatServer(t)
	iss := mustIssuer(t, ts)
	rcv := newChatReceiver(t)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	hook := rcv.URL + "/services/T000/B000/secretTail9Xy"
	addChannel(t, admin, iss, "slack", hook, true)

	at := time.Now()
	err := l.Webhooks.Publish(context.Background(),
		badges.CommunityEvent{ID: "credential.issued:c1:private", Type: badges.EventCredentialIssued, IssuerID: iss, At: at},
		badges.CommunityEvent{ID: "credential.issued:c2:public", Type: badges.EventCredentialIssued, IssuerID: iss, At: at})
	if err != nil {
		t.Fatal(err)
	}
	bodies := waitForPosts(t, rcv, 1)
	time.Sleep(300 * time.Millisecond) // time for a wrong second post to arrive
	if got := rcv.received(); len(got) != 1 {
		t.Fatalf("%d posts arrived, want 1 (the consenting member's): %s", len(got), bytes.Join(got, []byte("\n")))
	}
	var m struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct{ Type, Text string }
		} `json:"blocks"`
	}
	if err := json.Unmarshal(bodies[0], &m); err != nil {
		t.Fatal(err)
	}
	if m.Text != "🎉 Ada Lovelace earned Community Leader" || len(m.Blocks) < 2 || m.Blocks[0].Type != "section" || m.Blocks[0].Text.Type != "mrkdwn" {
		t.Errorf("not Slack's shape: %s", bodies[0])
	}
	if strings.Contains(string(bodies[0]), "Private Person") {
		t.Errorf("a member who does not consent is named: %s", bodies[0])
	}
	page := admin.get(t, "/admin/c/"+iss+"/integrations/chat")
	page.wantPage(t, http.StatusOK, "Slack", "127.0.0.1/…l9Xy", "#announcements", "Posted", "Not posted")
	if strings.Contains(page.Body, "secretTail") {
		t.Errorf("the page shows the secret URL: %s", page.Body)
	}
}

// waitForPosts waits for n posts at the receiver.
func waitForPosts(t *testing.T, rcv *chatReceiver, n int) [][]byte {
	t.Helper()
	for range 200 {
		if got := rcv.received(); len(got) >= n {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%d posts arrived, want %d", len(rcv.received()), n)
	return nil
}

// TestConsoleChat_TestPostAndRemove: a test post reaches the channel and
// the page says so; removing asks first, then the channel is gone.
func TestConsoleChat_TestPostAndRemove(t *testing.T) {
	ts, l := newChatServer(t)
	iss := mustIssuer(t, ts)
	rcv := newChatReceiver(t)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	addChannel(t, admin, iss, "discord", rcv.URL+"/api/webhooks/1/tok", false)
	eps, err := l.Webhooks.Endpoints(context.Background(), iss)
	if err != nil || len(eps) != 1 || eps[0].Kind != badges.EndpointDiscord || eps[0].Spotlight {
		t.Fatalf("endpoints %+v, %v", eps, err)
	}
	base := "/admin/c/" + iss + "/integrations/chat/" + eps[0].ID
	loc := admin.post(t, base+"/test", nil).wantRedirect(t, "/admin/c/"+iss+"/integrations/chat")
	admin.get(t, loc).wantPage(t, http.StatusOK, "The test post reached Discord", "Test post")
	if got := waitForPosts(t, rcv, 1); !strings.Contains(string(got[0]), `"allowed_mentions":{"parse":[]}`) || !strings.Contains(string(got[0]), "Laurel is connected") {
		t.Errorf("not Discord's shape: %s", got[0])
	}

	admin.get(t, base+"/remove").wantPage(t, http.StatusOK, "Remove the Discord channel", "Cancel")
	admin.post(t, base+"/remove", nil).wantRedirect(t, "/admin/c/"+iss+"/integrations/chat")
	if eps, _ := l.Webhooks.Endpoints(context.Background(), iss); len(eps) != 0 {
		t.Errorf("the channel was not removed: %+v", eps)
	}
}

// TestConsoleChat_Validation: a URL not of the platform chosen is refused
// with a message naming the platform, the URL typed kept; viewers see the
// channels and cannot add one.
func TestConsoleChat_Validation(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	cases := map[string]struct{ kind, url, want string }{
		"discord URL as Slack": {"slack", "https://discord.com/api/webhooks/1/x", "This is not a Slack incoming-webhook URL"},
		"http":                 {"slack", "http://hooks.slack.com/services/T/B/x", "This is not a Slack incoming-webhook URL"},
		"old Teams connector":  {"teams", "https://example.webhook.office.com/webhookb2/x", "This is not a Microsoft Teams incoming-webhook URL"},
		"no kind":              {"email", "https://hooks.slack.com/services/T/B/x", "Choose the chat platform"},
		"empty":                {"discord", "", "Enter the channel's incoming-webhook URL"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := admin.post(t, "/admin/c/"+iss+"/integrations/chat", url.Values{"kind": {c.kind}, "url": {c.url}})
			p.wantPage(t, http.StatusBadRequest, c.want)
			if c.url != "" {
				p.wantHTML(t, `value="`+c.url+`"`)
			}
		})
	}
	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	p := viewer.get(t, "/admin/c/"+iss+"/integrations/chat")
	p.wantPage(t, http.StatusOK, "Chat channels")
	if strings.Contains(p.Body, `id="add-channel"`) {
		t.Error("a viewer is shown the form that adds a channel")
	}
	if code := viewer.post(t, "/admin/c/"+iss+"/integrations/chat", url.Values{"kind": {"slack"}, "url": {"https://hooks.slack.com/services/T/B/x"}}).Code; code != http.StatusForbidden {
		t.Errorf("a viewer adding a channel: %d, want 403", code)
	}
}

// TestConsoleChat_FailureHidesTheURL: when a post fails, the error quotes
// the URL it could not reach; the console shows the platform's answer
// without the URL's secret part.
func TestConsoleChat_FailureHidesTheURL(t *testing.T) {
	ts, l := newChatServer(t)
	iss := mustIssuer(t, ts)
	gone := httptest.NewServer(http.NotFoundHandler())
	hook := gone.URL + "/services/T000/B000/verySecretTokenAbcd"
	gone.Close() // nothing listens there now: the POST fails to connect
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	addChannel(t, admin, iss, "slack", hook, false)
	eps, err := l.Webhooks.Endpoints(context.Background(), iss)
	if err != nil || len(eps) != 1 {
		t.Fatalf("endpoints %+v, %v", eps, err)
	}
	loc := admin.post(t, "/admin/c/"+iss+"/integrations/chat/"+eps[0].ID+"/test", nil).wantRedirect(t, "/admin/c/"+iss+"/integrations/chat")
	p := admin.get(t, loc)
	p.wantPage(t, http.StatusOK, "The test post did not reach Slack", "Failed")
	if strings.Contains(p.Body, "verySecretToken") {
		t.Errorf("the page shows the channel's secret URL: %s", p.Body)
	}
}

// TestConsoleChat_WeeklySpotlight: the weekly sweep publishes one
// spotlight post a week, which reaches the channel that asked for it and
// no other.
func TestConsoleChat_WeeklySpotlight(t *testing.T) {
	ts, l := newChatServer(t)
	iss := mustIssuer(t, ts)
	wants, other := newChatReceiver(t), newChatReceiver(t)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	addChannel(t, admin, iss, "slack", wants.URL+"/services/T/B/spot", true)
	addChannel(t, admin, iss, "slack", other.URL+"/services/T/B/none", false)
	posts := l.SpotlightPosts()
	monday := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	posts.Now = func() time.Time { return monday }
	for range 2 {
		if n, err := posts.Sweep(context.Background()); err != nil || n > 1 {
			t.Fatalf("Sweep = %d, %v", n, err)
		}
	}
	got := waitForPosts(t, wants, 1)
	if !strings.Contains(string(got[0]), "This week in Gophers of Lyon") || !strings.Contains(string(got[0]), "Grace Hopper") {
		t.Errorf("the spotlight post: %s", got[0])
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(wants.received()); n != 1 {
		t.Errorf("%d spotlight posts in one week, want 1", n)
	}
	if n := len(other.received()); n != 0 {
		t.Errorf("a channel that did not ask for the spotlight got %d posts", n)
	}
	admin.get(t, "/admin/c/"+iss+"/integrations/chat").wantPage(t, http.StatusOK, "Weekly spotlight")
}

var chatRemoveLink = regexp.MustCompile(`/integrations/chat/([^/"]+)/remove`)

// mustChatChannel adds a Slack channel to a community through the console
// and returns its id.
func mustChatChannel(t *testing.T, c *consoleClient, iss string) string {
	t.Helper()
	addChannel(t, c, iss, "slack", "https://hooks.slack.com/services/T0/B0/theirs", false)
	m := chatRemoveLink.FindStringSubmatch(c.get(t, "/admin/c/"+iss+"/integrations/chat").Body)
	if m == nil {
		t.Fatal("the chat page lists no channel to remove")
	}
	return m[1]
}

// TestConsoleChat_NotAWebhookPage: a chat channel's URL, its credential,
// is not shown on the webhook pages, even to one who knows its id, and
// cannot be changed there, where its platform's form would go unchecked.
func TestConsoleChat_NotAWebhookPage(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	id := mustChatChannel(t, admin, iss)
	base := "/admin/c/" + iss + "/integrations/webhooks/" + id
	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	for _, c := range []*consoleClient{viewer, admin} {
		p := c.get(t, base)
		p.wantPage(t, http.StatusNotFound)
		if strings.Contains(p.Body, "theirs") {
			t.Errorf("the webhook page shows the channel's URL: %s", p.Body)
		}
	}
	admin.get(t, base+"/edit").wantPage(t, http.StatusNotFound)
	admin.post(t, base+"/edit", url.Values{"url": {"https://elsewhere.example.org/x"}, "events": {"credential.issued"}}).wantPage(t, http.StatusNotFound)
	var got webhookView
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/webhooks/" + id}).want(t, 200).JSON(t, &got)
	if got.URL != "https://hooks.slack.com/…" {
		t.Errorf("the channel's URL was changed: %+v", got)
	}
}
