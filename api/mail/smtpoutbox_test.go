package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/mailtest"
	"github.com/laurel-badges/laurel/badges"
)

// memStore is an outbox store in memory: enough to drive the outbox
// through a real SMTP server (the stored outbox is tested in
// badges/mongodb).
type memStore struct {
	badges.MessageStore
	mu sync.Mutex
	ms map[string]badges.Message
}

func (s *memStore) AddMessages(_ context.Context, ms []*badges.Message) ([]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	added := make([]bool, len(ms))
	for i, m := range ms {
		if _, ok := s.ms[m.ID]; !ok {
			s.ms[m.ID], added[i] = *m, true
		}
	}
	return added, nil
}

func (s *memStore) ListQueued(context.Context) (int, error) { return 0, nil }

// LeaseMessage keeps a due message from other drains: memStore's queue
// is its unsent messages, due at NextAttemptAt.
func (s *memStore) LeaseMessage(_ context.Context, id string, now, until time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.ms[id]
	if !ok || m.NextAttemptAt.After(now) {
		return false, nil
	}
	m.NextAttemptAt = until
	s.ms[id] = m
	return true, nil
}

func (s *memStore) LeaseMessages(ctx context.Context, ids []string, now, until time.Time) ([]string, error) {
	var leased []string
	for _, id := range ids {
		if ok, _ := s.LeaseMessage(ctx, id, now, until); ok {
			leased = append(leased, id)
		}
	}
	return leased, nil
}

func (s *memStore) UpdateMessages(ctx context.Context, ids []string, change func(*badges.Message) error) ([]*badges.Message, error) {
	var out []*badges.Message
	var errs []error
	for _, id := range ids {
		m, err := s.UpdateMessage(ctx, id, change)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, m)
	}
	return out, errors.Join(errs...)
}

func (s *memStore) Message(_ context.Context, id string) (*badges.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.ms[id]
	if !ok {
		return nil, badges.Errorf(badges.ENOTFOUND, "No message %s.", id)
	}
	m.Log = slices.Clone(m.Log)
	return &m, nil
}

func (s *memStore) DueMessages(_ context.Context, due time.Time, limit int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, m := range s.ms {
		if m.State != badges.MessageSent && m.State != badges.MessageFailed && !m.NextAttemptAt.After(due) && len(ids) < limit {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (s *memStore) UpdateMessage(ctx context.Context, id string, change func(*badges.Message) error) (*badges.Message, error) {
	m, err := s.Message(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := change(m); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ms[id] = *m
	return m, nil
}

type plainComposer struct{}

func (plainComposer) Compose(_ context.Context, n badges.Notification) (*badges.Message, error) {
	return &badges.Message{Subject: "You earned " + n.Data["badge"], Text: "Well done.", HTML: "<p>Well done.</p>"}, nil
}

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// outboxTo is an outbox delivering through s on store, its clock at *now.
func outboxTo(store *memStore, s badges.Sender, now *time.Time, reports *[]badges.Notice) *badges.Outbox {
	return &badges.Outbox{Store: store, Composer: plainComposer{}, Sender: s, Now: func() time.Time { return *now },
		Jitter: func(d time.Duration) time.Duration { return d }, Workers: 1,
		Report: func(n badges.Notice) { *reports = append(*reports, n) }}
}

var notification = badges.Notification{Key: "earned:c1", Kind: badges.MailEarned, IssuerID: "iss", To: "ada@example.org",
	Data: map[string]string{"badge": "Session Host"}}

// TestOutbox_ThroughSMTP: a message stored before a crash is sent once
// by the process after it; failures of the server are logged, reported
// and retried with back-off; a refused recipient fails at once.
func TestOutbox_ThroughSMTP(t *testing.T) {
	cert, roots := mailtest.SelfSigned(t)
	trusted := &tls.Config{RootCAs: roots}
	for name, tc := range map[string]struct {
		server  mailtest.Options
		user    string
		roots   *tls.Config
		down    bool
		state   badges.MessageState
		logged  string
		arrived int
	}{
		"OK":                    {server: mailtest.Options{TLS: cert, Username: "u", Password: "p"}, user: "u:p@", roots: trusted, state: badges.MessageSent, arrived: 1},
		"wrong password":        {server: mailtest.Options{TLS: cert, Username: "u", Password: "p"}, user: "u:x@", roots: trusted, state: badges.MessagePending, logged: "535"},
		"untrusted certificate": {server: mailtest.Options{TLS: cert}, state: badges.MessagePending, logged: "certificate"},
		"server down":           {down: true, state: badges.MessagePending, logged: "connection refused"},
		"recipient refused":     {server: mailtest.Options{Refuse: []string{"ada@example.org"}}, state: badges.MessageFailed, logged: "550"},
	} {
		t.Run(name, func(t *testing.T) {
			ts := mailtest.Start(t, tc.server)
			s := senderTo(ts, "smtp", tc.user, tc.roots)
			if tc.down {
				s.cfg.Port = freePort(t)
			}
			store, now := &memStore{ms: map[string]badges.Message{}}, start
			var reports []badges.Notice
			if err := outboxTo(store, s, &now, &reports).Notify(t.Context(), notification); err != nil {
				t.Fatalf("Notify: %v; the request that causes a message never fails for the mail server", err)
			}
			after := outboxTo(store, s, &now, &reports) // the process after a crash
			for range 2 {
				if _, err := after.Drain(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			m, _ := store.Message(t.Context(), badges.MessageID("iss", "earned:c1"))
			if m.State != tc.state || m.Attempts != 1 || len(m.Log) != 1 || !strings.Contains(m.Log[0].Detail, tc.logged) {
				t.Fatalf("message %s after %d attempts, log %+v; want %s, logged %q", m.State, m.Attempts, m.Log, tc.state, tc.logged)
			}
			if n := len(ts.Mails()); n != tc.arrived {
				t.Fatalf("the server received %d messages; want %d", n, tc.arrived)
			}
			if tc.state == badges.MessageFailed {
				now = now.Add(time.Hour)
				if n, _ := after.Drain(t.Context()); n != 0 {
					t.Fatalf("a refused message was tried again")
				}
			}
			if tc.state == badges.MessagePending {
				if len(reports) != 1 || !m.NextAttemptAt.Equal(start.Add(badges.FirstRetry)) {
					t.Fatalf("reports %v, next attempt %v; want reported and retried in a minute", reports, m.NextAttemptAt)
				}
				now = now.Add(badges.FirstRetry)
				_, _ = after.Drain(t.Context())
				m, _ = store.Message(t.Context(), m.ID)
				if m.Attempts != 2 || !m.NextAttemptAt.Equal(now.Add(2*badges.FirstRetry)) {
					t.Fatalf("second attempt: %d attempts, next %v; want the delay doubled", m.Attempts, m.NextAttemptAt)
				}
			}
		})
	}
}
