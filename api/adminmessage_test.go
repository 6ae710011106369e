package api_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// storeMessage puts a message in the outbox, listed, as the worker
// would leave it in state.
func storeMessage(t *testing.T, ts *testServer, iss, key string, kind badges.MessageKind, state badges.MessageState, change func(*badges.Message)) *badges.Message {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := &badges.Message{ID: badges.MessageID(iss, key), IssuerID: iss, Kind: kind, To: "ada@example.org",
		Subject: "You earned Session Host", Text: "Claim it: https://example.org/claim/secret-claim",
		HTML: `<p onclick="alert(1)">Well done</p><script>alert(2)</script>`, State: badges.MessageHeld, CreatedAt: now, NextAttemptAt: now}
	if _, err := ts.stores.Messages.AddMessages(ctx, []*badges.Message{m}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.stores.Messages.ListQueued(ctx); err != nil {
		t.Fatal(err)
	}
	m, err := ts.stores.Messages.UpdateMessage(ctx, m.ID, func(m *badges.Message) error {
		m.State = state
		if change != nil {
			change(m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestConsoleMessages: admins read the community's messages, newest first,
// with the HTML part as text and the delivery log; mail that is not
// configured is said to be kept.
func TestConsoleMessages(t *testing.T) {
	ts := newTestServer(t)
	iss, other := mustIssuer(t, ts), mustIssuer(t, ts)
	storeMessage(t, ts, iss, "earned:1", badges.MailEarned, badges.MessageHeld, nil)
	failed := storeMessage(t, ts, iss, "earned:2", badges.MailEarned, badges.MessageFailed, func(m *badges.Message) {
		m.Subject, m.Attempts = "Your endorsement", 1
		m.Log = []badges.Delivery{{At: m.CreatedAt, Detail: `550 "5.1.1 No such user here"`}}
	})
	elsewhere := storeMessage(t, ts, other, "earned:3", badges.MailEarned, badges.MessageHeld, func(m *badges.Message) { m.Subject = "Elsewhere" })
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)

	w := admin.get(t, "/admin/c/"+iss+"/messages")
	w.wantPage(t, http.StatusOK, "Mail is not configured: messages are kept here and not sent.", "Your endorsement", "You earned Session Host", "Kept, not sent", "Failed: 1")
	if strings.Index(w.Body, "Your endorsement") > strings.Index(w.Body, "You earned Session Host") || strings.Contains(w.Body, "Elsewhere") {
		t.Fatalf("the list is not newest first, or shows another community's message: %s", w.Body)
	}
	admin.get(t, "/admin/c/"+iss).wantPage(t, http.StatusOK, "Mail is not configured: messages are kept here and not sent.")

	w = admin.get(t, "/admin/c/"+iss+"/messages/"+failed.ID)
	w.wantPage(t, http.StatusOK, "Claim it: https://example.org/claim/secret-claim", `<p onclick="alert(1)">Well done</p>`, "No such user here", "Send again")
	if strings.Contains(w.Body, "<script>alert(2)") || strings.Contains(w.Body, `<p onclick`) {
		t.Fatalf("the HTML part is shown as markup: %s", w.Body)
	}
	admin.get(t, "/admin/c/"+iss+"/messages/"+elsewhere.ID).wantPage(t, http.StatusNotFound)
	admin.get(t, "/admin/c/"+iss+"/messages/"+failed.ID+"/send").wantPage(t, http.StatusOK, "Send “Your endorsement” again?", "a fresh set of attempts")
}

// TestConsoleMessages_SendAgain: a failed message is queued again after a
// confirmation; one that did not fail is refused with a reason.
func TestConsoleMessages_SendAgain(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	failed := storeMessage(t, ts, iss, "earned:1", badges.MailEarned, badges.MessageFailed, nil)
	held := storeMessage(t, ts, iss, "earned:2", badges.MailEarned, badges.MessageHeld, nil)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	path := "/admin/c/" + iss + "/messages/" + failed.ID
	admin.post(t, path+"/send", nil).wantRedirect(t, path)
	m, err := ts.stores.Messages.Message(context.Background(), failed.ID)
	if err != nil || m.State != badges.MessageHeld || m.Attempts != 0 {
		t.Fatalf("after send again: %+v, %v; want kept again (mail is not configured)", m, err)
	}
	admin.post(t, "/admin/c/"+iss+"/messages/"+held.ID+"/send", nil).wantPage(t, http.StatusConflict, "Only a failed message can be sent again")
}

// TestConsoleMessages_SignInHidden: a sign-in link is the member's key:
// only a service administrator reads it.
func TestConsoleMessages_SignInHidden(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	m := storeMessage(t, ts, iss, "signin:1", badges.MailSignIn, badges.MessageHeld, func(m *badges.Message) {
		m.Subject, m.Text, m.HTML = "Your sign-in link", "Sign in: https://example.org/me/signin/KEY-123", "<a href=\"https://example.org/me/signin/KEY-123\">Sign in</a>"
	})
	path := "/admin/c/" + iss + "/messages/" + m.ID
	owner := ts.consoleAs(t, badges.RoleOwner, iss).get(t, path)
	owner.wantPage(t, http.StatusOK, "Your sign-in link", "(sign-in link hidden)")
	if strings.Contains(owner.Body, "KEY-123") {
		t.Fatalf("an owner reads a member's sign-in link: %s", owner.Body)
	}
	ts.consoleAs(t, "", iss).get(t, path).wantPage(t, http.StatusOK, "Sign in: https://example.org/me/signin/KEY-123")
}

// TestConsoleMessages_NextPage: the list's link to its next page opens
// that page, which shows the older messages.
func TestConsoleMessages_NextPage(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var ms []*badges.Message
	for i := range badges.DefaultPageSize + 1 {
		at := start.Add(time.Duration(i) * time.Minute)
		ms = append(ms, &badges.Message{ID: badges.MessageID(iss, fmt.Sprintf("earned:%d", i)), IssuerID: iss, Kind: badges.MailEarned,
			To: "ada@example.org", Subject: fmt.Sprintf("Message number %d", i), Text: "Well done.", State: badges.MessageHeld, CreatedAt: at, NextAttemptAt: at})
	}
	if _, err := ts.stores.Messages.AddMessages(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.stores.Messages.ListQueued(ctx); err != nil {
		t.Fatal(err)
	}
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	first := admin.get(t, "/admin/c/"+iss+"/messages")
	first.wantPage(t, http.StatusOK, "Message number 50")
	m := regexp.MustCompile(`href="(/admin/c/[^"]+/messages\?[^"]*cursor=[^"]+)"`).FindStringSubmatch(first.Body)
	if m == nil {
		t.Fatalf("the first page has no link to the next: %s", first.Body)
	}
	next := admin.get(t, html.UnescapeString(m[1]))
	next.wantPage(t, http.StatusOK, "Message number 0", "51–51 of 51")
	if strings.Contains(next.Body, "Message number 50") {
		t.Errorf("the next page repeats the first page's newest message")
	}
}
