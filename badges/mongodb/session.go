package mongodb

import (
	"context"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// SessionStore keeps console sessions by the hash of their token. The
// collection holds the sessions of the console's people, swept when they
// end, so the few reads by account scan it.
type SessionStore struct{ db *database.DB }

var _ badges.SessionStore = (*SessionStore)(nil)

type sessionRecord struct {
	ID         string    `bson:"_id"`
	Account    string    `bson:"account"`
	Epoch      int       `bson:"epoch"`
	CSRF       string    `bson:"csrf"`
	CreatedAt  time.Time `bson:"createdAt"`
	LastSeenAt time.Time `bson:"lastSeenAt"`
	Address    string    `bson:"address,omitempty"`
	UserAgent  string    `bson:"userAgent,omitempty"`
}

func (r *sessionRecord) session() *badges.Session {
	return &badges.Session{ID: r.ID, AccountID: r.Account, Epoch: r.Epoch, CSRF: r.CSRF, CreatedAt: r.CreatedAt,
		LastSeenAt: r.LastSeenAt, Address: r.Address, UserAgent: r.UserAgent}
}

// CreateSession stores a new session.
func (s *SessionStore) CreateSession(ctx context.Context, ss *badges.Session) error {
	_, err := s.db.Collection(database.Sessions).InsertOne(ctx, sessionRecord{ID: ss.ID, Account: ss.AccountID, Epoch: ss.Epoch,
		CSRF: ss.CSRF, CreatedAt: ss.CreatedAt.UTC(), LastSeenAt: ss.LastSeenAt.UTC(), Address: ss.Address, UserAgent: ss.UserAgent})
	return database.Wrap(err, "store session")
}

// Session reads a session by id.
func (s *SessionStore) Session(ctx context.Context, id string) (*badges.Session, error) {
	var r sessionRecord
	err := s.db.Collection(database.Sessions).FindOne(ctx, database.ByID(id)).Decode(&r)
	switch {
	case database.IsNoDocuments(err):
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such session.")
	case err != nil:
		return nil, database.Wrap(err, "read session")
	}
	return r.session(), nil
}

// TouchSession records a session's last use.
func (s *SessionStore) TouchSession(ctx context.Context, id string, at time.Time) error {
	defer s.db.LockDoc(database.Sessions, id)()
	_, err := s.db.Collection(database.Sessions).UpdateOne(ctx, database.ByID(id),
		bson.D{{Key: "$set", Value: bson.D{{Key: "lastSeenAt", Value: at.UTC().Truncate(time.Millisecond)}}}})
	return database.Wrap(err, "record session use")
}

// DeleteSession removes a session; a missing one is no error.
func (s *SessionStore) DeleteSession(ctx context.Context, id string) error {
	_, err := s.db.Collection(database.Sessions).DeleteOne(ctx, database.ByID(id))
	return database.Wrap(err, "remove session")
}

// DeleteSessionsOf removes an account's sessions.
func (s *SessionStore) DeleteSessionsOf(ctx context.Context, accountID string) error {
	_, err := s.db.Collection(database.Sessions).DeleteMany(ctx, bson.D{{Key: "account", Value: accountID}})
	return database.Wrap(err, "remove sessions")
}

// SessionsOf lists an account's sessions, most recently used first.
func (s *SessionStore) SessionsOf(ctx context.Context, accountID string) ([]*badges.Session, error) {
	recs, err := database.FindAll[sessionRecord](ctx, s.db.Collection(database.Sessions), bson.D{{Key: "account", Value: accountID}}, "list sessions")
	if err != nil {
		return nil, err
	}
	out := make([]*badges.Session, len(recs))
	for i := range recs {
		out[i] = recs[i].session()
	}
	slices.SortFunc(out, func(a, b *badges.Session) int { return b.LastSeenAt.Compare(a.LastSeenAt) })
	return out, nil
}

// DeleteSessionsBefore removes sessions idle since before idle or created
// before created.
func (s *SessionStore) DeleteSessionsBefore(ctx context.Context, idle, created time.Time) error {
	_, err := s.db.Collection(database.Sessions).DeleteMany(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "lastSeenAt", Value: bson.D{{Key: "$lt", Value: idle.UTC()}}}},
		bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: created.UTC()}}}},
	}}})
	return database.Wrap(err, "sweep sessions")
}

// sortAccounts orders accounts by name, then e-mail address.
func sortAccounts(all []*badges.Account) {
	slices.SortFunc(all, func(a, b *badges.Account) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Email, b.Email)
	})
}
