package mongodb

import (
	"cmp"
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// NominationStore keeps nominations by id in a small collection (an admin
// queue). A key document "nomination:<issuer>:<member>:<achievement>"
// names a member's open nomination for an achievement; inserting it is
// the check that there is no other.
type NominationStore struct{ db *database.DB }

var _ badges.NominationStore = (*NominationStore)(nil)

// NewNominationStore returns the nomination store of db.
func NewNominationStore(db *database.DB) *NominationStore { return &NominationStore{db: db} }

type nominationRecord struct {
	ID          string    `bson:"_id"`
	Issuer      string    `bson:"issuer"`
	Nominator   string    `bson:"nominator"`
	Member      string    `bson:"member"`
	Achievement string    `bson:"achievement"`
	Note        string    `bson:"note,omitempty"`
	Status      string    `bson:"status"`
	Credential  string    `bson:"credential,omitempty"`
	Reason      string    `bson:"reason,omitempty"`
	CreatedAt   time.Time `bson:"createdAt"`
	DecidedAt   time.Time `bson:"decidedAt,omitempty"`
	Kind        string    `bson:"kind,omitempty"` // missing from nominations stored before applications
	Links       []string  `bson:"links,omitempty"`
	// Rev counts the nomination's writes, for compare-and-swap; it is
	// missing from nominations stored before it was kept.
	Rev int64 `bson:"rev"`
}

func newNominationRecord(n *badges.Nomination, rev int64) nominationRecord {
	return nominationRecord{ID: n.ID, Issuer: n.IssuerID, Nominator: n.NominatorID, Member: n.MemberID, Achievement: n.AchievementID,
		Note: n.Note, Status: n.Status, Credential: n.CredentialID, Reason: n.Reason, CreatedAt: n.CreatedAt.UTC(), DecidedAt: n.DecidedAt.UTC(), Rev: rev,
		Kind: n.Kind, Links: n.Links}
}

func (r *nominationRecord) nomination() *badges.Nomination {
	return &badges.Nomination{ID: r.ID, IssuerID: r.Issuer, NominatorID: r.Nominator, MemberID: r.Member, AchievementID: r.Achievement,
		Note: r.Note, Status: r.Status, CredentialID: r.Credential, Reason: r.Reason, CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt,
		Kind: cmp.Or(r.Kind, badges.KindNomination), Links: r.Links}
}

// openKey is the key document of a member's open nomination for an
// achievement; an application has its own, so that a nomination and the
// member's own application do not refuse each other.
func openKey(n *badges.Nomination) string {
	kind := "nomination:"
	if n.IsApplication() {
		kind = "application:"
	}
	return kind + n.IssuerID + ":" + n.MemberID + ":" + n.AchievementID
}

// CreateNomination stores a new nomination, after claiming its open key:
// of identical nominations sent at once, one claims the key and the others
// are told its id.
func (s *NominationStore) CreateNomination(ctx context.Context, n *badges.Nomination) (string, error) {
	key := openKey(n)
	holder, err := s.db.ClaimKey(ctx, key, n.ID, func(holder string) (bool, error) {
		h, err := s.Nomination(ctx, holder)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			return false, nil
		}
		return err == nil && h.Open(), err
	})
	if err != nil || holder != "" {
		return holder, err
	}
	if _, err := s.db.Collection(database.Nominations).InsertOne(ctx, newNominationRecord(n, 1)); err != nil {
		// Best effort: a key whose nomination was never stored is taken
		// over by the next claim once it is stale.
		_ = s.db.ReleaseKey(context.WithoutCancel(ctx), key, n.ID)
		return "", database.Wrap(err, "store nomination")
	}
	return "", nil
}

// Nomination reads one nomination.
func (s *NominationStore) Nomination(ctx context.Context, id string) (*badges.Nomination, error) {
	r, err := s.read(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.nomination(), nil
}

func (s *NominationStore) read(ctx context.Context, id string) (*nominationRecord, error) {
	notFound := badges.Errorf(badges.ENOTFOUND, "No nomination with id %q.", id)
	if !badges.ValidID(id) {
		return nil, notFound
	}
	var r nominationRecord
	if err := s.db.Collection(database.Nominations).FindOne(ctx, database.ByID(id)).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, notFound
		}
		return nil, database.Wrap(err, "read nomination")
	}
	return &r, nil
}

// nominationAttempts bounds the retries of an update that keeps losing
// races.
const nominationAttempts = 8

// UpdateNomination reads a nomination, changes it and writes it back if
// its rev is still the one read (database.DB.AtRev): a compare-and-swap on
// MongoDB. The
// embedded engine applies a conditional write as read-modify-write without
// a lock, so there the document's lock makes read and write one step. A
// nomination that is no longer open gives up its key.
func (s *NominationStore) UpdateNomination(ctx context.Context, id string, change func(*badges.Nomination) error) (*badges.Nomination, error) {
	defer s.db.LockDoc(database.Nominations, id)()
	for range nominationAttempts {
		r, err := s.read(ctx, id)
		if err != nil {
			return nil, err
		}
		n := r.nomination()
		if err := change(n); err != nil {
			return nil, err
		}
		res, err := s.db.Collection(database.Nominations).ReplaceOne(ctx, s.db.AtRev(id, r.Rev), newNominationRecord(n, r.Rev+1))
		if err != nil {
			return nil, database.Wrap(err, "store nomination")
		}
		if res.MatchedCount == 1 {
			if !n.Open() {
				// Best effort: a key left to a decided nomination is taken
				// over by the next claim.
				_ = s.db.ReleaseKey(context.WithoutCancel(ctx), openKey(n), n.ID)
			}
			return n, nil
		}
	}
	return nil, badges.Errorf(badges.EUNAVAILABLE, "Nomination %s is changing too often; try again.", id)
}

// Nominations lists an issuer's nominations; the collection is small (an
// admin queue), so it is read with a filter.
func (s *NominationStore) Nominations(ctx context.Context, issuerID, status string) ([]*badges.Nomination, error) {
	filter := bson.D{{Key: "issuer", Value: issuerID}}
	if status != "" {
		filter = append(filter, bson.E{Key: "status", Value: status})
	}
	rs, err := database.FindAll[nominationRecord](ctx, s.db.Collection(database.Nominations), filter, "read nominations",
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(1000))
	if err != nil {
		return nil, err
	}
	out := make([]*badges.Nomination, len(rs))
	for i := range rs {
		out[i] = rs[i].nomination()
	}
	return out, nil
}
