package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// MemberSessionStore keeps the member portal's sign-in links and sessions,
// each by the hash of its token. Both are read by exact _id; only the
// hourly sweep reads them whole.
type MemberSessionStore struct{ db *database.DB }

var _ badges.MemberSessionStore = (*MemberSessionStore)(nil)

// NewMemberSessionStore returns the store of db.
func NewMemberSessionStore(db *database.DB) *MemberSessionStore { return &MemberSessionStore{db: db} }

type memberSignInRecord struct {
	ID        string    `bson:"_id"`
	Email     string    `bson:"email"`
	Members   []string  `bson:"members"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

func (r *memberSignInRecord) signIn() *badges.MemberSignIn {
	return &badges.MemberSignIn{Hash: r.ID, Email: r.Email, MemberIDs: r.Members, ExpiresAt: r.ExpiresAt}
}

// SaveMemberSignIn stores a new link.
func (s *MemberSessionStore) SaveMemberSignIn(ctx context.Context, in badges.MemberSignIn) error {
	_, err := s.db.Collection(database.MemberSignIns).InsertOne(ctx, memberSignInRecord{ID: in.Hash, Email: in.Email,
		Members: append([]string{}, in.MemberIDs...), ExpiresAt: in.ExpiresAt.UTC()})
	return database.Wrap(err, "store sign-in link")
}

// MemberSignIn reads a link by hash.
func (s *MemberSessionStore) MemberSignIn(ctx context.Context, hash string) (*badges.MemberSignIn, error) {
	var r memberSignInRecord
	err := s.db.Collection(database.MemberSignIns).FindOne(ctx, database.ByID(hash)).Decode(&r)
	switch {
	case database.IsNoDocuments(err):
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such sign-in link.")
	case err != nil:
		return nil, database.Wrap(err, "read sign-in link")
	}
	return r.signIn(), nil
}

// TakeMemberSignIn reads a link and removes it. The removal decides who
// took it: of two requests that read it, only the one whose delete removed
// the document gets it (on the embedded engine the document's lock makes
// read and delete one step as well).
func (s *MemberSessionStore) TakeMemberSignIn(ctx context.Context, hash string) (*badges.MemberSignIn, error) {
	defer s.db.LockDoc(database.MemberSignIns, hash)()
	in, err := s.MemberSignIn(ctx, hash)
	if err != nil {
		return nil, err
	}
	res, err := s.db.Collection(database.MemberSignIns).DeleteOne(ctx, database.ByID(hash))
	if err != nil {
		return nil, database.Wrap(err, "use sign-in link")
	}
	if res.DeletedCount != 1 {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such sign-in link.")
	}
	return in, nil
}

// DeleteMemberSignInsBefore removes links that expired before t.
func (s *MemberSessionStore) DeleteMemberSignInsBefore(ctx context.Context, t time.Time) error {
	_, err := s.db.Collection(database.MemberSignIns).DeleteMany(ctx,
		bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: t.UTC()}}}})
	return database.Wrap(err, "sweep sign-in links")
}

type memberSessionRecord struct {
	ID         string    `bson:"_id"`
	Email      string    `bson:"email"`
	Members    []string  `bson:"members"`
	Current    string    `bson:"current"`
	CSRF       string    `bson:"csrf"`
	CreatedAt  time.Time `bson:"createdAt"`
	LastSeenAt time.Time `bson:"lastSeenAt"`
}

func (r *memberSessionRecord) session() *badges.MemberSession {
	return &badges.MemberSession{ID: r.ID, Email: r.Email, MemberIDs: r.Members, Current: r.Current, CSRF: r.CSRF,
		CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt}
}

func sessionRecordOf(ss *badges.MemberSession) memberSessionRecord {
	return memberSessionRecord{ID: ss.ID, Email: ss.Email, Members: append([]string{}, ss.MemberIDs...), Current: ss.Current,
		CSRF: ss.CSRF, CreatedAt: ss.CreatedAt.UTC(), LastSeenAt: ss.LastSeenAt.UTC()}
}

// CreateMemberSession stores a new session.
func (s *MemberSessionStore) CreateMemberSession(ctx context.Context, ss *badges.MemberSession) error {
	_, err := s.db.Collection(database.MemberSessions).InsertOne(ctx, sessionRecordOf(ss))
	return database.Wrap(err, "store member session")
}

// MemberSession reads a session by id.
func (s *MemberSessionStore) MemberSession(ctx context.Context, id string) (*badges.MemberSession, error) {
	var r memberSessionRecord
	err := s.db.Collection(database.MemberSessions).FindOne(ctx, database.ByID(id)).Decode(&r)
	switch {
	case database.IsNoDocuments(err):
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such session.")
	case err != nil:
		return nil, database.Wrap(err, "read member session")
	}
	return r.session(), nil
}

// UpdateMemberSession changes a session under its lock, writing it back
// only if it is still there (a sign-out meanwhile wins).
func (s *MemberSessionStore) UpdateMemberSession(ctx context.Context, id string, change func(*badges.MemberSession) error) (*badges.MemberSession, error) {
	defer s.db.LockDoc(database.MemberSessions, id)()
	ss, err := s.MemberSession(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := change(ss); err != nil {
		return nil, err
	}
	res, err := s.db.Collection(database.MemberSessions).ReplaceOne(ctx, database.ByID(id), sessionRecordOf(ss))
	if err != nil {
		return nil, database.Wrap(err, "update member session")
	}
	if res.MatchedCount == 0 {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such session.")
	}
	return ss, nil
}

// DeleteMemberSession removes a session; a missing one is no error.
func (s *MemberSessionStore) DeleteMemberSession(ctx context.Context, id string) error {
	_, err := s.db.Collection(database.MemberSessions).DeleteOne(ctx, database.ByID(id))
	return database.Wrap(err, "remove member session")
}

// DeleteMemberSessionsBefore removes sessions idle since before idle or
// created before created.
func (s *MemberSessionStore) DeleteMemberSessionsBefore(ctx context.Context, idle, created time.Time) error {
	_, err := s.db.Collection(database.MemberSessions).DeleteMany(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "lastSeenAt", Value: bson.D{{Key: "$lt", Value: idle.UTC()}}}},
		bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: created.UTC()}}}},
	}}})
	return database.Wrap(err, "sweep member sessions")
}
