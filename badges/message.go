package badges

import (
	"context"
	"errors"
	"time"
)

// Laurel tells people things by e-mail: a member that they earned a badge,
// a sign-in link, a weekly nudge, a nomination's outcome, an endorsement.
// Whatever causes a message only queues a Notification; the outbox composes it
// into a Message at once (so what is sent is what was decided, and what an
// admin sees when no mail server is configured) and delivers it later, in
// the background, with retries. A notification's Key makes queueing idempotent:
// the same event queued twice (a retry, a crash between the event and its
// notification) is one message.

// MessageKind names what a message is about; each has its own template.
type MessageKind string

// The kinds of message Laurel sends.
const (
	MailEarned      MessageKind = "earned"      // a badge was issued to the member: the claim link
	MailSignIn      MessageKind = "signin"      // a single-use link to the member portal
	MailProgress    MessageKind = "progress"    // the weekly nudge a member opted into
	MailDecision    MessageKind = "decision"    // a nomination or application was decided
	MailEndorsement MessageKind = "endorsement" // a leader endorsed the member
	MailCheckIn     MessageKind = "checkin"     // a link that confirms a check-in
	MailWalletCode  MessageKind = "walletcode"  // the transaction code of a credential offered to a wallet
	// MailWebhookDisabled tells a community's owners that one of its
	// webhook endpoints was disabled after failing persistently.
	MailWebhookDisabled MessageKind = "webhookdisabled"
)

// Transactional reports whether a kind answers something the recipient did
// or must act on, and so carries no List-Unsubscribe header.
func (k MessageKind) Transactional() bool {
	return k == MailSignIn || k == MailCheckIn || k == MailWebhookDisabled || k == MailWalletCode
}

// Notification is a message to queue: who it is for and the facts its template
// needs. Data holds the kind's named values (badge name, link, reason…),
// plain text that templates escape.
type Notification struct {
	Key      string // idempotency key, e.g. "earned:<credential id>"; one message per key
	Kind     MessageKind
	IssuerID string // the community whose branding and templates it uses
	MemberID string // "" for a message to an address that is no member
	To       string // the recipient's normalised e-mail address
	Data     map[string]string
}

// Notifier queues notifications. It never sends inline: a request that causes a
// message only waits for the outbox write.
type Notifier interface {
	Notify(ctx context.Context, ns ...Notification) error
}

// Composer turns a notification into the message to send, from the community's
// templates and branding.
type Composer interface {
	Compose(ctx context.Context, n Notification) (*Message, error)
}

// ErrOptedOut is what Compose answers for a message that is not
// transactional to an address that unsubscribed from the community's
// e-mail: the message is not sent.
var ErrOptedOut = errors.New("badges: the recipient unsubscribed from this community's e-mail")

// MessageState is where a message stands in delivery.
type MessageState string

// The states of a message.
const (
	MessagePending MessageState = "pending" // queued, or waiting to retry
	MessageSent    MessageState = "sent"    // the mail server accepted it
	MessageFailed  MessageState = "failed"  // given up: refused for good, or out of attempts
	MessageHeld    MessageState = "held"    // kept because no mail server is configured
)

// Message is a composed e-mail in the outbox with its delivery log.
type Message struct {
	ID       string // derived from the notification's key
	IssuerID string
	MemberID string
	Kind     MessageKind
	To       string
	Subject  string
	Text     string // the plain-text part
	HTML     string // the HTML part
	// Unsubscribe is the URL of the List-Unsubscribe header; "" for a
	// transactional message.
	Unsubscribe   string
	State         MessageState
	Attempts      int
	NextAttemptAt time.Time
	CreatedAt     time.Time
	SentAt        time.Time
	Log           []Delivery // newest last, bounded
}

// Delivery is one attempt to hand a message to the mail server.
type Delivery struct {
	At     time.Time
	OK     bool
	Detail string // the server's answer or the error, bounded
}
