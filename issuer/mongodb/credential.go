package mongodb

import (
	"cmp"
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

type credentialRecord struct {
	ID                 string    `bson:"_id"`
	Issuer             string    `bson:"issuer"`
	Achievement        string    `bson:"achievement"`
	AchievementVersion int       `bson:"achievementVersion"`
	AchievementLevel   string    `bson:"level,omitempty"`
	Member             string    `bson:"member"`
	AwardedAt          time.Time `bson:"awardedAt"`
	AwardedDate        time.Time `bson:"awardedDate,omitempty"`
	ValidUntil         time.Time `bson:"validUntil,omitempty"`
	StatusList         int       `bson:"statusList"`
	StatusIndex        int       `bson:"statusIndex"`
	JSON               string    `bson:"json"`
	JWT                string    `bson:"jwt"`
	RevokedAt          time.Time `bson:"revokedAt,omitempty"`
	RevocationReason   string    `bson:"revocationReason,omitempty"`
	// ReasonPublic is absent from credentials revoked before the choice
	// existed: their reasons stay private.
	ReasonPublic bool `bson:"reasonPublic,omitempty"`
	// Visibility is absent from credentials stored before members chose
	// it: they are public, as every new one starts.
	Visibility string    `bson:"visibility,omitempty"`
	AcceptedAt time.Time `bson:"acceptedAt,omitempty"`
}

func toCredentialRecord(c *issuer.Credential) *credentialRecord {
	return &credentialRecord{ID: c.ID, Issuer: c.IssuerID, Achievement: c.AchievementID, AchievementVersion: c.AchievementVersion, AchievementLevel: c.AchievementLevel,
		Member: c.MemberID, AwardedAt: c.AwardedAt, AwardedDate: c.AwardedDate, ValidUntil: c.ValidUntil, StatusList: c.StatusList,
		StatusIndex: c.StatusIndex, JSON: string(c.JSON), JWT: c.JWT, RevokedAt: c.RevokedAt, RevocationReason: c.RevocationReason,
		ReasonPublic: c.ReasonPublic, Visibility: string(c.Visibility), AcceptedAt: c.AcceptedAt}
}

func (r *credentialRecord) credential() *issuer.Credential {
	return &issuer.Credential{ID: r.ID, IssuerID: r.Issuer, AchievementLevel: r.AchievementLevel, AchievementID: r.Achievement, AchievementVersion: r.AchievementVersion,
		MemberID: r.Member, AwardedAt: r.AwardedAt, AwardedDate: r.AwardedDate, ValidUntil: r.ValidUntil, StatusList: r.StatusList,
		StatusIndex: r.StatusIndex, JSON: []byte(r.JSON), JWT: r.JWT, RevokedAt: r.RevokedAt, RevocationReason: r.RevocationReason,
		ReasonPublic: r.ReasonPublic, Visibility: issuer.Visibility(cmp.Or(r.Visibility, string(issuer.VisibilityPublic))),
		AcceptedAt: r.AcceptedAt}
}

// CredentialStore keeps issued credentials by id, and each community's
// credential index (credentialindex.go).
type CredentialStore struct {
	db    *database.DB
	index *indexState
}

var _ issuer.CredentialStore = (*CredentialStore)(nil)

// NewCredentialStore returns the credential store of db.
func NewCredentialStore(db *database.DB) *CredentialStore {
	return &CredentialStore{db: db, index: &indexState{}}
}

// CreateCredential stores a credential.
func (s *CredentialStore) CreateCredential(ctx context.Context, c *issuer.Credential) error {
	_, err := s.db.Collection(database.Credentials).InsertOne(ctx, toCredentialRecord(c))
	return database.Wrap(err, "store credential")
}

// CreateCredentials stores many credentials with one unordered insert.
func (s *CredentialStore) CreateCredentials(ctx context.Context, cs []*issuer.Credential) []error {
	errs := make([]error, len(cs))
	if len(cs) == 0 {
		return errs
	}
	docs := make([]any, len(cs))
	for i, c := range cs {
		docs[i] = toCredentialRecord(c)
	}
	_, err := s.db.Collection(database.Credentials).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for _, we := range bwe.WriteErrors {
			errs[we.Index] = database.Wrap(we, "store credential")
		}
	default:
		for i := range errs {
			errs[i] = database.Wrap(err, "store credentials")
		}
	}
	return errs
}

func notFoundCredential(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No credential with id %q.", id)
}

// Credential returns one credential.
func (s *CredentialStore) Credential(ctx context.Context, id string) (*issuer.Credential, error) {
	if !badges.ValidID(id) {
		return nil, notFoundCredential(id)
	}
	var r credentialRecord
	if err := s.db.Collection(database.Credentials).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, notFoundCredential(id)
		}
		return nil, database.Wrap(err, "read credential")
	}
	return r.credential(), nil
}

// RevokeCredential marks a credential revoked, once: of two revocations
// at once, in one process or several, exactly one succeeds and the other
// is told the credential is revoked already.
func (s *CredentialStore) RevokeCredential(ctx context.Context, id string, in badges.RevokeInput, at time.Time) (*issuer.Credential, error) {
	defer s.db.LockDoc(database.Credentials, id)()
	c, err := s.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Revoked() {
		return nil, issuer.AlreadyRevoked(c)
	}
	c.RevokedAt, c.RevocationReason, c.ReasonPublic = at.UTC().Truncate(time.Millisecond), in.Reason, in.PublishReason
	set := bson.D{{Key: "revokedAt", Value: c.RevokedAt}, {Key: "revocationReason", Value: in.Reason}, {Key: "reasonPublic", Value: in.PublishReason}}
	notRevoked := bson.E{Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}
	res, err := s.db.Collection(database.Credentials).UpdateOne(ctx, s.db.Guarded(id, notRevoked), bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return nil, database.Wrap(err, "revoke credential")
	}
	if res.MatchedCount == 0 {
		// Another process revoked it between the read and the write.
		if c, err = s.Credential(ctx, id); err != nil {
			return nil, err
		}
		return nil, issuer.AlreadyRevoked(c)
	}
	return c, nil
}

// SetCredentialVisibility records a member's choice of how a credential is
// shown and, the first time, when they accepted it.
func (s *CredentialStore) SetCredentialVisibility(ctx context.Context, id string, v issuer.Visibility, acceptedAt time.Time) (*issuer.Credential, error) {
	defer s.db.LockDoc(database.Credentials, id)()
	c, err := s.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	c.Visibility = v
	set := bson.D{{Key: "visibility", Value: string(v)}}
	if !acceptedAt.IsZero() && !c.Accepted() {
		c.AcceptedAt = acceptedAt.UTC().Truncate(time.Millisecond)
		set = append(set, bson.E{Key: "acceptedAt", Value: c.AcceptedAt})
	}
	if _, err := s.db.Collection(database.Credentials).UpdateOne(ctx, database.ByID(id), bson.D{{Key: "$set", Value: set}}); err != nil {
		return nil, database.Wrap(err, "set credential visibility")
	}
	return c, nil
}
