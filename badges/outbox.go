package badges

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
)

// MessageStore keeps the outbox: each message by id with its delivery log,
// a queue of the messages not yet sent or given up, and each community's
// list of its messages, newest first, with counts by state.
type MessageStore interface {
	// AddMessages stores, queues and lists new messages; one whose id is
	// stored already is left as it is (added[i] is false). The insert of
	// the message is the idempotency guard.
	AddMessages(ctx context.Context, ms []*Message) (added []bool, err error)
	// Message reads one message (ENOTFOUND when there is none).
	Message(ctx context.Context, id string) (*Message, error)
	// ListQueued lists the messages queued since it last ran under their
	// communities, and says how many; the worker calls it.
	ListQueued(ctx context.Context) (int, error)
	// DueMessages lists up to limit ids of queued messages due at due.
	DueMessages(ctx context.Context, due time.Time, limit int) ([]string, error)
	// LeaseMessages keeps each queued message of ids that is due at now
	// from other drains until until, and returns those that were due (and
	// so are now this caller's to send).
	LeaseMessages(ctx context.Context, ids []string, now, until time.Time) ([]string, error)
	// UpdateMessage changes a message with change (which may run more than
	// once) and keeps its queue entry (due at NextAttemptAt until it is
	// sent or failed) and its community's counts in step.
	UpdateMessage(ctx context.Context, id string, change func(m *Message) error) (*Message, error)
	// UpdateMessages is UpdateMessage for a drain's batch: a message whose
	// change fails is left as it was and the others are still changed;
	// the store may keep queue and counts in step once for the batch.
	UpdateMessages(ctx context.Context, ids []string, change func(m *Message) error) ([]*Message, error)
	// MessagesOf is a page of a community's latest messages, newest first.
	MessagesOf(ctx context.Context, issuerID string, o ListOptions) (*Page[*Message], error)
	// MessageCounts counts a community's messages by state.
	MessageCounts(ctx context.Context, issuerID string) (map[MessageState]int, error)
}

// Sender hands a message to a mail server. An error that wraps
// ErrMessageRefused is a refusal for good (the server refused the
// recipient); any other is tried again later.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// ErrMessageRefused marks a permanent refusal of a message (an SMTP 5xx
// answer to its recipient): the message fails and is not tried again.
var ErrMessageRefused = errors.New("the mail server refused the message for good")

// Outbox is the durable e-mail outbox: Notify composes and stores
// messages, Run delivers them in the background through Sender, with
// retries and back-off. With no Sender, messages are held: kept, shown to
// admins, and sent once a Sender is configured.
type Outbox struct {
	Store    MessageStore
	Composer Composer
	Sender   Sender           // nil: mail is not configured
	Now      func() time.Time // the clock; nil is time.Now
	// Jitter spreads a retry delay so that messages that failed together
	// are not tried together; nil draws from ±20%.
	Jitter func(d time.Duration) time.Duration
	Report func(Notice) // failures of the background work; nil drops them
	// Workers is how many messages are sent at once; 0 means 2, so that a
	// drain leaves the requests most of the machine.
	Workers int
	// Rest paces a drain: after each batch the worker waits Rest times as
	// long as the batch's database work took, so that it holds the
	// database at most 1/(1+Rest) of the time and requests' writes and
	// reads come between its batches. 0 means 1; negative, no wait.
	Rest float64

	once sync.Once
	wake chan struct{}
}

var _ Notifier = (*Outbox)(nil)

// MessageID is the id of the message of a community's notification key:
// the same key is one message.
func MessageID(issuerID, key string) string {
	sum := sha256.Sum256([]byte(issuerID + "\x00" + key))
	return hex.EncodeToString(sum[:])
}

// Configured reports whether messages are sent (a Sender is set) rather
// than held.
func (o *Outbox) Configured() bool { return o.Sender != nil }

func (o *Outbox) now() time.Time {
	if o.Now == nil {
		return time.Now().UTC()
	}
	return o.Now().UTC()
}

// Notify validates and composes notifications and stores their messages,
// then wakes the worker. The request that causes a message waits only for
// this; a key queued before is one message.
func (o *Outbox) Notify(ctx context.Context, ns ...Notification) error {
	composed, err := o.composeAll(ctx, ns)
	if err != nil {
		return err
	}
	ms := make([]*Message, 0, len(ns))
	seen := map[string]bool{}
	for _, m := range composed {
		if !seen[m.ID] {
			seen[m.ID] = true
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return nil
	}
	if _, err := o.Store.AddMessages(ctx, ms); err != nil {
		return err
	}
	o.signal()
	return nil
}

// compose checks one notification and makes its message.
func (o *Outbox) compose(ctx context.Context, n Notification) (*Message, error) {
	to, err := NormalizeEmail(n.To)
	if err != nil {
		return nil, FieldErrorf("to", "to %q is not a valid e-mail address", n.To)
	}
	n.To = to
	switch {
	case strings.TrimSpace(n.Key) == "":
		return nil, FieldErrorf("key", "key is required: it names the event the message is about")
	case !n.Kind.Known():
		return nil, FieldErrorf("kind", "kind %q is not a kind of message", n.Kind)
	case n.IssuerID == "":
		return nil, FieldErrorf("issuerId", "issuerId is required")
	}
	m, err := o.Composer.Compose(ctx, n)
	if err != nil {
		return nil, err
	}
	now := o.now()
	m.ID, m.IssuerID, m.MemberID, m.Kind, m.To = MessageID(n.IssuerID, n.Key), n.IssuerID, n.MemberID, n.Kind, to
	m.Subject = OneLine(m.Subject)
	if n.Kind.Transactional() {
		m.Unsubscribe = ""
	}
	m.State, m.Attempts, m.NextAttemptAt, m.CreatedAt, m.SentAt, m.Log = MessagePending, 0, now, now, time.Time{}, nil
	if o.Sender == nil {
		m.State = MessageHeld
	}
	return m, nil
}

// Known reports whether k is one of the kinds of message.
func (k MessageKind) Known() bool { return slices.Contains(MailKinds, k) }

// Message reads one of a community's messages.
func (o *Outbox) Message(ctx context.Context, issuerID, id string) (*Message, error) {
	m, err := o.Store.Message(ctx, id)
	if err == nil && m.IssuerID != issuerID {
		err = Errorf(ENOTFOUND, "No message with id %q.", id)
	}
	return m, err
}

// Messages is a page of a community's latest messages, newest first.
func (o *Outbox) Messages(ctx context.Context, issuerID string, opts ListOptions) (*Page[*Message], error) {
	if err := opts.Normalize(); err != nil {
		return nil, err
	}
	return o.Store.MessagesOf(ctx, issuerID, opts)
}

// Counts counts a community's messages by state.
func (o *Outbox) Counts(ctx context.Context, issuerID string) (map[MessageState]int, error) {
	return o.Store.MessageCounts(ctx, issuerID)
}

// SendAgain puts a failed message of the community back in the queue with
// a fresh set of attempts.
func (o *Outbox) SendAgain(ctx context.Context, issuerID, id string) error {
	if _, err := o.Message(ctx, issuerID, id); err != nil {
		return err
	}
	now := o.now()
	_, err := o.Store.UpdateMessage(ctx, id, func(m *Message) error {
		if m.State != MessageFailed {
			return Errorf(ECONFLICT, "Only a failed message can be sent again; this one is %s.", m.State)
		}
		m.State, m.Attempts, m.NextAttemptAt = MessagePending, 0, now
		if o.Sender == nil {
			m.State = MessageHeld
		}
		return nil
	})
	if err == nil {
		o.signal()
	}
	return err
}
