package badges_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// plainComposer makes a message from its notification's data alone.
type plainComposer struct{}

func (plainComposer) Compose(_ context.Context, n badges.Notification) (*badges.Message, error) {
	return &badges.Message{Subject: "About " + n.Data["badge"], Text: "Hello " + n.Data["member"],
		HTML: "<p>Hello</p>", Unsubscribe: "https://example.org/unsubscribe"}, nil
}

// refusingStore fails any write: Notify's checks come before it.
type refusingStore struct{ badges.MessageStore }

func (refusingStore) AddMessages(context.Context, []*badges.Message) ([]bool, error) {
	panic("a refused notification reached the store")
}

func TestOutbox_NotifyRefuses(t *testing.T) {
	o := &badges.Outbox{Store: refusingStore{}, Composer: plainComposer{}}
	ok := badges.Notification{Key: "earned:1", Kind: badges.MailEarned, IssuerID: "iss", To: "ada@example.org"}
	for name, tc := range map[string]struct {
		change func(*badges.Notification)
		field  string
	}{
		"400/bad address":       {func(n *badges.Notification) { n.To = "ada@example.org\r\nBcc: eve@example.org" }, "to"},
		"400/no address":        {func(n *badges.Notification) { n.To = "" }, "to"},
		"400/no key":            {func(n *badges.Notification) { n.Key = " " }, "key"},
		"400/unknown kind":      {func(n *badges.Notification) { n.Kind = "spam" }, "kind"},
		"400/without community": {func(n *badges.Notification) { n.IssuerID = "" }, "issuerId"},
	} {
		t.Run(name, func(t *testing.T) {
			n := ok
			tc.change(&n)
			err := o.Notify(t.Context(), ok, n)
			var fe *badges.Error
			if badges.ErrorCode(err) != badges.EINVALID || !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("Notify: %v; want a field error about %s", err, tc.field)
			}
		})
	}
}

func TestMessageID(t *testing.T) {
	a, b := badges.MessageID("iss", "earned:1"), badges.MessageID("iss", "earned:1")
	if a != b || len(a) != 64 {
		t.Fatalf("ids %q, %q: want one 64-hex id per key", a, b)
	}
	if badges.MessageID("other", "earned:1") == a || badges.MessageID("iss", "earned:2") == a {
		t.Fatal("another community or key has the same id")
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := badges.Backoff(i + 1); got != w {
			t.Errorf("after %d failures: %v; want %v", i+1, got, w)
		}
	}
	var total time.Duration
	for i := 1; i < badges.MaxMessageAttempts; i++ {
		total += badges.Backoff(i)
	}
	if total < 70*time.Hour || total > 74*time.Hour {
		t.Fatalf("attempts span %v; want about three days", total)
	}
}

func TestMessageKind_Known(t *testing.T) {
	for _, k := range []badges.MessageKind{badges.MailEarned, badges.MailSignIn, badges.MailProgress,
		badges.MailDecision, badges.MailEndorsement, badges.MailCheckIn} {
		if !k.Known() {
			t.Errorf("%s is not known", k)
		}
	}
	if badges.MessageKind("newsletter").Known() {
		t.Error("an unknown kind is known")
	}
}
