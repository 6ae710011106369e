package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
)

// mailWorld puts in the outbox of m what the console's message pages show:
// messages kept (no mail server is configured), a sign-in link and one the
// mail server refused; it returns the refused one's id.
func mailWorld(t *testing.T, m *Main, issuerID string) string {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Minute)
	text := "Hello Ada,\n\nYou earned Session Host for hosting a community session.\n\nClaim it: https://badges.example.org/claim/abc\n"
	var ms []*badges.Message
	for i, who := range []string{"ada@example.org", "grace@example.org", "katherine.johnson@example.org"} {
		ms = append(ms, &badges.Message{ID: badges.MessageID(issuerID, fmt.Sprint("earned:", i)), IssuerID: issuerID, Kind: badges.MailEarned,
			To: who, Subject: "You earned Session Host", Text: text, HTML: "<p>Hello Ada,</p><p>You earned <b>Session Host</b>.</p>",
			Unsubscribe: "https://badges.example.org/me/unsubscribe/abc", State: badges.MessageHeld, CreatedAt: now.Add(time.Duration(i) * time.Minute)})
	}
	ms = append(ms, &badges.Message{ID: badges.MessageID(issuerID, "signin:1"), IssuerID: issuerID, Kind: badges.MailSignIn,
		To: "ada@example.org", Subject: "Your sign-in link", Text: "Sign in: https://badges.example.org/me/signin/xyz", State: badges.MessageHeld, CreatedAt: now.Add(4 * time.Minute)})
	refused := &badges.Message{ID: badges.MessageID(issuerID, "decision:1"), IssuerID: issuerID, Kind: badges.MailDecision,
		To: "grace.h@example.org", Subject: "Your nomination for Session Host was approved", Text: text, HTML: "<p>Approved.</p>",
		State: badges.MessageHeld, CreatedAt: now.Add(5 * time.Minute)}
	ms = append(ms, refused)
	ctx, st := context.Background(), bmongo.NewMessageStore(m.db)
	if _, err := st.AddMessages(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ListQueued(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := st.UpdateMessage(ctx, refused.ID, func(m *badges.Message) error {
		m.State, m.Attempts = badges.MessageFailed, 2
		m.Log = []badges.Delivery{
			{At: now.Add(5 * time.Minute), Detail: "dial failed: dial tcp 192.0.2.10:587: connect: connection refused"},
			{At: now.Add(6 * time.Minute), Detail: `the mail server refused the message for good: send failed: sending SMTP RCPT TO command: 550 "5.1.1 No such user here", affected recipient(s): <grace.h@example.org>`},
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return refused.ID
}
