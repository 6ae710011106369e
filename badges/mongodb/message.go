package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// MessageStore keeps the e-mail outbox:
//
//   - messages "<message id>": a message with its delivery log (computed,
//     read and changed by exact _id);
//   - messages "issuer:<issuer>" and "issuer:<issuer>:<n>": a community's
//     messages in order, chunked (see messagelist.go), with counts by state;
//   - mailqueue "<message id>": {due, listed…}, one small plain document
//     for each message not yet sent or given up. Only the background
//     worker reads it with a filter, and it holds only the unsent.
//
// Queueing a message is two inserts (the message, its queue entry): the
// request that causes it waits for nothing else. The worker lists new
// messages under their communities (ListQueued), in the background.
type MessageStore struct{ db *database.DB }

var _ badges.MessageStore = (*MessageStore)(nil)

// NewMessageStore returns the outbox of db.
func NewMessageStore(db *database.DB) *MessageStore { return &MessageStore{db: db} }

type messageRecord struct {
	ID          string           `bson:"id"`
	Issuer      string           `bson:"issuer"`
	Member      string           `bson:"member,omitempty"`
	Kind        string           `bson:"kind"`
	To          string           `bson:"to"`
	Subject     string           `bson:"subject"`
	Text        string           `bson:"text"`
	HTML        string           `bson:"html"`
	Unsubscribe string           `bson:"unsubscribe,omitempty"`
	State       string           `bson:"state"`
	Attempts    int              `bson:"attempts"`
	Next        time.Time        `bson:"next"`
	CreatedAt   time.Time        `bson:"createdAt"`
	SentAt      time.Time        `bson:"sentAt,omitempty"`
	Log         []deliveryRecord `bson:"log,omitempty"`
}

type deliveryRecord struct {
	At     time.Time `bson:"at"`
	OK     bool      `bson:"ok"`
	Detail string    `bson:"detail,omitempty"`
}

type queueRecord struct {
	ID      string    `bson:"_id"`
	Due     time.Time `bson:"due"`
	Issuer  string    `bson:"issuer"`
	State   string    `bson:"state"`   // when queued, for the community's counts
	Created time.Time `bson:"created"` // the order of the community's list…
	Seq     int       `bson:"seq"`     // …and within a bulk queued at once
	Listed  bool      `bson:"listed"`  // in the community's list already
}

func messageDoc(m *badges.Message) messageRecord {
	r := messageRecord{ID: m.ID, Issuer: m.IssuerID, Member: m.MemberID, Kind: string(m.Kind), To: m.To, Subject: m.Subject,
		Text: m.Text, HTML: m.HTML, Unsubscribe: m.Unsubscribe, State: string(m.State), Attempts: m.Attempts,
		Next: m.NextAttemptAt.UTC(), CreatedAt: m.CreatedAt.UTC(), SentAt: m.SentAt.UTC()}
	for _, d := range m.Log {
		r.Log = append(r.Log, deliveryRecord{At: d.At.UTC(), OK: d.OK, Detail: d.Detail})
	}
	return r
}

func (r *messageRecord) message() *badges.Message {
	m := &badges.Message{ID: r.ID, IssuerID: r.Issuer, MemberID: r.Member, Kind: badges.MessageKind(r.Kind), To: r.To,
		Subject: r.Subject, Text: r.Text, HTML: r.HTML, Unsubscribe: r.Unsubscribe, State: badges.MessageState(r.State),
		Attempts: r.Attempts, NextAttemptAt: r.Next, CreatedAt: r.CreatedAt, SentAt: r.SentAt}
	for _, d := range r.Log {
		m.Log = append(m.Log, badges.Delivery{At: d.At, OK: d.OK, Detail: d.Detail})
	}
	return m
}

func unsent(s badges.MessageState) bool {
	return s != badges.MessageSent && s != badges.MessageFailed
}

func notFoundMessage(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No message with id %q.", id)
}

// AddMessages inserts the messages with one unordered insert (the
// idempotency guard), then queues them. A message stored before and still
// unsent is queued again, in case a crash came between its insert and its
// queue entry's; a queue entry there already stays as it is.
func (s *MessageStore) AddMessages(ctx context.Context, ms []*badges.Message) ([]bool, error) {
	ids, docs := make([]string, len(ms)), make([]messageRecord, len(ms))
	for i, m := range ms {
		ids[i], docs[i] = m.ID, messageDoc(m)
	}
	existing, err := database.InsertComputed(ctx, s.db, database.Messages, ids, docs)
	if err != nil {
		return nil, err
	}
	added := make([]bool, len(ms))
	for i := range added {
		added[i] = true
	}
	for _, i := range existing {
		added[i] = false
		m, err := s.Message(ctx, ms[i].ID)
		if err != nil {
			return nil, err
		}
		ms[i] = m
	}
	var queue []any
	for i, m := range ms {
		if unsent(m.State) {
			queue = append(queue, queueRecord{ID: m.ID, Due: m.NextAttemptAt.UTC(), Issuer: m.IssuerID, State: string(m.State),
				Created: m.CreatedAt.UTC(), Seq: i})
		}
	}
	if _, err := database.InsertNew(ctx, s.db.Collection(database.MailQueue), queue, "queue messages"); err != nil {
		return nil, err
	}
	return added, nil
}

// Message reads one message.
func (s *MessageStore) Message(ctx context.Context, id string) (*badges.Message, error) {
	r, found, err := database.ReadComputed[messageRecord](ctx, s.db, database.Messages, id)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, notFoundMessage(id)
	}
	return r.message(), nil
}

// DueMessages reads the queue, which holds only unsent messages, soonest
// due first.
func (s *MessageStore) DueMessages(ctx context.Context, due time.Time, limit int) ([]string, error) {
	filter := bson.D{{Key: "due", Value: bson.D{{Key: "$lte", Value: due.UTC()}}}}
	rs, err := database.FindAll[queueRecord](ctx, s.db.Collection(database.MailQueue), filter, "read mail queue",
		options.Find().SetSort(bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids, nil
}

// UpdateMessage changes a message, then its queue entry, then (when its
// state changed) its community's counts. A crash between them leaves a
// queue entry that the worker finds sent and drops, or one due later than
// the message says, which the next change puts right.
func (s *MessageStore) UpdateMessage(ctx context.Context, id string, change func(*badges.Message) error) (*badges.Message, error) {
	before, out, err := s.changeMessage(ctx, id, change)
	if err != nil {
		return nil, err
	}
	if err := s.requeue(ctx, out); err != nil {
		return nil, err
	}
	if before != out.State {
		err = s.count(ctx, out.IssuerID, map[badges.MessageState]int{before: -1, out.State: 1})
	}
	return out, err
}

// LeaseMessage moves a due queue entry's due time to until: the lease of
// one drain. On MongoDB the write repeats the check, so that of two
// drains one wins; on the embedded engine the entry's lock does.
func (s *MessageStore) LeaseMessage(ctx context.Context, id string, now, until time.Time) (bool, error) {
	c := s.db.Collection(database.MailQueue)
	defer s.db.LockDoc(database.MailQueue, id)()
	var r queueRecord
	err := c.FindOne(ctx, database.ByID(id)).Decode(&r)
	switch {
	case database.IsNoDocuments(err):
		return false, nil
	case err != nil:
		return false, database.Wrap(err, "read mail queue")
	case r.Due.After(now):
		return false, nil
	}
	res, err := c.UpdateOne(ctx, s.db.Guarded(id, bson.E{Key: "due", Value: r.Due}),
		bson.D{{Key: "$set", Value: bson.D{{Key: "due", Value: until.UTC()}}}})
	if err != nil {
		return false, database.Wrap(err, "lease message")
	}
	return res.MatchedCount == 1, nil
}

// requeue keeps m's queue entry due when m is, or removes it once m is
// sent or given up. A message sent again is queued anew, listed already.
func (s *MessageStore) requeue(ctx context.Context, m *badges.Message) error {
	c := s.db.Collection(database.MailQueue)
	defer s.db.LockDoc(database.MailQueue, m.ID)()
	if !unsent(m.State) {
		_, err := c.DeleteOne(ctx, database.ByID(m.ID))
		return database.Wrap(err, "dequeue message")
	}
	res, err := c.UpdateOne(ctx, database.ByID(m.ID), bson.D{{Key: "$set", Value: bson.D{{Key: "due", Value: m.NextAttemptAt.UTC()}}}})
	if err != nil || res.MatchedCount > 0 {
		return database.Wrap(err, "queue message")
	}
	_, err = c.InsertOne(ctx, queueRecord{ID: m.ID, Due: m.NextAttemptAt.UTC(), Issuer: m.IssuerID, State: string(m.State),
		Created: m.CreatedAt.UTC(), Listed: true})
	return database.Wrap(err, "queue message")
}

// MessageCounts counts a community's messages by state.
func (s *MessageStore) MessageCounts(ctx context.Context, issuerID string) (map[badges.MessageState]int, error) {
	h, _, err := database.ReadComputed[messageHead](ctx, s.db, database.Messages, messagesOf(issuerID))
	out := map[badges.MessageState]int{}
	for k, v := range h.Counts {
		out[badges.MessageState(k)] = v
	}
	return out, err
}

// count adds deltas to a community's counts by state.
func (s *MessageStore) count(ctx context.Context, issuerID string, deltas map[badges.MessageState]int) error {
	return database.Modify(ctx, s.db, database.Messages, messagesOf(issuerID), func(h *messageHead, _ bool) error {
		h.Counts = cloneCounts(h.Counts)
		for k, v := range deltas {
			h.Counts[string(k)] = max(0, h.Counts[string(k)]+v)
		}
		return nil
	})
}
